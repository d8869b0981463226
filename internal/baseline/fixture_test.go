package baseline

import (
	"testing"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// fixtureYAML is a configuration with a baseline section.
const fixtureYAML = `organization:
  homeRegion: ap-northeast-1
accounts:
  - {name: management, id: "111111111111", email: m@example.com, ou: Root}
  - {name: log-archive, id: "222222222222", email: l@example.com, ou: Security}
  - {name: audit, id: "333333333333", email: a@example.com, ou: Security}
  - {name: app, id: "444444444444", email: p@example.com, ou: Workloads}
ous:
  - path: Security
  - path: Workloads
standards:
  allowedRegions: [ap-northeast-1, us-east-1]
  logRetentionDays: 400
security:
  logArchiveAccount: log-archive
  auditAccount: audit
  services: [cloudtrail, config, guardduty, securityhub, inspector, macie, accessanalyzer]
baseline:
  targets: [Root]
  securityContact: {name: Security Team, email: security@example.com, phone: "+81-3-0000-0000"}
`

// fixtureOrg is the organization fixtureYAML describes.
func fixtureOrg() *org.Organization {
	o := &org.Organization{Id: "o-exampleorg01", MasterAccountId: "111111111111",
		Roots: []org.Root{{Id: "r-root", Name: "Root"}},
		OrganizationalUnits: []org.OU{
			{Id: "ou-root-security", Name: "Security", ParentId: "r-root"},
			{Id: "ou-root-workloads", Name: "Workloads", ParentId: "r-root"},
		},
		Accounts: []org.Account{
			{Id: "111111111111", Name: "management", Email: "m@example.com", ParentId: "r-root", Status: org.StatusActive},
			{Id: "222222222222", Name: "log-archive", Email: "l@example.com", ParentId: "ou-root-security", Status: org.StatusActive},
			{Id: "333333333333", Name: "audit", Email: "a@example.com", ParentId: "ou-root-security", Status: org.StatusActive},
			{Id: "444444444444", Name: "app", Email: "p@example.com", ParentId: "ou-root-workloads", Status: org.StatusActive},
		}}
	if err := o.Index(); err != nil {
		panic(err)
	}
	return o
}

// fixture returns the configuration and resolved settings of the fixture.
func fixture(t testing.TB, extra string) (*config.Config, *Settings) {
	t.Helper()
	c, diags := config.Parse("baseline.yaml", []byte(fixtureYAML+extra))
	if len(diags) > 0 {
		t.Fatalf("fixture: %v", diags)
	}
	s, d := Resolve(c, fixtureOrg())
	if len(d) > 0 {
		t.Fatalf("resolve: %v", d)
	}
	return c, s
}
