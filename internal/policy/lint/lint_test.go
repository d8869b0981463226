package lint

import (
	"github.com/orgrail/orgrail/internal/shareddata"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/severity"
)

func codes(t *testing.T, name, src string, kind Kind) map[string]int {
	t.Helper()
	ds, _ := File(name, []byte(src), kind)
	out := map[string]int{}
	for _, d := range ds {
		out[d.Code]++
		if d.Line == 0 && !strings.HasSuffix(d.Code, ".size") && d.Code != "lint.missing-version" {
			t.Errorf("%s: no position: %v", d.Code, d)
		}
	}
	return out
}

func TestRules(t *testing.T) {
	tests := []struct {
		name, src string
		kind      Kind
		want      []string
		not       []string
	}{
		{"syntax", `{"Version":"2012-10-17",`, KindIdentity, []string{"policy.syntax"}, nil},
		{"unknown action", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObjekt","s3:Get*","nosvc:Do","s3:Zz*"],"Resource":"*"}}`, KindIdentity,
			[]string{"lint.unknown-action", "lint.unknown-service", "lint.action-matches-nothing"}, nil},
		{"condition keys", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceIpp":"x","s3:prefixx":"y","aws:PrincipalTag/team":"z","s3:prefix":"p"}}}}`, KindIdentity,
			[]string{"lint.unknown-condition-key"}, []string{"lint.resource-type"}},
		{"resource arn", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":["arn:aws:iam::111111111111:usr/x","notarn","arn:aws:nosuch:::x"]}}`, KindIdentity,
			[]string{"lint.resource-type", "lint.resource-format", "lint.resource-service"}, nil},
		{"scp principal", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}}`, KindSCP, []string{"scp.principal"}, nil},
		{"rcp rules", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"ec2:RunInstances","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`, KindRCP,
			[]string{"rcp.principal", "rcp.allow", "rcp.unsupported-service", "rcp.action-wildcard"}, nil},
		{"rcp full access ok", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`, KindRCP, nil, []string{"rcp.allow", "rcp.action-wildcard"}},
		{"allow notaction", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`, KindIdentity, []string{"lint.allow-notaction"}, nil},
		{"region deny", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}}`, KindSCP, []string{"lint.region-deny-global-services"}, nil},
		{"region deny partial", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":["iam:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}}`, KindSCP, []string{"lint.region-deny-global-services"}, nil},
		{"trust wildcard", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:*"}}`, KindTrust, []string{"lint.trust-wildcard-action", "lint.trust-wildcard-principal"}, []string{"lint.missing-resource"}},
		{"principal in identity", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`, KindIdentity, []string{"lint.principal-in-identity-policy"}, nil},
		{"duplicate sid", `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, KindIdentity, []string{"lint.duplicate-sid"}, nil},
		{"whitespace action", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject ","Resource":"*"}}`, KindIdentity, []string{"lint.action-whitespace"}, nil},
		{"no version", `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, KindIdentity, []string{"lint.missing-version"}, nil},
		{"resource policy without principal", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, KindResource, []string{"lint.missing-principal"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := codes(t, tt.name+".json", tt.src, tt.kind)
			for _, w := range tt.want {
				if got[w] == 0 {
					t.Errorf("want %s, got %v", w, got)
				}
			}
			for _, w := range tt.not {
				if got[w] > 0 {
					t.Errorf("do not want %s, got %v", w, got)
				}
			}
		})
	}
}

func TestSize(t *testing.T) {
	if n := Size([]byte("{ \"a b\" :\n [ 1 , 2 ] }")); n != len(`{"a b":[1,2]}`) {
		t.Errorf("size %d", n)
	}
	big := `{"Version":"2012-10-17","Statement":[` + strings.Repeat(`{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"},`, 100) + `{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`
	if got := codes(t, "x.json", big, KindSCP); got["scp.size"] == 0 {
		t.Errorf("no size finding: %v", got)
	}
}

// TestExamplesAreValid lints every AWS example policy: none may be called
// invalid (no high or critical finding other than those about the
// placeholders and comments the examples contain).
func TestExamplesAreValid(t *testing.T) {
	root := sharedData(t, "policy-examples")
	// Published as-is, this example is not a valid RCP: it is 6,083
	// characters (over 5,120) and has an Allow statement without Resource.
	invalid := map[string]bool{"Shared-Issuers.json": true}
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") || invalid[filepath.Base(path)] {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		ds, kind := File(path, src, KindAuto)
		for _, x := range ds {
			if x.Severity >= severity.High {
				t.Errorf("%s (%s): %s", path, kind, x)
			}
		}
		return nil
	})
}

// sharedData finds ../shared/data/sub, or skips.
func sharedData(t *testing.T, sub string) string { return shareddata.Dir(t, sub) }
