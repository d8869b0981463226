package demo

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// View is an organization as `orgrail demo` and `orgrail org show` print
// it: the OU tree with the guardrails attached at each level, and a
// summary.
type View struct {
	Organization OrgSummary `json:"organization"`
	Tree         *Node      `json:"tree"`
	Summary      Totals     `json:"summary"`
}

// OrgSummary names the organization.
type OrgSummary struct {
	ID                string `json:"id"`
	ManagementAccount string `json:"managementAccount"`
	FeatureSet        string `json:"featureSet"`
	CollectedAt       string `json:"collectedAt,omitempty"`
	Source            string `json:"source,omitempty"`
}

// Node is a root, OU or account with its directly attached guardrails.
type Node struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Kind       string      `json:"kind"`
	Status     string      `json:"status,omitempty"`
	Management bool        `json:"management,omitempty"`
	Guardrails []Guardrail `json:"guardrails,omitempty"`
	Children   []*Node     `json:"children,omitempty"`
}

// Guardrail is one attached policy.
type Guardrail struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// Totals is the summary section.
type Totals struct {
	Accounts     int            `json:"accounts"`
	Suspended    int            `json:"suspended"`
	AccountsByOU []OUCount      `json:"accountsByOU"`
	Policies     []PolicyCount  `json:"policies"`
	Delegated    []Delegation   `json:"delegatedAdministrators"`
	Services     []ServiceCount `json:"services,omitempty"`
}

// OUCount counts the accounts directly in one OU path.
type OUCount struct {
	OU       string `json:"ou"`
	Accounts int    `json:"accounts"`
}

// PolicyCount counts the policies of one type.
type PolicyCount struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// Delegation is a delegated administrator.
type Delegation struct {
	Account  string   `json:"account"`
	Name     string   `json:"name"`
	Services []string `json:"services"`
}

// ServiceCount says in how many covered account-regions a security
// service is on.
type ServiceCount struct {
	Service string `json:"service"`
	On      int    `json:"on"`
	Of      int    `json:"of"`
}

// guardrailType reports whether a policy type is shown in the tree.
func guardrailType(t string) bool {
	return t == org.SCP || t == org.RCP || strings.HasPrefix(t, "DECLARATIVE_POLICY")
}

// BuildView builds the view of a snapshot.
func BuildView(s *snapshot.Snapshot) (*View, error) {
	o := s.Org
	if len(o.Roots) == 0 {
		return nil, errors.New("org.json has no root")
	}
	v := &View{Organization: OrgSummary{ID: o.Id, ManagementAccount: o.MasterAccountId, FeatureSet: o.FeatureSet,
		Source: s.Manifest.Source}}
	if !s.Manifest.CollectedAt.IsZero() {
		v.Organization.CollectedAt = s.Manifest.CollectedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	v.Tree = node(o, o.Roots[0].Id)
	v.Summary = totals(o)
	svc, err := serviceCounts(s)
	if err != nil {
		return nil, err
	}
	v.Summary.Services = svc
	return v, nil
}

func node(o *org.Organization, id string) *Node {
	n := &Node{ID: id, Name: o.Name(id), Kind: org.TargetKind(id), Management: o.IsManagementAccount(id)}
	if a := o.Account(id); a != nil {
		n.Status = a.Status
	}
	for _, p := range o.Attached(id) {
		if !guardrailType(p.Type) || (n.Kind == org.KindAccount && p.AwsManaged) {
			continue
		}
		n.Guardrails = append(n.Guardrails, Guardrail{ID: p.Id, Name: p.Name, Type: p.Type})
	}
	children := append([]string(nil), o.Children(id)...)
	// OUs first, then accounts, each by name.
	sort.SliceStable(children, func(i, j int) bool {
		ki, kj := org.TargetKind(children[i]), org.TargetKind(children[j])
		if ki != kj {
			return ki == org.KindOU
		}
		return o.Name(children[i]) < o.Name(children[j])
	})
	for _, c := range children {
		n.Children = append(n.Children, node(o, c))
	}
	return n
}

func totals(o *org.Organization) Totals {
	t := Totals{Accounts: len(o.Accounts)}
	byOU := map[string]int{}
	for _, a := range o.Accounts {
		if a.Status == org.StatusSuspended {
			t.Suspended++
		}
		p := o.OUPath(a.Id)
		if p == "" {
			p = "(root)"
		}
		byOU[p]++
	}
	for _, k := range sortedKeysInt(byOU) {
		t.AccountsByOU = append(t.AccountsByOU, OUCount{OU: k, Accounts: byOU[k]})
	}
	byType := map[string]int{}
	for _, p := range o.Policies {
		byType[p.Type]++
	}
	for _, k := range sortedKeysInt(byType) {
		t.Policies = append(t.Policies, PolicyCount{Type: k, Count: byType[k]})
	}
	for _, d := range o.DelegatedAdministrators {
		sps := append([]string(nil), d.ServicePrincipals...)
		sort.Strings(sps)
		t.Delegated = append(t.Delegated, Delegation{Account: d.AccountId, Name: o.Name(d.AccountId), Services: sps})
	}
	return t
}

func sortedKeysInt(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// serviceCounts reads the security services' files of every covered
// account and region. Files absent because of a gap are skipped.
func serviceCounts(s *snapshot.Snapshot) ([]ServiceCount, error) {
	checks := []struct {
		name string
		on   func(f *snapshot.ServiceFile) (bool, error)
	}{
		{"cloudtrail", func(f *snapshot.ServiceFile) (bool, error) {
			var out cloudtrail.DescribeTrailsOutput
			ok, err := f.Get("DescribeTrails", &out)
			return ok && len(out.TrailList) > 0, err
		}},
		{"config", func(f *snapshot.ServiceFile) (bool, error) {
			var out configservice.DescribeConfigurationRecorderStatusOutput
			ok, err := f.Get("DescribeConfigurationRecorderStatus", &out)
			return ok && len(out.ConfigurationRecordersStatus) > 0 && out.ConfigurationRecordersStatus[0].Recording, err
		}},
		{"guardduty", func(f *snapshot.ServiceFile) (bool, error) {
			var out guardduty.ListDetectorsOutput
			ok, err := f.Get("ListDetectors", &out)
			return ok && len(out.DetectorIds) > 0, err
		}},
		{"securityhub", func(f *snapshot.ServiceFile) (bool, error) {
			_, ok := f.Operations["DescribeHub"]
			return ok, nil
		}},
		{"accessanalyzer", func(f *snapshot.ServiceFile) (bool, error) {
			var out accessanalyzer.ListAnalyzersOutput
			ok, err := f.Get("ListAnalyzers", &out)
			return ok && len(out.Analyzers) > 0, err
		}},
	}
	var out []ServiceCount
	for _, c := range checks {
		sc := ServiceCount{Service: c.name}
		for _, cov := range s.Manifest.Coverage {
			for _, r := range cov.Regions {
				f, err := s.Service(cov.Account, r, c.name)
				if err != nil {
					var gap *snapshot.GapError
					if errors.As(err, &gap) || errors.Is(err, snapshot.ErrNotCollected) {
						continue
					}
					return nil, err
				}
				sc.Of++
				on, err := c.on(f)
				if err != nil {
					return nil, err
				}
				if on {
					sc.On++
				}
			}
		}
		out = append(out, sc)
	}
	return out, nil
}

// shortType abbreviates a policy type for the table.
func shortType(t string) string {
	switch t {
	case org.SCP:
		return "SCP"
	case org.RCP:
		return "RCP"
	}
	return strings.ReplaceAll(t, "DECLARATIVE_POLICY_", "DECLARATIVE/")
}

// WriteTree prints the tree with box-drawing branches and each node's
// guardrails grouped by type.
func (v *View) WriteTree(w io.Writer) error {
	var err error
	var walk func(n *Node, prefix string, last, top bool)
	walk = func(n *Node, prefix string, last, top bool) {
		branch, next := "├── ", "│   "
		if last {
			branch, next = "└── ", "    "
		}
		if top {
			branch, next = "", ""
		}
		label := fmt.Sprintf("%s (%s)", n.Name, n.ID)
		if n.Management {
			label += " [management]"
		}
		if n.Status != "" && n.Status != org.StatusActive {
			label += " [" + n.Status + "]"
		}
		if g := guardrailText(n.Guardrails); g != "" {
			label += "  " + g
		}
		if _, e := fmt.Fprintf(w, "%s%s%s\n", prefix, branch, label); e != nil && err == nil {
			err = e
		}
		for i, c := range n.Children {
			walk(c, prefix+next, i == len(n.Children)-1, false)
		}
	}
	walk(v.Tree, "", true, true)
	return err
}

func guardrailText(gs []Guardrail) string {
	byType := map[string][]string{}
	for _, g := range gs {
		byType[shortType(g.Type)] = append(byType[shortType(g.Type)], g.Name)
	}
	var parts []string
	for _, t := range sortedKeysSlice(byType) {
		parts = append(parts, t+": "+strings.Join(byType[t], ", "))
	}
	return strings.Join(parts, " | ")
}

func sortedKeysSlice(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// WriteSummary prints the summary section.
func (v *View) WriteSummary(w io.Writer) error {
	s := v.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "Accounts: %d (%d suspended)\n", s.Accounts, s.Suspended)
	for _, c := range s.AccountsByOU {
		fmt.Fprintf(&b, "  %-28s %d\n", c.OU, c.Accounts)
	}
	b.WriteString("Policies:\n")
	for _, p := range s.Policies {
		fmt.Fprintf(&b, "  %-28s %d\n", p.Type, p.Count)
	}
	b.WriteString("Delegated administrators:\n")
	for _, d := range s.Delegated {
		fmt.Fprintf(&b, "  %s (%s): %s\n", d.Name, d.Account, strings.Join(d.Services, ", "))
	}
	if len(s.Services) > 0 {
		b.WriteString("Security services (on / covered account-regions):\n")
		for _, c := range s.Services {
			fmt.Fprintf(&b, "  %-28s %d / %d\n", c.Service, c.On, c.Of)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
