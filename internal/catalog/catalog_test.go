package catalog

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// TestExampleTemplateLint runs cfn-lint, an independent checker of
// CloudFormation's schemas, over every template of the example
// landing zone's catalog and wants no finding at all (errors, warnings
// or informational). Skipped when cfn-lint is not installed.
func TestExampleTemplateLint(t *testing.T) {
	if testing.Short() {
		t.Skip("cfn-lint takes a while to load")
	}
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint not installed")
	}
	files, _ := filepath.Glob("../../examples/landing-zone/catalog/*.yaml")
	if len(files) == 0 {
		t.Fatal("no example template")
	}
	out, err := exec.Command(bin, append([]string{"--format", "parseable", "--regions", "ap-northeast-1", "us-east-1", "--"}, files...)...).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("cfn-lint: %v\n%s", err, out)
	}
}

const fixtureYAML = `organization: {homeRegion: ap-northeast-1}
accounts:
  - {name: management, id: "111111111111", email: m@example.com, ou: Root}
  - {name: app, id: "444444444444", email: p@example.com, ou: Workloads}
  - {name: tools, id: "555555555555", email: t@example.com, ou: Root}
ous:
  - path: Workloads
  - path: Later
catalog:
  templateBucket: tpl
  portfolios:
    - name: compute
      provider: Platform
      launchRole: Launch
      principals: [Dev*]
      shareTo: {ous: [Workloads, Later], accounts: [tools, management]}
      products:
        - name: ec2
          owner: Platform
          versions: [{name: v1, template: a.yaml}, {name: v2, template: b.yaml}]
`

func fixture(t *testing.T) (*config.Config, *org.Organization) {
	t.Helper()
	c, diags := config.Parse("c.yaml", []byte(fixtureYAML))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	o := &org.Organization{Id: "o-exampleorg01", MasterAccountId: "111111111111", Roots: []org.Root{{Id: "r-root", Name: "Root"}},
		OrganizationalUnits: []org.OU{{Id: "ou-root-workloads", Name: "Workloads", ParentId: "r-root"}},
		Accounts: []org.Account{
			{Id: "111111111111", Name: "management", ParentId: "r-root", Status: org.StatusActive},
			{Id: "444444444444", Name: "app", ParentId: "ou-root-workloads", Status: org.StatusActive},
			{Id: "555555555555", Name: "tools", ParentId: "r-root", Status: org.StatusActive}}}
	if err := o.Index(); err != nil {
		t.Fatal(err)
	}
	return c, o
}

// TestPlanFromNothing plans every step once, members from the shares,
// an OU that does not exist yet left out with a warning, and the first
// version made with the product.
func TestPlanFromNothing(t *testing.T) {
	c, o := fixture(t)
	s, diags := Resolve(c, o)
	if len(diags) != 2 || diags[0].Code != CodeUnresolved || !strings.Contains(diags[0].Message, "Later") || !strings.Contains(diags[1].Message, "management account") {
		t.Fatalf("diagnostics: %v", diags)
	}
	var keys []string
	for _, st := range Plan(s, nil) {
		keys = append(keys, st.Key)
		if st.Version == st.Result {
			t.Errorf("%s planned though done", st.Key)
		}
	}
	want := []string{"organizations-access", "portfolio:compute", "product:ec2", "version:ec2/v2", "association:compute/ec2",
		"launch:compute/ec2", "share:compute@Workloads", "share:compute@tools", "accept:compute@444444444444",
		"principal:compute@444444444444/Dev*", "accept:compute@555555555555", "principal:compute@555555555555/Dev*"}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Fatalf("steps:\n%v\nwant\n%v", keys, want)
	}
}

// TestPlanUpToDate plans nothing when the state matches, and an update
// of the launch role alone when only it differs.
func TestPlanUpToDate(t *testing.T) {
	c, o := fixture(t)
	s, _ := Resolve(c, o)
	st := &State{OrgAccess: true}
	pf := st.SetPortfolio("compute", &PortfolioState{ID: "port-1", Provider: "Platform"})
	pr := st.SetProduct("ec2", &ProductState{ID: "prod-1", Owner: "Platform"})
	pr.Versions["v1"], pr.Versions["v2"] = "pa-1", "pa-2"
	pf.Products["prod-1"] = true
	pf.Launch["prod-1"] = Constraint{ID: "cons-1", Role: "Launch"}
	pf.Shares[NodeKey("ORGANIZATIONAL_UNIT", "ou-root-workloads")] = true
	pf.Shares[NodeKey("ACCOUNT", "555555555555")] = true
	for _, m := range []string{"444444444444", "555555555555"} {
		ms := st.Member(m)
		ms.Accepted["port-1"] = true
		ms.Principals["port-1"] = map[string]bool{PrincipalARN("aws", "Dev*"): true}
	}
	if steps := Plan(s, st); len(steps) != 0 {
		t.Fatalf("up-to-date catalog plans %d steps: %+v", len(steps), steps)
	}
	pf.Launch["prod-1"] = Constraint{ID: "cons-1", Role: "Old"}
	steps := Plan(s, st)
	if len(steps) != 1 || steps[0].Kind != KindLaunch || !steps[0].Update() {
		t.Fatalf("role change: %+v", steps)
	}
}

// TestShareToRoot shares to the organization by its id and reaches
// every member account but the management account.
func TestShareToRoot(t *testing.T) {
	c, o := fixture(t)
	c.Catalog.Portfolios[0].ShareTo.OUs = []string{config.RootPath}
	c.Catalog.Portfolios[0].ShareTo.Accounts = nil
	s, _ := Resolve(c, o)
	p := s.Portfolios[0]
	if len(p.Nodes) != 1 || p.Nodes[0].Type != "ORGANIZATION" || p.Nodes[0].Value != "o-exampleorg01" {
		t.Fatalf("nodes: %+v", p.Nodes)
	}
	if strings.Join(p.Members, ",") != "444444444444,555555555555" {
		t.Fatalf("members: %v", p.Members)
	}
}
