package catalog

import "fmt"

// Step kinds.
const (
	KindOrgAccess   = "organizations-access"
	KindPortfolio   = "portfolio"
	KindProduct     = "product"
	KindArtifact    = "version"
	KindAssociation = "product-association"
	KindLaunch      = "launch-constraint"
	KindShare       = "share"
	KindAccept      = "accept-share"
	KindPrincipal   = "principal"
)

// Step is one change that brings the catalog to the configuration.
// Steps are plain data: AWS.Apply executes one, Observe tells whether it
// is still to do.
type Step struct {
	// Key identifies the step, e.g. "portfolio:approved-compute".
	Key     string `json:"key"`
	Kind    string `json:"kind"`
	Address string `json:"address"`
	// Account is the account id the step acts in (the hub, or a member
	// for accept-share and principal); Region the catalog's region.
	Account string `json:"account"`
	Region  string `json:"region"`
	// Portfolio and Product name the objects (display names).
	Portfolio string `json:"portfolio,omitempty"`
	Product   string `json:"product,omitempty"`
	// Description, Provider and Owner are the portfolio's or product's
	// attributes; Role the launch constraint's role name.
	Description string `json:"description,omitempty"`
	Provider    string `json:"provider,omitempty"`
	Owner       string `json:"owner,omitempty"`
	Role        string `json:"role,omitempty"`
	// Artifact is the version a version step adds, or the first version
	// a product step creates the product with.
	Artifact *Version `json:"artifact,omitempty"`
	// Bucket is where the template of Artifact is uploaded.
	Bucket string `json:"bucket,omitempty"`
	// Node is the share recipient of a share step.
	Node *Node `json:"node,omitempty"`
	// Principal is the IAM_PATTERN ARN of a principal step.
	Principal string `json:"principal,omitempty"`
	// Version is the observed state the step was planned against and
	// Result the state once it is done (see Observe).
	Version   string   `json:"version"`
	Result    string   `json:"result"`
	DependsOn []string `json:"dependsOn,omitempty"`
}

// Update reports whether the step changes an object that exists.
func (s *Step) Update() bool { return s.Version != StateAbsent && s.Version != StateOff }

// Plan returns the steps that take the catalog from st (nil: nothing
// exists) to the settings, in an order that respects DependsOn.
func Plan(s *Settings, st *State) []Step {
	if st == nil {
		st = &State{}
	}
	var out []Step
	add := func(x Step) {
		x.Region = s.Region
		if x.Artifact != nil {
			x.Bucket = s.TemplateBucket
		}
		if x.Account == "" {
			x.Account = s.HubAccount
		}
		x.Version = Observe(&x, st)
		if x.Version != x.Result {
			out = append(out, x)
		}
	}
	orgShares := false
	for _, p := range s.Portfolios {
		orgShares = orgShares || len(p.Nodes) > 0
	}
	if orgShares {
		add(Step{Key: "organizations-access", Kind: KindOrgAccess, Address: "catalog AWS Organizations access", Result: StateOn})
	}
	for _, p := range s.Portfolios {
		pk := "portfolio:" + p.Name
		add(Step{Key: pk, Kind: KindPortfolio, Address: fmt.Sprintf("catalog portfolio %q", p.Name), Portfolio: p.Name,
			Description: p.Description, Provider: p.Provider, Result: fingerprint(p.Description, p.Provider)})
		for _, pr := range p.Products {
			prk := "product:" + pr.Name
			exists := st.Product(pr.Name) != nil
			first := &Version{}
			if len(pr.Versions) > 0 {
				first = &pr.Versions[0]
			}
			add(Step{Key: prk, Kind: KindProduct, Address: fmt.Sprintf("catalog product %q", pr.Name), Product: pr.Name,
				Owner: pr.Owner, Description: pr.Description, Artifact: first, Result: fingerprint(pr.Owner, pr.Description)})
			for i := range pr.Versions {
				if i == 0 && !exists {
					continue // made with the product
				}
				v := pr.Versions[i]
				add(Step{Key: "version:" + pr.Name + "/" + v.Name, Kind: KindArtifact, Product: pr.Name, Artifact: &v,
					Address: fmt.Sprintf("catalog product %q version %q", pr.Name, v.Name), Result: StatePresent, DependsOn: []string{prk}})
			}
			ak := "association:" + p.Name + "/" + pr.Name
			add(Step{Key: ak, Kind: KindAssociation, Portfolio: p.Name, Product: pr.Name, Result: StatePresent,
				Address: fmt.Sprintf("catalog product %q in portfolio %q", pr.Name, p.Name), DependsOn: []string{pk, prk}})
			if p.LaunchRole != "" {
				add(Step{Key: "launch:" + p.Name + "/" + pr.Name, Kind: KindLaunch, Portfolio: p.Name, Product: pr.Name, Role: p.LaunchRole,
					Address: fmt.Sprintf("catalog launch role of %q in portfolio %q", pr.Name, p.Name), Result: fingerprint(p.LaunchRole),
					DependsOn: []string{ak}})
			}
		}
		for i := range p.Nodes {
			n := p.Nodes[i]
			add(Step{Key: "share:" + p.Name + "@" + n.Ref, Kind: KindShare, Portfolio: p.Name, Node: &n, Result: StatePresent,
				Address: fmt.Sprintf("catalog portfolio %q shared to %s", p.Name, n.Ref), DependsOn: []string{pk, "organizations-access"}})
		}
		for _, m := range p.Members {
			acc := "accept:" + p.Name + "@" + m
			add(Step{Key: acc, Kind: KindAccept, Account: m, Portfolio: p.Name, Result: StatePresent,
				Address: fmt.Sprintf("catalog portfolio %q imported in %s", p.Name, m), DependsOn: shareKeys(p)})
			for _, role := range p.Principals {
				arn := PrincipalARN(s.Partition, role)
				add(Step{Key: "principal:" + p.Name + "@" + m + "/" + role, Kind: KindPrincipal, Account: m, Portfolio: p.Name,
					Principal: arn, Result: StatePresent, Address: fmt.Sprintf("catalog principal %s of %q in %s", role, p.Name, m),
					DependsOn: []string{acc}})
			}
		}
	}
	keys := map[string]bool{}
	for _, x := range out {
		keys[x.Key] = true
	}
	for i := range out {
		var deps []string
		for _, d := range out[i].DependsOn {
			if keys[d] {
				deps = append(deps, d)
			}
		}
		out[i].DependsOn = deps
	}
	return out
}

func shareKeys(p Portfolio) []string {
	var out []string
	for _, n := range p.Nodes {
		out = append(out, "share:"+p.Name+"@"+n.Ref)
	}
	return out
}
