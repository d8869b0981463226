package snapshot

import (
	"bytes"
	"testing"
)

// TestRedactAnalyticsShapes: API Gateway stage variables (REST
// Stage.variables, v2 Stage.StageVariables) lose their values; a
// Redshift parameter group keeps require_ssl's value and loses any other
// parameter's.
func TestRedactAnalyticsShapes(t *testing.T) {
	for name, doc := range map[string]string{
		"rest": `{"item":[{"stageName":"prod","variables":{"backendToken":"` + secret + `"}}]}`,
		"v2":   `{"Items":[{"StageName":"prod","StageVariables":{"token":"` + secret + `"}}]}`,
	} {
		out, changed, err := RedactJSON([]byte(doc))
		if err != nil || !changed || bytes.Contains(out, []byte(secret)) || !bytes.Contains(out, []byte(Redacted)) {
			t.Errorf("%s: changed %v, err %v: %s", name, changed, err, out)
		}
	}
	doc := `{"Parameters":[{"ParameterName":"require_ssl","ParameterValue":"true","DataType":"boolean"},` +
		`{"ParameterName":"search_path","ParameterValue":"` + secret + `","DataType":"string"}]}`
	out, _, err := RedactJSON([]byte(doc))
	if err != nil || bytes.Contains(out, []byte(secret)) || !bytes.Contains(out, []byte(`"ParameterValue":"true"`)) {
		t.Errorf("redshift parameters: %v %s", err, out)
	}
}
