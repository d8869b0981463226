package config

import (
	"fmt"
	"slices"
	"strings"
)

func validateStandards(c *Config, r *reporter) {
	s := &c.Standards
	for i, reg := range s.AllowedRegions {
		if !ValidRegion(reg) {
			r.add(s.Pos.Of(fmt.Sprintf("allowedRegions[%d]", i)), CodeBadRegion,
				suggest(reg, Regions(), "see docs/config.md for region names"),
				"standards.allowedRegions: %q is not an AWS region", reg)
		}
	}
	for i, k := range s.RequiredTags {
		if msg := badTagKey(k); msg != "" {
			r.add(s.Pos.Of(fmt.Sprintf("requiredTags[%d]", i)), CodeBadTag, "tag keys are 1-128 characters and may not start with aws:",
				"standards.requiredTags: tag key %q %s", k, msg)
		}
	}
	if s.Pos.Has("logRetentionDays") {
		switch {
		case s.LogRetentionDays < 1:
			r.add(s.Pos.Of("logRetentionDays"), CodeBadRetention, "write a number of days, e.g. 365",
				"standards.logRetentionDays is %d", s.LogRetentionDays)
		case !slices.Contains(cloudWatchRetention, s.LogRetentionDays):
			r.add(s.Pos.Of("logRetentionDays"), CodeRetentionValue, "CloudWatch Logs takes "+intsList(cloudWatchRetention),
				"standards.logRetentionDays %d is not a CloudWatch Logs retention period", s.LogRetentionDays)
		}
	}
	if s.Pos.Has("azCount") && (s.AZCount < 1 || s.AZCount > 6) {
		r.add(s.Pos.Of("azCount"), CodeBadAZCount, "write 1-6; 2 or 3 is usual", "standards.azCount %d is out of range", s.AZCount)
	}
	validateNetwork(c, r)
	validateStandardContacts(c, r)
}

func intsList(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

func validateSecurity(c *Config, r *reporter) {
	s := &c.Security
	checkAccountRef(c, r, s.LogArchiveAccount, s.Pos.Of("logArchiveAccount"), "security.logArchiveAccount", false)
	checkAccountRef(c, r, s.AuditAccount, s.Pos.Of("auditAccount"), "security.auditAccount", false)
	la, au := c.Account(s.LogArchiveAccount), c.Account(s.AuditAccount)
	if la != nil && la == au {
		r.add(s.Pos.Of("auditAccount"), CodeSameAccount, "keep logs and security tooling in separate accounts",
			"Log Archive and Audit are both %q", la.Name)
	}
	if mgmt := c.Account(c.Organization.ManagementAccount); mgmt != nil {
		for _, x := range []struct {
			a   *Account
			key string
		}{{la, "logArchiveAccount"}, {au, "auditAccount"}} {
			if x.a == mgmt {
				r.add(s.Pos.Of(x.key), CodeSecurityMgmt, "use a dedicated member account; the management account should run nothing",
					"security.%s is the management account %q", x.key, mgmt.Name)
			}
		}
	}
	for i, svc := range s.Services {
		if !slices.Contains(Services, svc) {
			r.add(s.Pos.Of(fmt.Sprintf("services[%d]", i)), CodeUnknownService, suggest(svc, Services, "known services: "+strings.Join(Services, ", ")),
				"security.services: %q is not a service orgrail knows", svc)
		}
	}
}
