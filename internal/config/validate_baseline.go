package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	bucketNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	trailNameRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$`)
	busNameRe    = regexp.MustCompile(`^[A-Za-z0-9._-]{1,256}$`)
	topicNameRe  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// validateBaseline checks the baseline section: the accounts and region
// it needs, where its StackSet deploys, and the range of its values.
func validateBaseline(c *Config, r *reporter) {
	b := &c.Baseline
	if !b.Enabled() {
		return
	}
	for _, need := range []struct {
		set        bool
		what, hint string
	}{
		{c.Security.LogArchiveAccount != "", "security.logArchiveAccount", "name the Log Archive account under security:"},
		{c.Security.AuditAccount != "", "security.auditAccount", "name the Audit account under security:"},
		{c.Organization.HomeRegion != "", "organization.homeRegion", "set organization.homeRegion: global settings are made there"},
	} {
		if !need.set {
			r.add(b.Pos.Of(""), CodeBaselineIncomplete, need.hint, "baseline needs %s", need.what)
		}
	}
	for i, t := range b.Targets {
		if t != RootPath && c.OU(t) == nil {
			r.add(b.Pos.Of(fmt.Sprintf("targets[%d]", i)), CodeBaselineTarget, suggest(t, append([]string{RootPath}, c.ouPaths()...), "write Root or a declared OU path"),
				"baseline.targets: %q is not Root or a declared OU", t)
		}
	}
	for i, reg := range b.Regions {
		if !ValidRegion(reg) {
			r.add(b.Pos.Of(fmt.Sprintf("regions[%d]", i)), CodeBadRegion, suggest(reg, Regions(), "see docs/config.md for region names"),
				"baseline.regions: %q is not an AWS region", reg)
		}
	}
	if b.RootAccess.Centralize && c.Organization.Standalone() {
		r.add(b.RootAccess.Pos.Of("centralize"), CodeBaselineValue, "centralized root access (sts:AssumeRoot) needs AWS Organizations; remove root credentials by hand in standalone mode",
			"baseline.rootAccess.centralize: standalone mode has no organization to manage root access from")
	}
	validateBaselineNames(b, r)
	validateBaselineNumbers(b, r)
}

// validateBaselineNames checks the names and strings of the baseline.
func validateBaselineNames(b *Baseline, r *reporter) {
	bad := func(pos Pos, hint, format string, a ...any) { r.add(pos, CodeBaselineValue, hint, format, a...) }
	if n := b.LogArchive.BucketName; n != "" && (!bucketNameRe.MatchString(n) || strings.Contains(n, "..")) {
		bad(b.LogArchive.Pos.Of("bucketName"), "3-63 lower-case letters, digits, dots and hyphens", "baseline.logArchive.bucketName %q is not an S3 bucket name", n)
	}
	if n := b.Trail.Name; n != "" && !trailNameRe.MatchString(n) {
		bad(b.Trail.Pos.Of("name"), "3-128 letters, digits, periods, underscores and dashes", "baseline.trail.name %q is not a trail name", n)
	}
	for i, s := range b.SecurityHub.Standards {
		if !slices.Contains(SecurityHubStandards, s) {
			bad(b.SecurityHub.Pos.Of(fmt.Sprintf("standards[%d]", i)), suggest(s, SecurityHubStandards, "known standards: "+strings.Join(SecurityHubStandards, ", ")),
				"baseline.securityHub.standards: %q is not a standard orgrail knows", s)
		}
	}
	for _, x := range []struct{ key, v string }{{"auditReadOnly", b.Roles.AuditReadOnly}, {"breakGlass", b.Roles.BreakGlass}} {
		if x.v != "" && !roleNameRe.MatchString(x.v) {
			bad(b.Roles.Pos.Of(x.key), "a role name is 1-64 letters, digits or +=,.@_-", "baseline.roles.%s %q is not an IAM role name", x.key, x.v)
		}
	}
	if e := b.SecurityContact.Email; e != "" && !emailRe.MatchString(e) {
		bad(b.SecurityContact.Pos.Of("email"), "write an address such as security@example.com", "baseline.securityContact.email %q is not an email address", e)
	}
	sc := b.SecurityContact
	if sc.Pos.Has("") && (sc.Name == "" || sc.Email == "" || sc.Phone == "") {
		bad(sc.Pos.Of(""), "AWS needs name, email and phone for an alternate contact", "baseline.securityContact needs name, email and phone")
	}
	if n := b.Events.BusName; n != "" && !busNameRe.MatchString(n) {
		bad(b.Events.Pos.Of("busName"), "1-256 letters, digits, periods, underscores and dashes", "baseline.eventForwarding.busName %q is not an event bus name", n)
	}
	if n := b.Events.TopicName; n != "" && !topicNameRe.MatchString(n) {
		bad(b.Events.Pos.Of("topicName"), "1-256 letters, digits, underscores and dashes", "baseline.eventForwarding.topicName %q is not an SNS topic name", n)
	}
}

// validateBaselineNumbers checks the numeric ranges of the baseline.
func validateBaselineNumbers(b *Baseline, r *reporter) {
	for _, x := range []struct {
		pos      Positions
		key      string
		v        int
		min, max int
	}{
		{b.PasswordPolicy.Pos, "minimumLength", b.PasswordPolicy.MinimumLength, 8, 128},
		{b.PasswordPolicy.Pos, "maxAgeDays", b.PasswordPolicy.MaxAgeDays, 1, 1095},
		{b.PasswordPolicy.Pos, "reusePrevention", b.PasswordPolicy.ReusePrevention, 1, 24},
		{b.LogArchive.Pos, "objectLockDays", b.LogArchive.ObjectLockDays, 1, 36500},
	} {
		if x.pos.Has(x.key) && (x.v < x.min || x.v > x.max) {
			r.add(x.pos.Of(x.key), CodeBaselineValue, fmt.Sprintf("write %d-%d", x.min, x.max), "baseline %s %d is out of range", x.key, x.v)
		}
	}
}
