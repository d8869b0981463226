package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

// Diagnostic codes the planner reports.
const (
	CodeOrgMismatch  = "plan-org-mismatch"
	CodeMgmtMismatch = "plan-management-mismatch"
	CodeNeedsFlag    = "plan-needs-flag"
	CodeNotPossible  = "plan-not-possible"
	CodeLint         = "plan-policy-lint"
	CodeExpectation  = "plan-expectation"
)

// builder accumulates the changes of one Plan call.
type builder struct {
	cfg   *config.Config
	cur   *org.Organization
	v     *View
	opts  Options
	plan  *Plan
	keys  map[string]bool
	diags diag.List
	// identityRead is set when the caller read Identity Center (NewFull):
	// only then is the identity section planned.
	identityRead bool
}

// New compares the configuration with the current organization (indexed
// or not) and returns the plan that makes the organization match it.
// Changes that need an Options permission that was not given are left
// out and reported as warnings; an organization the configuration does
// not describe (another id or management account) is an error and gives
// a plan without changes.
func New(cfg *config.Config, cur *org.Organization, opts Options) (*Plan, diag.List) {
	return newPlan(cfg, cur, Inputs{}, opts)
}

// NewFull is New with the IAM Identity Center instance as it is (nil
// when the organization has none): the configuration's identity section
// is planned against it too.
func NewFull(cfg *config.Config, cur *org.Organization, idc *identity.Center, opts Options) (*Plan, diag.List) {
	return newPlan(cfg, cur, Inputs{IDC: idc, ReadIDC: true}, opts)
}

// NewWithBaseline is New with the current state of the baseline's
// organization-level objects (baseline.Read live; nil when unknown,
// which plans every baseline step and lets apply find the done ones).
func NewWithBaseline(cfg *config.Config, cur *org.Organization, st *baseline.State, opts Options) (*Plan, diag.List) {
	return newPlan(cfg, cur, Inputs{Baseline: st}, opts)
}

// NewComplete is NewFull with the baseline's current state.
func NewComplete(cfg *config.Config, cur *org.Organization, idc *identity.Center, st *baseline.State, opts Options) (*Plan, diag.List) {
	return newPlan(cfg, cur, Inputs{IDC: idc, ReadIDC: true, Baseline: st}, opts)
}

func newPlan(desired *config.Config, cur *org.Organization, in Inputs, opts Options) (*Plan, diag.List) {
	if err := cur.Index(); err != nil {
		return nil, diag.List{{Code: CodeNotPossible, Severity: severity.High, Message: "current organization: " + err.Error()}}
	}
	cfg := withBaselineOrg(desired, cur)
	b := &builder{cfg: cfg, cur: cur, v: NewView(cur, cfg), opts: opts, keys: map[string]bool{},
		plan: &Plan{FormatVersion: FormatVersion, OrgID: cur.Id, ManagementID: cur.MasterAccountId, ConfigDir: cfg.Dir, Options: opts}}
	b.v.Baseline, b.v.Catalog = in.Baseline, in.Catalog
	b.plan.RootID = b.v.RootID
	b.v.IDC, b.identityRead = in.IDC, in.ReadIDC
	if !b.checkIdentity() {
		b.plan.Diagnostics = b.diags
		return b.plan, b.diags
	}
	b.policyTypes()
	b.trustedAccess()
	b.ous()
	b.accounts()
	b.contacts()
	b.policies()
	b.attachments()
	b.delegatedAdmins()
	b.baseline()
	b.exclusive()
	b.movedOUs()
	b.deletePolicies()
	b.disableTypes()
	b.identityCenter()
	b.catalog()
	b.order()
	b.lint()
	b.lintInline()
	b.expectations()
	if d, err := json.Marshal(desired); err == nil {
		b.plan.Desired = d
	}
	b.diags.Sort()
	b.plan.Diagnostics = b.diags
	return b.plan, b.diags
}

func (b *builder) warn(code, format string, a ...any) {
	b.diags = append(b.diags, diag.Diagnostic{Code: code, Severity: severity.Low, Message: fmt.Sprintf(format, a...)})
}

func (b *builder) fail(pos config.Pos, code, hint, format string, a ...any) {
	b.diags = append(b.diags, diag.Diagnostic{File: pos.File, Line: pos.Line, Column: pos.Column, Code: code,
		Severity: severity.High, Message: fmt.Sprintf(format, a...), Hint: hint})
}

// needs reports whether a permission is given; when not, it records
// that the change was left out.
func (b *builder) needs(ok bool, flag, format string, a ...any) bool {
	if !ok {
		b.warn(CodeNeedsFlag, "%s: left out; plan with %s to include it", fmt.Sprintf(format, a...), flag)
	}
	return ok
}

// checkIdentity refuses to plan an organization the configuration does
// not describe.
func (b *builder) checkIdentity() bool {
	o := &b.cfg.Organization
	ok := true
	if o.ID != "" && o.ID != b.cur.Id {
		b.fail(o.Pos.Of("id"), CodeOrgMismatch, "set organization.id to "+b.cur.Id+" if this is the organization meant",
			"the configuration is for organization %s but the credentials reach %s", o.ID, b.cur.Id)
		ok = false
	}
	if m := b.cfg.Account(o.ManagementAccount); m != nil && m.ID != "" && m.ID != b.cur.MasterAccountId {
		b.fail(m.Pos.Of("id"), CodeMgmtMismatch, "set the management account's id to "+b.cur.MasterAccountId,
			"the configuration's management account %s has id %s but the organization's is %s", m.Name, m.ID, b.cur.MasterAccountId)
		ok = false
	}
	return ok
}

// add appends a change, filling Version from the current organization.
func (b *builder) add(ch Change) *Change {
	if b.keys[ch.Key] {
		return nil
	}
	b.keys[ch.Key] = true
	if ch.Version == "" {
		ch.Version = Observe(&ch, b.v)
	}
	b.plan.Changes = append(b.plan.Changes, ch)
	return &b.plan.Changes[len(b.plan.Changes)-1]
}

// dep returns the keys among ks that are changes of this plan.
func (b *builder) dep(ks ...string) []string {
	var out []string
	for _, k := range ks {
		if b.keys[k] && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// Change keys.
func keyPolicyType(t string) string      { return "policy-type:" + t }
func keyTrusted(s string) string         { return "trusted-access:" + s }
func keyOU(p string) string              { return "ou:" + p }
func keyOUTags(p string) string          { return "ou-tags:" + p }
func keyOUDelete(p string) string        { return "ou-delete:" + p }
func keyOURename(p string) string        { return "ou-rename:" + p }
func keyPolicyDelete(t, n string) string { return "policy-delete:" + policyKey(t, n) }
func keyTypeDisable(t string) string     { return "policy-type-disable:" + t }
func keyContact(a, t string) string      { return "contact:" + a + "/" + t }
func keyAccount(n string) string         { return "account:" + n }
func keyAccountMove(n string) string     { return "account-move:" + n }
func keyAccountTags(n string) string     { return "account-tags:" + n }
func keyAccountClose(n string) string    { return "account-close:" + n }
func keyPolicy(t, n string) string       { return "policy:" + policyKey(t, n) }
func keyAttach(t, n, to string) string   { return "attach:" + policyKey(t, n) + "@" + to }
func keyDetach(t, n, to string) string   { return "detach:" + policyKey(t, n) + "@" + to }
func keyDelegated(s, a string) string    { return "delegate:" + s + "@" + a }
func keyUndelegated(s, a string) string  { return "undelegate:" + s + "@" + a }

// targetDeps are the changes that must run before something attaches
// to or moves into a configured target.
func (b *builder) targetDeps(ref string) []string {
	return b.dep(keyOU(ref), keyAccount(ref), keyAccountMove(ref))
}

// Phase returns the rank of a change in a plan's order: every change
// runs after all changes of lower phases (apply runs the changes of one
// phase concurrently, within their DependsOn).
func Phase(c Change) int {
	if p := identityPhase(c); p >= 0 {
		return p + 3 // Identity Center comes after the organization and the baseline
	}
	switch {
	case c.Kind == KindPolicyType && c.Action != Disable:
		return 0
	case c.Kind == KindTrustedAccess:
		return 1
	case c.Kind == KindOU && c.Action != Delete:
		return 2
	case c.Kind == KindAccount && (c.Action == Create || c.Action == Invite):
		return 3
	case c.Kind == KindAccount && c.Action != Close, c.Kind == KindContact:
		return 4
	case c.Kind == KindPolicy && c.Action != Delete:
		return 5
	case c.Kind == KindAttachment && c.Action == Attach:
		return 6
	case c.Kind == KindAttachment:
		return 7
	case c.Kind == KindPolicy:
		return 8
	case c.Kind == KindDelegatedAdm && c.Action == Deregister:
		return 9
	case c.Kind == KindDelegatedAdm:
		return 10
	case c.Kind == KindBaseline:
		return 11
	case c.Kind == KindOU:
		return 12
	case c.Kind == KindAccount:
		return 13
	}
	return 14
}

// order sorts the changes by phase so that every dependency comes first;
// within a phase the planning order is kept.
func (b *builder) order() {
	phase := Phase
	sort.SliceStable(b.plan.Changes, func(i, j int) bool {
		pi, pj := phase(b.plan.Changes[i]), phase(b.plan.Changes[j])
		if pi != pj {
			return pi < pj
		}
		if b.plan.Changes[i].Kind == KindOU {
			return depth(b.plan.Changes[i]) < depth(b.plan.Changes[j])
		}
		return false
	})
	// OU deletions go deepest first.
	var del []Change
	for _, c := range b.plan.Changes {
		if c.Kind == KindOU && c.Action == Delete {
			del = append(del, c)
		}
	}
	sort.SliceStable(del, func(i, j int) bool { return depth(del[i]) > depth(del[j]) })
	n := 0
	for i, c := range b.plan.Changes {
		if c.Kind == KindOU && c.Action == Delete {
			b.plan.Changes[i] = del[n]
			n++
		}
	}
}

func depth(c Change) int { return config.OU{Path: c.Ref.OU}.Depth() }
