// Package baseline turns the configuration's baseline section into what
// AWS must run so that every account and region is secured from its
// first minute: CloudFormation templates (the Log Archive bucket stack,
// the Audit account's security event bus and the account baseline
// StackSet), the organization-level settings (organization trail, Config
// aggregator, delegated administrators and auto-enable of the security
// services) and, over a snapshot, a per-account check that the baseline
// is in place.
//
// The package is pure: Resolve, the template functions, Plan and Verify
// read values and return values. Apply (apply.go) is the only part that
// calls AWS, through aws-sdk-go-v2.
package baseline

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

// Defaults of the baseline section.
const (
	DefaultTrailName     = "orgrail-organization"
	DefaultAuditRole     = "OrgrailAuditReadOnly"
	DefaultBreakGlass    = "OrgrailBreakGlass"
	DefaultBusName       = "orgrail-security"
	DefaultTopicName     = "orgrail-security-events"
	DefaultRetentionDays = 365
	DefaultAggregator    = "orgrail-organization"
	DefaultRecorder      = "default"
)

// StackSet names the baseline deploys.
const (
	StackSetLogArchive = "orgrail-log-archive"
	StackSetAudit      = "orgrail-audit"
	StackSetAccount    = "orgrail-account-baseline"
)

// Diagnostic codes of Resolve and Plan.
const (
	CodeUnresolved = "baseline-unresolved"
	CodeStandalone = "baseline-standalone"
)

// Settings is the baseline with every default filled in and every
// reference resolved to an AWS id where the account or OU exists.
type Settings struct {
	OrgID, ManagementID string
	// RootID is the organization root's id (Security Hub's configuration
	// policy is associated with it).
	RootID       string
	HomeRegion   string
	Regions      []string
	LogArchiveID string
	AuditID      string
	// LogArchiveParent and AuditParent are the ids of the OUs (or root)
	// holding the two accounts: service-managed StackSets reach a single
	// account through its OU.
	LogArchiveParent, AuditParent string
	// Targets are the OU ids (or the root id) the account StackSet
	// deploys to; TargetPaths the configured paths, in the same order.
	Targets     []string
	TargetPaths []string
	// Services are the organization services from security.services.
	Services       []string
	BucketName     string
	RetentionDays  int
	ObjectLock     bool
	ObjectLockDays int
	TrailName      string
	Standards      []string
	MinLength      int
	MaxAgeDays     int
	Reuse          int
	AuditRole      string
	BreakGlassRole string
	Contact        config.SecurityContact
	Events         bool
	BusName        string
	TopicName      string
	// Roles are the configuration's cross-account roles (identity.roles),
	// made by the account StackSet in every account but the Audit
	// account, in the home region.
	Roles []Role
	// RootAccess turns on centralized root access; Members are the
	// member accounts (every active account but the management account)
	// whose root credentials it removes.
	RootAccess bool
	Members    []string
	// Standalone is organization.mode standalone: the baseline reaches
	// the listed accounts (Members, with their Emails) through the role
	// chain, with a self-managed StackSet administered from the Audit
	// (security) account and GuardDuty/Security Hub membership by
	// invitation from it.
	Standalone bool
	Emails     map[string]string
}

// Role is a cross-account role as the account template makes it.
type Role struct {
	Name               string
	Description        string
	ManagedPolicies    []string
	Inline             json.RawMessage
	MaxSessionDuration int
	// Trust is the trust policy, naming the Audit account.
	Trust json.RawMessage
}

// RoleNames returns the names of the cross-account roles.
func (s *Settings) RoleNames() []string {
	var out []string
	for _, r := range s.Roles {
		out = append(out, r.Name)
	}
	return out
}

// Has reports whether security.services lists svc.
func (s *Settings) Has(svc string) bool { return slices.Contains(s.Services, svc) }

// Resolve fills in the baseline's defaults and resolves its accounts and
// targets against the organization o (which may be nil before the
// organization exists: ids then stay empty and a diagnostic says so).
// It returns nil when the configuration has no baseline section.
func Resolve(cfg *config.Config, o *org.Organization) (*Settings, diag.List) {
	b := cfg.Baseline
	if !b.Enabled() {
		return nil, nil
	}
	var diags diag.List
	warn := func(code, format string, a ...any) {
		diags = append(diags, diag.Diagnostic{Code: code, Severity: severity.Low, Message: fmt.Sprintf(format, a...)})
	}
	s := &Settings{HomeRegion: cfg.Organization.HomeRegion, Services: cfg.Security.Services, ObjectLock: b.LogArchive.ObjectLock,
		Contact: b.SecurityContact, Events: !b.Events.Disabled}
	if o != nil {
		s.OrgID, s.ManagementID = o.Id, o.MasterAccountId
		if len(o.Roots) > 0 {
			s.RootID = o.Roots[0].Id
		}
	}
	s.Regions = firstNonEmpty(b.Regions, cfg.Standards.AllowedRegions, []string{s.HomeRegion})
	if s.HomeRegion != "" {
		// The home region comes first: StackSets are administered there.
		s.Regions = append([]string{s.HomeRegion}, slices.DeleteFunc(s.Regions, func(r string) bool { return r == s.HomeRegion })...)
	}
	s.LogArchiveID = accountID(cfg, o, cfg.Security.LogArchiveAccount)
	s.AuditID = accountID(cfg, o, cfg.Security.AuditAccount)
	for _, x := range []struct{ name, id string }{{cfg.Security.LogArchiveAccount, s.LogArchiveID}, {cfg.Security.AuditAccount, s.AuditID}} {
		if x.id == "" {
			warn(CodeUnresolved, "baseline: account %q has no id yet; plan again once it exists", x.name)
		}
	}
	s.LogArchiveParent, s.AuditParent = parentID(o, s.LogArchiveID), parentID(o, s.AuditID)
	s.TargetPaths = firstNonEmpty(b.Targets, []string{config.RootPath})
	for _, p := range s.TargetPaths {
		id := ouID(o, p)
		if id == "" && !cfg.Organization.Standalone() {
			warn(CodeUnresolved, "baseline: target %q does not exist yet; plan again once it does", p)
		}
		s.Targets = append(s.Targets, id)
	}
	s.RetentionDays = orInt(cfg.Standards.LogRetentionDays, DefaultRetentionDays)
	s.ObjectLockDays = orInt(b.LogArchive.ObjectLockDays, s.RetentionDays)
	s.BucketName = b.LogArchive.BucketName
	if s.BucketName == "" {
		s.BucketName = fmt.Sprintf("orgrail-logs-%s-%s", orString(s.LogArchiveID, "log-archive"), s.HomeRegion)
	}
	s.TrailName = orString(b.Trail.Name, DefaultTrailName)
	s.Standards = firstNonEmpty(b.SecurityHub.Standards, []string{"fsbp", "cis"})
	s.MinLength = orInt(b.PasswordPolicy.MinimumLength, 14)
	s.MaxAgeDays = orInt(b.PasswordPolicy.MaxAgeDays, 90)
	s.Reuse = orInt(b.PasswordPolicy.ReusePrevention, 24)
	s.AuditRole = orString(b.Roles.AuditReadOnly, DefaultAuditRole)
	s.BreakGlassRole = orString(b.Roles.BreakGlass, DefaultBreakGlass)
	s.BusName = orString(b.Events.BusName, DefaultBusName)
	s.TopicName = orString(b.Events.TopicName, DefaultTopicName)
	s.Contact.Title = orString(s.Contact.Title, "Security")
	if s.AuditID != "" {
		s.Roles = ResolveRoles(cfg, Partition(s.HomeRegion), s.AuditID)
	}
	if cfg.Organization.Standalone() {
		s.Standalone, s.Emails = true, map[string]string{}
		for _, a := range cfg.Accounts {
			if a.ID != "" {
				s.Members = append(s.Members, a.ID)
				s.Emails[a.ID] = a.Email
			}
		}
		slices.Sort(s.Members)
		s.Members = slices.Compact(s.Members)
		return s, diags
	}
	s.RootAccess = b.RootAccess.Centralize
	if s.RootAccess && o != nil {
		for _, a := range o.Accounts {
			if a.Id != o.MasterAccountId && a.Status != "SUSPENDED" && a.State != "CLOSED" && a.State != "SUSPENDED" && a.State != "PENDING_CLOSURE" {
				s.Members = append(s.Members, a.Id)
			}
		}
		slices.Sort(s.Members)
	}
	return s, diags
}

// ResolveRoles renders the configuration's cross-account roles with
// their trust policies naming the security (Audit) account auditID.
func ResolveRoles(cfg *config.Config, partition, auditID string) []Role {
	var out []Role
	for i := range cfg.Identity.Roles {
		r := &cfg.Identity.Roles[i]
		out = append(out, Role{Name: r.Name, Description: r.Description, ManagedPolicies: slices.Clone(r.ManagedPolicies),
			Inline: r.InlineContent, MaxSessionDuration: r.MaxSessionDuration, Trust: r.TrustPolicy(partition, auditID)})
	}
	return out
}

// accountID resolves an account reference: the configured id, else the
// organization's account with the configured email or name.
func accountID(cfg *config.Config, o *org.Organization, ref string) string {
	a := cfg.Account(ref)
	if a == nil {
		return ""
	}
	if a.ID != "" {
		return a.ID
	}
	if o == nil {
		return ""
	}
	for _, x := range o.Accounts {
		if (a.Email != "" && strings.EqualFold(x.Email, a.Email)) || x.Name == a.Name {
			return x.Id
		}
	}
	return ""
}

// parentID returns the id of the OU or root that holds an account.
func parentID(o *org.Organization, account string) string {
	if o == nil || account == "" {
		return ""
	}
	for _, a := range o.Accounts {
		if a.Id == account {
			return a.ParentId
		}
	}
	return ""
}

// ouID resolves Root or an OU path to its id in o.
func ouID(o *org.Organization, path string) string {
	if path == config.RootPath && o != nil && len(o.Roots) > 0 {
		return o.Roots[0].Id
	}
	return o.OUIDByPath(path)
}

func firstNonEmpty(lists ...[]string) []string {
	for _, l := range lists {
		if len(l) > 0 {
			return slices.Clone(l)
		}
	}
	return nil
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
