package importer

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
)

type identityYAML struct {
	Region         string              `yaml:"region,omitempty"`
	PermissionSets []permissionSetYAML `yaml:"permissionSets,omitempty"`
	Assignments    []assignmentYAML    `yaml:"assignments,omitempty"`
}

type permissionSetYAML struct {
	Name                    string            `yaml:"name"`
	Description             string            `yaml:"description,omitempty"`
	SessionDuration         string            `yaml:"sessionDuration,omitempty"`
	RelayState              string            `yaml:"relayState,omitempty"`
	ManagedPolicies         []string          `yaml:"managedPolicies,omitempty"`
	CustomerManagedPolicies []policyRefYAML   `yaml:"customerManagedPolicies,omitempty"`
	InlinePolicy            string            `yaml:"inlinePolicy,omitempty"`
	PermissionsBoundary     *boundaryYAML     `yaml:"permissionsBoundary,omitempty"`
	Tags                    map[string]string `yaml:"tags,omitempty"`
}

type policyRefYAML struct {
	Name string `yaml:"name"`
	Path string `yaml:"path,omitempty"`
}

type boundaryYAML struct {
	ManagedPolicy         string         `yaml:"managedPolicy,omitempty"`
	CustomerManagedPolicy *policyRefYAML `yaml:"customerManagedPolicy,omitempty"`
}

type assignmentYAML struct {
	PermissionSet string   `yaml:"permissionSet"`
	Groups        []string `yaml:"groups,omitempty,flow"`
	Users         []string `yaml:"users,omitempty,flow"`
	Accounts      []string `yaml:"accounts,flow"`
}

// ImportWithIdentity is Import plus identity.yaml (and one JSON file per
// inline policy under identity/) describing the IAM Identity Center
// instance c, so that plan on the result finds nothing to do there
// either. c nil means the organization has no instance.
func ImportWithIdentity(o *org.Organization, c *identity.Center) (Files, error) {
	files, err := Import(o)
	if err != nil || c == nil {
		return files, err
	}
	im := &importer{o: o, v: plan.NewView(o, nil), names: map[string]string{}, ouPath: map[string]string{}, files: files}
	for _, u := range o.OrganizationalUnits {
		im.ouPath[u.Id] = im.v.TargetRef(u.Id)
	}
	im.nameAccounts()
	if err := im.identity(c); err != nil {
		return nil, err
	}
	return im.files, nil
}

func (im *importer) identity(c *identity.Center) error {
	if len(c.Assignments) > 0 && !c.Directory {
		return fmt.Errorf("import: the identity store's users and groups were not collected, so assignments cannot be written by name (collect --services ssoadmin,identitystore)")
	}
	doc := identityYAML{Region: c.Region}
	used := map[string]bool{}
	for _, ps := range c.PermissionSets {
		y := permissionSetYAML{Name: ps.Name, Description: ps.Description, SessionDuration: ps.SessionDuration, RelayState: ps.RelayState,
			ManagedPolicies: slices.Sorted(slices.Values(ps.ManagedPolicies)), Tags: nonEmpty(ps.Tags)}
		for _, r := range ps.CustomerPolicies {
			y.CustomerManagedPolicies = append(y.CustomerManagedPolicies, refYAML(r))
		}
		if ps.InlinePolicy != "" {
			file := filepath.ToSlash(filepath.Join("identity", safeName(ps.Name, 60)+".json"))
			for n := 2; used[file]; n++ {
				file = filepath.ToSlash(filepath.Join("identity", fmt.Sprintf("%s-%d.json", safeName(ps.Name, 60), n)))
			}
			used[file] = true
			y.InlinePolicy = file
			im.files[file] = []byte(plan.Pretty(ps.InlinePolicy) + "\n")
		}
		switch b := ps.Boundary; {
		case b.ManagedPolicyArn != "":
			y.PermissionsBoundary = &boundaryYAML{ManagedPolicy: b.ManagedPolicyArn}
		case b.Customer.Name != "":
			r := refYAML(b.Customer)
			y.PermissionsBoundary = &boundaryYAML{CustomerManagedPolicy: &r}
		}
		doc.PermissionSets = append(doc.PermissionSets, y)
	}
	doc.Assignments = im.assignments(c)
	return im.yaml("identity.yaml", "# IAM Identity Center: permission sets and account assignments, imported from "+c.InstanceArn+".\n",
		map[string]any{"identity": doc})
}

func refYAML(r identity.PolicyRef) policyRefYAML {
	p := r.Path
	if p == "/" {
		p = ""
	}
	return policyRefYAML{Name: r.Name, Path: p}
}

// assignments writes one entry per permission set and set of accounts,
// with every group and user that has exactly those accounts.
func (im *importer) assignments(c *identity.Center) []assignmentYAML {
	type principal struct{ typ, name string }
	accounts := map[string]map[principal][]string{} // permission set -> principal -> account names
	for _, a := range c.Assignments {
		ps := c.PermissionSetByArn(a.PermissionSet)
		if ps == nil {
			continue
		}
		if accounts[ps.Name] == nil {
			accounts[ps.Name] = map[principal][]string{}
		}
		p := principal{a.PrincipalType, c.PrincipalName(a)}
		if a.PrincipalType == identity.PrincipalUser {
			for _, u := range c.Users {
				if u.ID == a.PrincipalID {
					p.name = u.UserName
				}
			}
		}
		accounts[ps.Name][p] = append(accounts[ps.Name][p], im.targetRef(a.Account))
	}
	byKey := map[string]*assignmentYAML{}
	var keys []string
	for ps, m := range accounts {
		for p, accts := range m {
			sort.Strings(accts)
			k := ps + "\x00" + strings.Join(accts, "\x00")
			y := byKey[k]
			if y == nil {
				y = &assignmentYAML{PermissionSet: ps, Accounts: accts}
				byKey[k] = y
				keys = append(keys, k)
			}
			if p.typ == identity.PrincipalGroup {
				y.Groups = append(y.Groups, p.name)
			} else {
				y.Users = append(y.Users, p.name)
			}
		}
	}
	sort.Strings(keys)
	out := make([]assignmentYAML, 0, len(keys))
	for _, k := range keys {
		y := byKey[k]
		sort.Strings(y.Groups)
		sort.Strings(y.Users)
		out = append(out, *y)
	}
	return out
}
