package plan

import (
	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/catalog"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
)

// KindCatalog is a step of the Service Catalog section
// (internal/catalog): a portfolio, a product or one of its versions, an
// association, a launch constraint, a share, or a member account's
// accepted share or principal.
const KindCatalog Kind = "catalog"

// Inputs are the current states, besides the organization, a plan is
// made against.
type Inputs struct {
	// IDC is the IAM Identity Center instance (nil: none); ReadIDC says
	// it was read, and only then is the identity section planned.
	IDC     *identity.Center
	ReadIDC bool
	// Baseline is the baseline's state (nil: unknown, every step is
	// planned and apply finds the done ones).
	Baseline *baseline.State
	// Catalog is the Service Catalog as it is; nil leaves the catalog
	// section out of the plan. An empty State plans every step (from a
	// snapshot, where the catalog is not collected).
	Catalog *catalog.State
}

// NewFrom is New with every other state the caller read.
func NewFrom(cfg *config.Config, cur *org.Organization, in Inputs, opts Options) (*Plan, diag.List) {
	return newPlan(cfg, cur, in, opts)
}

// catalog adds the catalog's steps as changes.
func (b *builder) catalog() {
	if b.v.Catalog == nil {
		return
	}
	s, diags := catalog.Resolve(b.cfg, b.cur)
	for _, d := range diags {
		b.warn(d.Code, "%s", d.Message)
	}
	if s == nil || b.cfg.Organization.Standalone() {
		return
	}
	for _, st := range catalog.Plan(s, b.v.Catalog) {
		ch := Change{Key: "catalog:" + st.Key, Kind: KindCatalog, Action: catalogAction(&st), Address: st.Address,
			Ref: Ref{AccountID: st.Account, ID: st.Portfolio}, Version: st.Version, Result: st.Result, Catalog: &st}
		for _, d := range st.DependsOn {
			ch.DependsOn = append(ch.DependsOn, "catalog:"+d)
		}
		b.add(ch)
	}
}

// catalogAction is how a catalog step reads in a plan.
func catalogAction(st *catalog.Step) Action {
	switch {
	case st.Kind == catalog.KindOrgAccess:
		return Enable
	case st.Kind == catalog.KindAssociation || st.Kind == catalog.KindPrincipal:
		return Attach
	case st.Update():
		return Update
	}
	return Create
}

// catalogDetail renders what a catalog change sets.
func (r *renderer) catalogDetail(st *catalog.Step) {
	for _, f := range [][2]string{{"provider", st.Provider}, {"owner", st.Owner}, {"description", st.Description}, {"launch role", st.Role}, {"principal", st.Principal}} {
		if f[1] != "" {
			r.line("      %s: %s", f[0], f[1])
		}
	}
	if st.Artifact != nil && st.Artifact.Name != "" {
		r.line("      version: %s", st.Artifact.Name)
	}
	if st.Node != nil {
		r.line("      node: %s %s", st.Node.Type, st.Node.Value)
	}
}
