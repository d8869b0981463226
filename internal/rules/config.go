package rules

import (
	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
)

// ApplyConfig fills the audit options the landing-zone configuration
// decides: the standards, the Audit and Log Archive accounts, and the
// exceptions. Problems in the exceptions section come back as
// diagnostics; valid exceptions are kept.
func ApplyConfig(opt *Options, c *config.Config) diag.List {
	if c == nil {
		return nil
	}
	opt.Standards = Standards{
		AllowedRegions:     c.Standards.AllowedRegions,
		RequiredTags:       c.Standards.RequiredTags,
		LogRetentionDays:   c.Standards.LogRetentionDays,
		ApprovedProductOUs: c.Catalog.RequireApprovedProducts,
	}
	opt.Standards.CrossAccountRoles, opt.Standards.CrossAccountRoleOUs = expectedRoles(c)
	opt.AuditAccount = accountRef(c, c.Security.AuditAccount)
	opt.LogArchiveAccount = accountRef(c, c.Security.LogArchiveAccount)
	known := map[string]bool{}
	rs := opt.Rules
	if rs == nil {
		rs = Builtin()
	}
	for _, r := range rs {
		known[r.ID] = true
	}
	var ds diag.List
	for _, p := range c.Exceptions.Parts {
		es, d := DecodeExceptions(p.File, p.Node, known)
		opt.Exceptions = append(opt.Exceptions, es...)
		ds = append(ds, d...)
	}
	return ds
}

// accountRef turns a configuration account name into its id when the
// configuration knows it; otherwise the name is kept for matching
// against the organization.
func accountRef(c *config.Config, name string) string {
	for _, a := range c.Accounts {
		if a.Name == name && a.ID != "" {
			return a.ID
		}
	}
	return name
}

// expectedRoles lists the cross-account roles the configuration makes
// in member accounts: the baseline's audit read-only role and
// break-glass role (which asks for MFA), and identity.roles (deployed
// with the baseline), and the OUs the baseline targets.
func expectedRoles(c *config.Config) ([]ExpectedRole, []string) {
	var rs []ExpectedRole
	if c.Baseline.Enabled() {
		rs = append(rs,
			ExpectedRole{Name: orDefault(c.Baseline.Roles.AuditReadOnly, baseline.DefaultAuditRole)},
			ExpectedRole{Name: orDefault(c.Baseline.Roles.BreakGlass, baseline.DefaultBreakGlass), MFA: true})
	}
	for _, r := range c.Identity.Roles {
		rs = append(rs, ExpectedRole{Name: r.Name, MFA: r.Trust.RequiresMFA()})
	}
	return rs, c.Baseline.Targets
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
