package baseline

import (
	"slices"
	"sort"
	"strings"
)

// Self-managed StackSet roles (standalone mode): the administration
// role in the Audit (security) account, the execution role in every
// target account, under the names CloudFormation looks for by default.
const (
	StackSetAdminRole     = "AWSCloudFormationStackSetAdministrationRole"
	StackSetExecutionRole = "AWSCloudFormationStackSetExecutionRole"
)

// InviteServices are the services whose membership standalone mode
// makes by invitation from the Audit account.
var InviteServices = []string{"guardduty", "securityhub"}

// standaloneSteps is the baseline without AWS Organizations: the account
// baseline as a self-managed StackSet administered from the Audit
// account and deployed to every listed account, and GuardDuty and
// Security Hub membership by invitation from the Audit account. The
// organization-wide pieces (organization trail, Log Archive and Audit
// stacks with their organization conditions, delegated administrators,
// auto-enable, aggregator, analyzers, root access) need Organizations.
func standaloneSteps(s *Settings) ([]Step, error) {
	acct, err := AccountTemplate(s)
	if err != nil {
		return nil, err
	}
	out := []Step{stackSetStep(&StackSetSpec{Template: acct, SelfManaged: true, Admin: s.AuditID, Accounts: slices.Clone(s.Members),
		Regions: slices.Clone(s.Regions)}, "account baseline, self-managed from "+s.AuditID)}
	others := slices.DeleteFunc(slices.Clone(s.Members), func(a string) bool { return a == s.AuditID })
	for _, svc := range InviteServices {
		if !s.Has(svc) || len(others) == 0 {
			continue
		}
		st := &State{Members: map[string][]string{}}
		for _, r := range s.Regions {
			st.Members[RegionKey(svc, r)] = others
		}
		out = append(out, Step{Key: "service-members:" + svc, Kind: KindMembers, Service: svc, Account: s.AuditID, Regions: slices.Clone(s.Regions),
			Members: others, Emails: pick(s.Emails, others), Address: svc + " members of " + s.AuditID + " by invitation (" + strings.Join(others, ", ") + ")",
			Result: membersFingerprint(st, svc, s.Regions, others)})
	}
	return out, nil
}

// membersFingerprint names, region by region, which of the wanted
// members are enabled.
func membersFingerprint(st *State, service string, regions, members []string) string {
	parts := make([]string, 0, len(regions))
	for _, r := range regions {
		var on []string
		for _, m := range members {
			if slices.Contains(st.Members[RegionKey(service, r)], m) {
				on = append(on, m)
			}
		}
		sort.Strings(on)
		parts = append(parts, r+"="+strings.Join(on, "+"))
	}
	sort.Strings(parts)
	return "members:" + digest(strings.Join(parts, ","))
}

func pick(m map[string]string, keys []string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if v := m[k]; v != "" {
			out[k] = v
		}
	}
	return out
}
