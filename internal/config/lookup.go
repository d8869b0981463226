package config

import "strings"

// TargetKind says what a policy target names.
type TargetKind string

// Target kinds.
const (
	TargetRoot    TargetKind = "root"
	TargetOU      TargetKind = "ou"
	TargetAccount TargetKind = "account"
)

// Target is a resolved policy attachment point. Ref is RootPath, an OU
// path or an account name.
type Target struct {
	Kind TargetKind
	Ref  string
}

// Key returns a string unique per target, e.g. "ou:Workloads/Prod".
func (t Target) Key() string { return string(t.Kind) + ":" + t.Ref }

// OU returns the OU with the given path, or nil.
func (c *Config) OU(path string) *OU {
	for i := range c.OUs {
		if c.OUs[i].Path == path {
			return &c.OUs[i]
		}
	}
	return nil
}

// Account returns the account whose name or id is ref, or nil.
func (c *Config) Account(ref string) *Account {
	if ref == "" {
		return nil
	}
	for i := range c.Accounts {
		if c.Accounts[i].Name == ref {
			return &c.Accounts[i]
		}
	}
	for i := range c.Accounts {
		if c.Accounts[i].ID == ref {
			return &c.Accounts[i]
		}
	}
	return nil
}

// ResolveTarget resolves a policy target string. It returns every
// target the string could mean: none when unknown, two when it names
// both an OU and an account.
func (c *Config) ResolveTarget(s string) []Target {
	if s == RootPath {
		return []Target{{Kind: TargetRoot, Ref: RootPath}}
	}
	var out []Target
	if c.OU(s) != nil {
		out = append(out, Target{Kind: TargetOU, Ref: s})
	}
	if a := c.Account(s); a != nil {
		out = append(out, Target{Kind: TargetAccount, Ref: a.Name})
	}
	return out
}

// AccountsUnder returns the accounts in the OU at path or below it;
// RootPath returns every account.
func (c *Config) AccountsUnder(path string) []*Account {
	var out []*Account
	for i := range c.Accounts {
		a := &c.Accounts[i]
		if path == RootPath || a.OU == path || strings.HasPrefix(a.OU, path+"/") {
			out = append(out, a)
		}
	}
	return out
}

// PoliciesOn returns the policies attached directly to a target.
func (c *Config) PoliciesOn(t Target) []*Policy {
	var out []*Policy
	for i := range c.Policies {
		p := &c.Policies[i]
		for _, s := range p.Targets {
			for _, rt := range c.ResolveTarget(s) {
				if rt == t {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

func (c *Config) ouPaths() []string {
	out := make([]string, 0, len(c.OUs)+1)
	out = append(out, RootPath)
	for _, o := range c.OUs {
		out = append(out, o.Path)
	}
	return out
}

func (c *Config) accountNames() []string {
	out := make([]string, 0, len(c.Accounts))
	for _, a := range c.Accounts {
		out = append(out, a.Name)
	}
	return out
}
