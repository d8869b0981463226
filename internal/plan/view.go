package plan

import (
	"strings"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/catalog"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
)

// View is the current organization seen through the configuration's
// references: OUs by path, accounts by configured name, policies by type
// and name. It is rebuilt whenever the organization changes.
type View struct {
	Org    *org.Organization
	Cfg    *config.Config
	RootID string
	// Baseline is the state of the baseline's organization-level
	// objects, when known (nil: nothing of it exists yet).
	Baseline *baseline.State
	// Catalog is the Service Catalog as it is, when it was read.
	Catalog *catalog.State
	// IDC is the IAM Identity Center instance, when it was read.
	IDC *identity.Center

	ouByPath   map[string]*org.OU
	ouPath     map[string]string       // OU id -> path
	acctByName map[string]*org.Account // configured name -> live account
	nameByID   map[string]string       // live account id -> configured name
	policies   map[string]*org.Policy  // TYPE/name -> policy
	// renamed holds the configured name of each OU the configuration
	// renames (ous[].renamedFrom), by OU id: paths are seen as they
	// will be once the renames are made.
	renamed map[string]string
}

// NewView indexes o (which must be indexed) for the references of c.
func NewView(o *org.Organization, c *config.Config) *View {
	v := &View{Org: o, Cfg: c, ouByPath: map[string]*org.OU{}, ouPath: map[string]string{},
		acctByName: map[string]*org.Account{}, nameByID: map[string]string{}, policies: map[string]*org.Policy{}}
	if len(o.Roots) > 0 {
		v.RootID = o.Roots[0].Id
	}
	v.findRenames()
	for i := range o.OrganizationalUnits {
		u := &o.OrganizationalUnits[i]
		p := v.pathOf(u.Id)
		v.ouByPath[p] = u
		v.ouPath[u.Id] = p
	}
	v.matchAccounts()
	for i := range o.Policies {
		p := &o.Policies[i]
		k := policyKey(p.Type, p.Name)
		if old, dup := v.policies[k]; !dup || (old.AwsManaged && !p.AwsManaged) {
			v.policies[k] = p
		}
	}
	return v
}

// pathOf returns the OU path of an OU id ("Workloads/Prod"), with the
// configuration's renames made.
func (v *View) pathOf(id string) string {
	var segs []string
	for _, x := range v.Org.Path(id) {
		if org.TargetKind(x) == org.KindOU {
			n, ok := v.renamed[x]
			if !ok {
				n = v.Org.Name(x)
			}
			segs = append(segs, n)
		}
	}
	return strings.Join(segs, "/")
}

// findRenames pairs each configured OU that has renamedFrom with the
// live OU that holds its former name under its (resolved) parent, unless
// an OU of the new name is already there.
func (v *View) findRenames() {
	if v.Cfg == nil {
		return
	}
	child := map[string]string{} // parent id + "/" + name -> OU id
	for _, u := range v.Org.OrganizationalUnits {
		child[u.ParentId+"/"+u.Name] = u.Id
	}
	var resolve func(path string, depth int) string
	resolve = func(path string, depth int) string {
		if path == config.RootPath {
			return v.RootID
		}
		if depth > 8 {
			return ""
		}
		parent := resolve(config.ParentPath(path), depth+1)
		if parent == "" {
			return ""
		}
		name := path[strings.LastIndexByte(path, '/')+1:]
		if id := child[parent+"/"+name]; id != "" {
			return id
		}
		if c := v.Cfg.OU(path); c != nil && c.RenamedFrom != "" {
			return child[parent+"/"+c.RenamedFrom[strings.LastIndexByte(c.RenamedFrom, '/')+1:]]
		}
		return ""
	}
	for _, o := range v.Cfg.OUs {
		if o.RenamedFrom == "" || o.RenamedFrom == o.Path || v.Cfg.OU(o.RenamedFrom) != nil {
			continue
		}
		parent := resolve(o.Parent(), 0)
		if parent == "" || child[parent+"/"+o.Name()] != "" {
			continue
		}
		if id := child[parent+"/"+o.RenamedFrom[strings.LastIndexByte(o.RenamedFrom, '/')+1:]]; id != "" {
			if v.renamed == nil {
				v.renamed = map[string]string{}
			}
			v.renamed[id] = o.Name()
		}
	}
}

// Renamed returns the configured new name of an OU id the configuration
// renames and AWS has not renamed yet, and whether there is one.
func (v *View) Renamed(id string) (string, bool) {
	n, ok := v.renamed[id]
	if !ok || v.Org.Name(id) == n {
		return "", false
	}
	return n, true
}

// matchAccounts pairs configured accounts with live ones: by id, then by
// email (case-insensitive), then by name; the configured management
// account is the organization's management account.
func (v *View) matchAccounts() {
	if v.Cfg == nil {
		return
	}
	byEmail := map[string]*org.Account{}
	byName := map[string]*org.Account{}
	for i := range v.Org.Accounts {
		a := &v.Org.Accounts[i]
		byEmail[strings.ToLower(a.Email)] = a
		byName[a.Name] = a
	}
	taken := map[string]bool{}
	pick := func(name string, a *org.Account) {
		if a != nil && !taken[a.Id] {
			taken[a.Id] = true
			v.acctByName[name] = a
			v.nameByID[a.Id] = name
		}
	}
	if m := v.Cfg.Organization.ManagementAccount; m != "" {
		pick(m, v.Org.Account(v.Org.MasterAccountId))
	}
	for _, c := range v.Cfg.Accounts {
		if v.acctByName[c.Name] != nil {
			continue
		}
		switch {
		case c.ID != "":
			pick(c.Name, v.Org.Account(c.ID))
		case c.Email != "" && byEmail[strings.ToLower(c.Email)] != nil:
			pick(c.Name, byEmail[strings.ToLower(c.Email)])
		default:
			pick(c.Name, byName[c.Name])
		}
	}
}

// OU returns the live OU at path, or nil.
func (v *View) OU(path string) *org.OU { return v.ouByPath[path] }

// Account returns the live account of a configured account name, or nil.
func (v *View) Account(name string) *org.Account { return v.acctByName[name] }

// Policy returns the live policy of a type and name, or nil.
func (v *View) Policy(typ, name string) *org.Policy { return v.policies[policyKey(typ, name)] }

// TargetID resolves a configured target (Root, an OU path, an account
// name or id) to its live id; "" when it does not exist (yet).
func (v *View) TargetID(ref string) string {
	if ref == config.RootPath {
		return v.RootID
	}
	if u := v.ouByPath[ref]; u != nil {
		return u.Id
	}
	if a := v.acctByName[ref]; a != nil {
		return a.Id
	}
	if a := v.Org.Account(ref); a != nil {
		return a.Id
	}
	return ""
}

// TargetRef names a live root, OU or account id the way a configuration
// does: Root, the OU path, the configured account name or the account id.
func (v *View) TargetRef(id string) string {
	switch org.TargetKind(id) {
	case org.KindRoot:
		return config.RootPath
	case org.KindOU:
		return v.ouPath[id]
	}
	if n, ok := v.nameByID[id]; ok {
		return n
	}
	return id
}

// ParentPath returns the path of the container of an OU or account id:
// Root or an OU path; "" when the id is unknown.
func (v *View) ParentPath(id string) string {
	var parent string
	if a := v.Org.Account(id); a != nil {
		parent = a.ParentId
	} else if u := v.Org.OU(id); u != nil {
		parent = u.ParentId
	} else {
		return ""
	}
	if org.TargetKind(parent) == org.KindRoot {
		return config.RootPath
	}
	return v.ouPath[parent]
}

// attached reports whether the policy is attached to the target id.
func attached(p *org.Policy, target string) bool {
	for _, t := range p.Targets {
		if t == target {
			return true
		}
	}
	return false
}

func policyKey(typ, name string) string { return typ + "/" + name }
