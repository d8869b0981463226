package access

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// RuleBoundary is the rule id of boundary findings.
const RuleBoundary = "access.boundary"

// Boundary is an access rule between groups of accounts (the
// configuration's access.boundaries): principals of From must not reach
// To, or only principals of OnlyFrom may. References are Root, OU paths,
// account names or ids. Via is "", "any", "roleTrust" or
// "resourcePolicy".
type Boundary struct {
	Name     string
	From     []string
	OnlyFrom []string
	To       []string
	Via      string
}

// Violation is an edge that breaks a boundary.
type Violation struct {
	Boundary string `json:"boundary"`
	Edge     Edge   `json:"edge"`
}

// AccountIDs resolves account names or ids to the ids of the
// organization's accounts, leaving out those that name none.
func AccountIDs(o *org.Organization, refs []string) []string {
	set, _ := accountSet(o, refs)
	return slices.Sorted(maps.Keys(set))
}

// accountSet resolves references against the organization. Unknown
// references are returned so that the caller can say so.
func accountSet(o *org.Organization, refs []string) (map[string]bool, []string) {
	set := map[string]bool{}
	var unknown []string
	for _, ref := range refs {
		found := false
		for _, id := range o.AccountIDs() {
			p := o.OUPath(id)
			if ref == "Root" || id == ref || o.Name(id) == ref || p == ref || strings.HasPrefix(p, ref+"/") {
				set[id], found = true, true
			}
		}
		if !found {
			unknown = append(unknown, ref)
		}
	}
	return set, unknown
}

// Check returns the edges of the graph that break each boundary, and
// the references that name nothing in the organization.
func (g *Graph) Check(o *org.Organization, bs []Boundary) ([]Violation, []string) {
	var out []Violation
	var unknown []string
	for _, b := range bs {
		from, u1 := accountSet(o, b.From)
		only, u2 := accountSet(o, b.OnlyFrom)
		to, u3 := accountSet(o, b.To)
		for _, u := range append(append(u1, u2...), u3...) {
			unknown = append(unknown, fmt.Sprintf("boundary %s: %q names no account of the organization", b.Name, u))
		}
		for _, e := range g.Edges {
			if !to[e.To] || (b.Via != "" && b.Via != "any" && b.Via != e.Via) {
				continue
			}
			if (len(b.From) > 0 && from[e.From]) || (len(b.OnlyFrom) > 0 && !only[e.From]) {
				out = append(out, Violation{Boundary: b.Name, Edge: e})
			}
		}
	}
	return out, unknown
}

// BoundaryReport turns violations into findings of the audit's shape.
func BoundaryReport(snap *snapshot.Snapshot, vs []Violation) *findings.Report {
	o := snap.Org
	info := findings.RuleInfo{ID: RuleBoundary, Title: "Cross-account access breaks a declared access boundary", Severity: severity.High,
		Scope: "account", Source: "builtin", Rationale: "The configuration's access.boundaries say which accounts may reach which; this access crosses one.",
		Remediation: "Remove the principal from the trust or resource policy, add a condition that excludes the account, or change the boundary if the access is intended."}
	rep := &findings.Report{OrgID: o.Id, Partition: o.Partition(), ManagementAccount: o.MasterAccountId,
		SnapshotAt: snap.Manifest.CollectedAt, GeneratedAt: snap.Manifest.CollectedAt, Rules: map[string]findings.RuleInfo{RuleBoundary: info}}
	for _, v := range vs {
		e := v.Edge
		st := statementText(e.Statements)
		rep.Findings = append(rep.Findings, findings.Finding{
			ID:     findings.StableID(RuleBoundary, e.To, e.Region, e.ResourceArn+"|"+e.From+"|"+e.Principal+"|"+st+"|"+v.Boundary),
			RuleID: RuleBoundary, Title: info.Title, Status: findings.Failed, Severity: info.Severity,
			Account: e.To, AccountName: o.Name(e.To), OU: o.OUPath(e.To), Region: e.Region,
			ResourceArn: e.ResourceArn, ResourceType: e.ResourceType,
			Message: fmt.Sprintf("boundary %s: %s (%s, %s) reaches it by %s: %s; granted by %s",
				v.Boundary, e.Principal, o.Name(e.From), o.OUPath(e.From), e.Via, strings.Join(e.Actions, ", "), st),
		})
	}
	findings.Sort(rep.Findings)
	return rep
}
