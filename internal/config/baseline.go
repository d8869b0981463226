package config

// Baseline is what orgrail deploys so that every account and region is
// secured from its first minute: organization-level services (an
// organization trail, Config everywhere with an aggregator in Audit, the
// security services administered from Audit with auto-enable) and an
// account-level StackSet. Which organization services are on comes from
// security.services; the accounts from security.logArchiveAccount and
// security.auditAccount. Package internal/baseline plans and renders it.
type Baseline struct {
	Targets         []string            `yaml:"targets" json:"targets,omitempty" doc:"Where the account baseline StackSet deploys automatically: Root or OU paths (default Root: every member account, present and future)."`
	Regions         []string            `yaml:"regions" json:"regions,omitempty" enum:"@regions" doc:"Regions the baseline covers (default standards.allowedRegions, else organization.homeRegion). Global settings are made in organization.homeRegion only."`
	LogArchive      LogArchiveBaseline  `yaml:"logArchive" json:"logArchive,omitempty" doc:"The Log Archive bucket and its KMS key, deployed in the Log Archive account."`
	Trail           TrailBaseline       `yaml:"trail" json:"trail,omitempty" doc:"The organization CloudTrail trail (when security.services has cloudtrail)."`
	SecurityHub     SecurityHubBaseline `yaml:"securityHub" json:"securityHub,omitempty" doc:"Security Hub standards (when security.services has securityhub)."`
	PasswordPolicy  PasswordPolicy      `yaml:"passwordPolicy" json:"passwordPolicy,omitempty" doc:"IAM account password policy set in every account."`
	Roles           BaselineRoles       `yaml:"roles" json:"roles,omitempty" doc:"Names of the roles the baseline creates in every account, trusted only by the Audit account."`
	SecurityContact SecurityContact     `yaml:"securityContact" json:"securityContact,omitempty" doc:"Alternate SECURITY contact set on every account."`
	Events          EventForwarding     `yaml:"eventForwarding" json:"eventForwarding,omitempty" doc:"Forwarding of security events from every account and region to the Audit account's event bus."`
	RootAccess      RootAccess          `yaml:"rootAccess" json:"rootAccess,omitempty" doc:"Centralized root access: member accounts without root user credentials."`
	// Declared records that the section was written, so that it
	// survives a JSON round trip (a plan's desired configuration).
	Declared bool      `yaml:"-" json:"declared,omitempty"`
	Pos      Positions `yaml:"-" json:"-"`
}

// LogArchiveBaseline configures the Log Archive bucket stack.
type LogArchiveBaseline struct {
	BucketName     string    `yaml:"bucketName" json:"bucketName,omitempty" pattern:"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$" doc:"Bucket name (default orgrail-logs-<Log Archive account id>-<home region>)."`
	ObjectLock     bool      `yaml:"objectLock" json:"objectLock,omitempty" doc:"Turn on S3 Object Lock (compliance mode) for the bucket; it cannot be turned off later."`
	ObjectLockDays int       `yaml:"objectLockDays" json:"objectLockDays,omitempty" min:"1" doc:"Default retention of locked objects in days (default standards.logRetentionDays, else 365)."`
	Pos            Positions `yaml:"-" json:"-"`
}

// TrailBaseline configures the organization trail.
type TrailBaseline struct {
	Name string    `yaml:"name" json:"name,omitempty" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$" doc:"Trail name (default orgrail-organization)."`
	Pos  Positions `yaml:"-" json:"-"`
}

// SecurityHubBaseline lists the Security Hub standards to enable.
type SecurityHubBaseline struct {
	Standards []string  `yaml:"standards" json:"standards,omitempty" enum:"fsbp|cis|pci-dss|nist-800-53" doc:"Standards enabled through central configuration: fsbp (AWS Foundational Security Best Practices), cis (CIS AWS Foundations Benchmark v3.0.0), pci-dss, nist-800-53 (default fsbp and cis)."`
	Pos       Positions `yaml:"-" json:"-"`
}

// PasswordPolicy is the IAM account password policy. Zero values take
// the defaults documented in docs/baseline.md.
type PasswordPolicy struct {
	MinimumLength   int       `yaml:"minimumLength" json:"minimumLength,omitempty" min:"8" max:"128" doc:"Minimum password length (default 14)."`
	MaxAgeDays      int       `yaml:"maxAgeDays" json:"maxAgeDays,omitempty" min:"1" max:"1095" doc:"Days before a password expires (default 90)."`
	ReusePrevention int       `yaml:"reusePrevention" json:"reusePrevention,omitempty" min:"1" max:"24" doc:"Previous passwords that may not be reused (default 24)."`
	Pos             Positions `yaml:"-" json:"-"`
}

// BaselineRoles names the cross-account roles of the baseline.
type BaselineRoles struct {
	AuditReadOnly string    `yaml:"auditReadOnly" json:"auditReadOnly,omitempty" pattern:"^[\\w+=,.@-]{1,64}$" doc:"Read-only role for the Audit account (default OrgrailAuditReadOnly)."`
	BreakGlass    string    `yaml:"breakGlass" json:"breakGlass,omitempty" pattern:"^[\\w+=,.@-]{1,64}$" doc:"Administrator role for emergencies, assumable from the Audit account with MFA (default OrgrailBreakGlass)."`
	Pos           Positions `yaml:"-" json:"-"`
}

// SecurityContact is the alternate SECURITY contact of every account.
type SecurityContact struct {
	Name  string    `yaml:"name" json:"name,omitempty" doc:"Contact name."`
	Email string    `yaml:"email" json:"email,omitempty" doc:"Contact email."`
	Phone string    `yaml:"phone" json:"phone,omitempty" doc:"Contact phone number."`
	Title string    `yaml:"title" json:"title,omitempty" doc:"Contact title (default Security)."`
	Pos   Positions `yaml:"-" json:"-"`
}

// EventForwarding configures the EventBridge rules of every account.
type EventForwarding struct {
	Disabled  bool      `yaml:"disabled" json:"disabled,omitempty" doc:"Do not deploy the forwarding rules."`
	BusName   string    `yaml:"busName" json:"busName,omitempty" pattern:"^[A-Za-z0-9._-]{1,256}$" doc:"Event bus in the Audit account that receives the events (default orgrail-security)."`
	TopicName string    `yaml:"topicName" json:"topicName,omitempty" pattern:"^[A-Za-z0-9_-]{1,256}$" doc:"SNS topic in the Audit account fed by the bus's rule (default orgrail-security-events)."`
	Pos       Positions `yaml:"-" json:"-"`
}

// RootAccess configures IAM's centralized root access for member
// accounts (AWS Organizations only).
type RootAccess struct {
	Centralize bool      `yaml:"centralize" json:"centralize,omitempty" doc:"Turn on centralized root access (IAM's trusted access, root credentials management, root sessions) and remove every member account's root password, access keys, signing certificates and MFA devices through sts:AssumeRoot."`
	Pos        Positions `yaml:"-" json:"-"`
}

// SecurityHubStandards lists the values baseline.securityHub.standards
// accepts.
var SecurityHubStandards = []string{"fsbp", "cis", "pci-dss", "nist-800-53"}

// Enabled reports whether the configuration has a baseline section.
func (b Baseline) Enabled() bool { return b.Declared || b.Pos.Has("") }
