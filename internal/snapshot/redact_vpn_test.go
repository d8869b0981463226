package snapshot

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestRedactVPNConnectionKeys: EC2 DescribeVpnConnections returns each
// tunnel's pre-shared key (Options.TunnelOptions[].PreSharedKey) and the
// customer gateway configuration, an XML document that repeats the keys.
// Both values go; the tunnels' addresses, the telemetry the rules read
// and the ARN of a key kept in Secrets Manager stay.
func TestRedactVPNConnectionKeys(t *testing.T) {
	doc := `{"VpnConnections":[{"VpnConnectionId":"vpn-1","State":"available",` +
		`"CustomerGatewayConfiguration":"<vpn_connection><ike><pre_shared_key>` + secret + `</pre_shared_key></ike></vpn_connection>",` +
		`"Options":{"TunnelOptions":[{"OutsideIpAddress":"203.0.113.10","PreSharedKey":"` + secret + `"},` +
		`{"OutsideIpAddress":"203.0.113.11","PreSharedKey":"` + secret + `2"}]},` +
		`"PreSharedKeyArn":"arn:aws:secretsmanager:us-east-1:111122223333:secret:vpn-psk",` +
		`"VgwTelemetry":[{"OutsideIpAddress":"203.0.113.10","Status":"UP"},{"OutsideIpAddress":"203.0.113.11","Status":"DOWN"}]}]}`
	out, changed, err := RedactJSON([]byte(doc))
	if err != nil || !changed {
		t.Fatalf("changed %v, err %v", changed, err)
	}
	if bytes.Contains(out, []byte(secret)) || bytes.Contains(out, []byte("pre_shared_key")) {
		t.Fatalf("a key survived: %s", out)
	}
	var v struct {
		VpnConnections []struct {
			CustomerGatewayConfiguration string
			PreSharedKeyArn              string
			Options                      struct {
				TunnelOptions []struct{ OutsideIpAddress, PreSharedKey string }
			}
			VgwTelemetry []struct{ Status string }
		}
	}
	if err := json.Unmarshal(out, &v); err != nil || len(v.VpnConnections) != 1 {
		t.Fatalf("%v: %s", err, out)
	}
	c := v.VpnConnections[0]
	if c.CustomerGatewayConfiguration != Redacted || c.Options.TunnelOptions[0].PreSharedKey != Redacted ||
		c.Options.TunnelOptions[1].PreSharedKey != Redacted {
		t.Errorf("not redacted: %s", out)
	}
	if c.Options.TunnelOptions[1].OutsideIpAddress != "203.0.113.11" || c.VgwTelemetry[1].Status != "DOWN" ||
		c.PreSharedKeyArn != "arn:aws:secretsmanager:us-east-1:111122223333:secret:vpn-psk" {
		t.Errorf("lost what is not a secret: %s", out)
	}
}
