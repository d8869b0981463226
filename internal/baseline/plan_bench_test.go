package baseline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// bigOrg builds a configuration and organization of n member accounts
// over the given regions.
func bigOrg(b *testing.B, n int, regions []string) (*config.Config, *org.Organization) {
	b.Helper()
	var y strings.Builder
	fmt.Fprintf(&y, "organization:\n  homeRegion: %s\nous:\n  - path: Security\n  - path: Workloads\nstandards:\n  allowedRegions: [%s]\n  logRetentionDays: 400\n",
		regions[0], strings.Join(regions, ", "))
	y.WriteString("security:\n  logArchiveAccount: log-archive\n  auditAccount: audit\n  services: [cloudtrail, config, guardduty, securityhub, inspector, macie, accessanalyzer]\nbaseline:\n  targets: [Workloads]\naccounts:\n")
	o := fixtureOrg()
	o.Accounts = o.Accounts[:3]
	y.WriteString("  - {name: management, id: \"111111111111\", email: m@example.com, ou: Root}\n")
	y.WriteString("  - {name: log-archive, id: \"222222222222\", email: l@example.com, ou: Security}\n")
	y.WriteString("  - {name: audit, id: \"333333333333\", email: a@example.com, ou: Security}\n")
	for i := range n {
		id := fmt.Sprintf("5%011d", i)
		fmt.Fprintf(&y, "  - {name: app-%d, id: \"%s\", email: app%d@example.com, ou: Workloads}\n", i, id, i)
		o.Accounts = append(o.Accounts, org.Account{Id: id, Name: fmt.Sprintf("app-%d", i), Email: fmt.Sprintf("app%d@example.com", i), ParentId: "ou-root-workloads", Status: org.StatusActive})
	}
	c, diags := config.Parse("big.yaml", []byte(y.String()))
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	if err := o.Index(); err != nil {
		b.Fatal(err)
	}
	return c, o
}

var seventeen = []string{"ap-northeast-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"eu-central-1", "eu-north-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-south-1", "ca-central-1", "sa-east-1"}

// BenchmarkPlan resolves and plans the baseline from nothing: 10
// accounts in one region (the reference) and 1,000 accounts in 17
// regions (the issue's figure: under 10 s).
func BenchmarkPlan(b *testing.B) {
	for _, tc := range []struct {
		accounts int
		regions  []string
	}{{10, seventeen[:1]}, {1000, seventeen}} {
		b.Run(fmt.Sprintf("accounts=%d/regions=%d", tc.accounts, len(tc.regions)), func(b *testing.B) {
			c, o := bigOrg(b, tc.accounts, tc.regions)
			b.ResetTimer()
			for b.Loop() {
				s, _ := Resolve(c, o)
				if _, err := Plan(s, &State{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
