package config

import (
	"fmt"
	"testing"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/severity"
)

func TestSectionsKeptRaw(t *testing.T) {
	dir, _ := writeCase(t, map[string]string{
		"a.yaml": "notifications:\n  channels:\n    - name: sec\nexceptions:\n  - rule: s3-public\n    reason: web\n",
		"b.yaml": "exceptions:\n  - rule: iam-root\n    reason: break-glass\n",
	}, nil)
	c, diags, err := Load(dir)
	if err != nil || len(diags) != 0 {
		t.Fatalf("err %v diags %v", err, diags)
	}
	type exc struct {
		Rule   string `yaml:"rule"`
		Reason string `yaml:"reason"`
	}
	var es []exc
	if err := c.Exceptions.Decode(&es); err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Rule != "s3-public" || es[1].Reason != "break-glass" {
		t.Fatalf("exceptions = %+v", es)
	}
	if p := c.Exceptions.Parts[1].Pos(); p.Line != 2 || p.Column != 3 {
		t.Errorf("second part at %v, want line 2 column 3", p)
	}
	var n struct {
		Channels []struct {
			Name string `yaml:"name"`
		} `yaml:"channels"`
	}
	if err := c.Notifications.Decode(&n); err != nil {
		t.Fatal(err)
	}
	if len(n.Channels) != 1 || n.Channels[0].Name != "sec" {
		t.Fatalf("notifications = %+v", n)
	}
	if err := c.Notifications.Decode(n); err == nil {
		t.Error("Decode into a non-pointer should fail")
	}
}

func TestPositionsRecorded(t *testing.T) {
	c, diags := Parse("x.yaml", []byte("accounts:\n  - name: a\n    email: a@example.com\n    tags:\n      Team: core\npolicies:\n  - name: p\n    type: TAG_POLICY\n    targets: [Root, a]\n"))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	a := c.Accounts[0]
	for key, want := range map[string]Pos{
		"":          {"x.yaml", 2, 5},
		"email":     {"x.yaml", 3, 12},
		"tags.Team": {"x.yaml", 5, 13},
		"missing":   {"x.yaml", 2, 5},
	} {
		if got := a.Pos.Of(key); got != want {
			t.Errorf("Of(%q) = %v, want %v", key, got, want)
		}
	}
	if got := c.Policies[0].Pos.Of("targets[1]"); got != (Pos{"x.yaml", 9, 21}) {
		t.Errorf("targets[1] at %v", got)
	}
}

func TestLookups(t *testing.T) {
	c, _, err := Load("../../examples/landing-zone")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(c.AccountsUnder("Workloads")); got != 9 {
		t.Errorf("AccountsUnder(Workloads) = %d, want 9", got)
	}
	if got := len(c.AccountsUnder(RootPath)); got != len(c.Accounts) {
		t.Errorf("AccountsUnder(Root) = %d", got)
	}
	root := c.PoliciesOn(Target{Kind: TargetRoot, Ref: RootPath})
	if len(root) < 4 {
		t.Errorf("PoliciesOn(Root) = %d policies", len(root))
	}
	ou := c.OU("Workloads/Prod")
	if ou == nil || ou.Name() != "Prod" || ou.Parent() != "Workloads" || ou.Depth() != 2 {
		t.Errorf("OU(Workloads/Prod) = %+v", ou)
	}
	if a := c.Account("111111111111"); a == nil || a.Name != "management" {
		t.Errorf("Account by id = %+v", a)
	}
	for _, p := range c.Policies {
		if !p.AWSManaged && len(p.Content) == 0 {
			t.Errorf("policy %s has no content", p.Name)
		}
	}
	if PartitionOf("cn-north-1") != "aws-cn" || PartitionOf("us-gov-west-1") != "aws-us-gov" || PartitionOf("mars-1") != "" {
		t.Error("PartitionOf is wrong")
	}
}

func TestStandaloneExample(t *testing.T) {
	c, diags := Parse("s.yaml", []byte(`organization:
  mode: standalone
  jumpAccount: jump
  roleChain:
    - account: jump
      role: OrgrailHub
    - role: OrgrailAudit
accounts:
  - name: jump
    id: "111111111111"
  - name: project-a
    id: "222222222222"
`))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	r := &reporter{}
	validate(c, r)
	if len(r.list) != 0 {
		t.Fatal(r.list)
	}
	if !c.Organization.Standalone() || c.Organization.RoleChain[1].String() != "OrgrailAudit@<target>" {
		t.Errorf("organization = %+v", c.Organization)
	}
}

func TestMergeKeys(t *testing.T) {
	c, diags := Parse("m.yaml", []byte(`accounts:
  - &base
    name: base
    email: base@example.com
    ou: Root
    owner: platform
    environment: prod
  - <<: *base
    name: other
    email: other@example.com
`))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	a := c.Accounts[1]
	if a.Name != "other" || a.Owner != "platform" || a.Environment != "prod" || a.OU != "Root" {
		t.Fatalf("merged account = %+v", a)
	}
	if p := a.Pos.Of("owner"); p.Line != 6 {
		t.Errorf("merged owner at %v, want the anchor's line 6", p)
	}
	if p := a.Pos.Of("name"); p.Line != 9 {
		t.Errorf("own name at %v, want line 9", p)
	}
}

func TestRegisterSection(t *testing.T) {
	RegisterSection("exceptions", func(s Section) diag.List {
		var out diag.List
		for _, p := range s.Parts {
			for _, el := range p.Node.Content {
				if len(el.Content) < 2 || el.Content[0].Value != "rule" {
					out = append(out, diag.Diagnostic{File: p.File, Line: el.Line, Column: el.Column,
						Code: "exception-no-rule", Severity: severity.High, Message: "no rule", Hint: "add rule:"})
				}
			}
		}
		return out
	})
	defer delete(sectionValidators, "exceptions")
	dir, want := writeCase(t, map[string]string{"a.yaml": "exceptions:\n  - rule: x\n  - »reason: y\n"}, []string{"exception-no-rule"})
	_, diags, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 1 || diags[0].Code != "exception-no-rule" || want[0] != fmt.Sprintf("%s:%d:%d exception-no-rule", diags[0].File, diags[0].Line, diags[0].Column) {
		t.Fatalf("got %v, want %v", diags, want)
	}
}
