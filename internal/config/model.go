// Package config loads and validates the landing-zone configuration: the
// desired state of an AWS organization written as a directory of YAML
// files. Every value keeps the file, line and column it came from, so
// that validation and later planning can point at the exact place.
//
// OUs are written by path from the root ("Workloads/Prod"); accounts,
// policy targets and the security section refer to OUs by that path and
// to accounts by name (or, where noted, by account id).
package config

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Config is a loaded landing-zone configuration: every *.yaml file of a
// directory merged. Lists are concatenated in file-name order; mapping
// sections are merged key by key.
type Config struct {
	// Dir is the directory the configuration was loaded from.
	Dir string `json:"-"`
	// Files lists the YAML files read, in order.
	Files []string `json:"-"`

	Organization  Organization `yaml:"organization" json:"organization" doc:"How orgrail reaches the accounts: through AWS Organizations or, in standalone mode, through a jump account and a role chain."`
	OUs           []OU         `yaml:"ous" json:"ous" doc:"Organizational units, each named by its path from the root."`
	Accounts      []Account    `yaml:"accounts" json:"accounts" doc:"Member accounts and where they live."`
	Policies      []Policy     `yaml:"policies" json:"policies" doc:"Organization policies (SCP, RCP, declarative, tag, backup, ...) and where they attach."`
	Standards     Standards    `yaml:"standards" json:"standards" doc:"Company-wide standards that detective guardrails check."`
	Security      Security     `yaml:"security" json:"security" doc:"The security baseline: Log Archive and Audit accounts and the services that must be on."`
	Guardrails    Guardrails   `yaml:"guardrails" json:"guardrails,omitempty" doc:"What the preventive guardrails must keep allowed or denied; plan shows which expectations a policy change flips."`
	Notifications Section      `yaml:"notifications" json:"-" doc:"Notification routing (channels, routes, quiet hours). Owned and validated by the notification feature." shape:"mapping"`
	Exceptions    Section      `yaml:"exceptions" json:"-" doc:"Exceptions (mutes) of audit findings, each with a reason and an expiry. Owned and validated by the audit feature." shape:"sequence"`
	Access        Access       `yaml:"access" json:"access" doc:"Access boundaries between accounts, checked by orgrail access internal."`
	Baseline      Baseline     `yaml:"baseline" json:"baseline,omitempty" doc:"The security baseline orgrail deploys: organization trail, Config, the security services administered from Audit, and the account baseline StackSet."`
	Identity      Identity     `yaml:"identity" json:"identity,omitzero" doc:"IAM Identity Center as code: permission sets and account assignments, planned and applied with plan/apply."`
	Catalog       Catalog      `yaml:"catalog" json:"catalog,omitzero" doc:"AWS Service Catalog as code: portfolios of approved products (CloudFormation templates in versions), their launch role, and where they are shared; planned and applied with plan/apply."`
	Operations    Operations   `yaml:"operations" json:"operations,omitzero" doc:"How the platform is operated: who approves account vending, exceptions, guardrail changes and incidents, whom to call, how people get access. Read by orgrail runbook and orgrail guide."`
}

// Mode values of organization.mode.
const (
	ModeOrganizations = "organizations"
	ModeStandalone    = "standalone"
)

// Organization says how the accounts are governed.
type Organization struct {
	Mode              string    `yaml:"mode" json:"mode,omitempty" enum:"organizations|standalone" doc:"organizations (default): accounts belong to one AWS Organization. standalone: no Organizations; orgrail reaches each listed account from a jump account through roleChain."`
	ID                string    `yaml:"id" json:"id,omitempty" pattern:"^o-[a-z0-9]{10,32}$" doc:"AWS Organizations id (o-...), when known."`
	ManagementAccount string    `yaml:"managementAccount" json:"managementAccount,omitempty" doc:"Name of the management account (an entry of accounts)."`
	HomeRegion        string    `yaml:"homeRegion" json:"homeRegion,omitempty" enum:"@regions" doc:"Region where the landing zone's regional resources live."`
	JumpAccount       string    `yaml:"jumpAccount" json:"jumpAccount,omitempty" doc:"standalone mode: name of the account people and orgrail sign in to first."`
	RoleChain         []RoleHop `yaml:"roleChain" json:"roleChain,omitempty" doc:"standalone mode: roles assumed in order from the jump account. The last hop may omit account: it is then assumed in every target account."`
	// TrustedAccess and DelegatedAdministrators are managed by plan and
	// apply: listed services get trusted access, listed delegations are
	// registered; services not listed are left alone.
	TrustedAccess           []string         `yaml:"trustedAccess" json:"trustedAccess,omitempty" pattern:"^[a-z0-9.-]+\\.amazonaws\\.com$" doc:"Service principals given trusted access to the organization (EnableAWSServiceAccess), e.g. guardduty.amazonaws.com."`
	DelegatedAdministrators []DelegatedAdmin `yaml:"delegatedAdministrators" json:"delegatedAdministrators,omitempty" doc:"Delegated administrators: which account administers which service for the organization. Trusted access for the service is implied."`
	// Manage exclusive claims the whole organization, as ous[].manage
	// claims a subtree.
	ControlTower ControlTower `yaml:"controlTower" json:"controlTower,omitzero" doc:"The landing zone is AWS Control Tower's: account create vends through its Account Factory."`
	Manage       string       `yaml:"manage" json:"manage,omitempty" enum:"exclusive" doc:"exclusive: orgrail owns the whole organization: OUs, policies and policy attachments the configuration does not declare are removed (with --allow-delete), undeclared accounts closed (with --allow-close), and policy types no policy uses any more disabled (with --allow-delete)."`
	Pos          Positions    `yaml:"-" json:"-"`
}

// ControlTower describes an organization whose landing zone AWS Control
// Tower set up.
type ControlTower struct {
	AccountFactory bool      `yaml:"accountFactory" json:"accountFactory,omitempty" doc:"account create provisions the account through Control Tower's Account Factory (the Service Catalog product, in organization.homeRegion) instead of Organizations CreateAccount, so that Control Tower enrolls it; the OU must be registered with Control Tower. The factory then reaches the account through AWSControlTowerExecution unless roleChain names another role."`
	ProductName    string    `yaml:"productName" json:"productName,omitempty" doc:"Name of the Account Factory product; default AWS Control Tower Account Factory."`
	SSOUser        SSOUser   `yaml:"ssoUser" json:"ssoUser,omitzero" doc:"The IAM Identity Center user the Account Factory makes administrator of each new account."`
	Pos            Positions `yaml:"-" json:"-"`
}

// SSOUser is the Account Factory's SSOUserEmail, SSOUserFirstName and
// SSOUserLastName.
type SSOUser struct {
	Email     string    `yaml:"email" json:"email,omitempty" doc:"Default: the account's --email."`
	FirstName string    `yaml:"firstName" json:"firstName,omitempty" doc:"Default: the account name."`
	LastName  string    `yaml:"lastName" json:"lastName,omitempty" doc:"Default: Admin."`
	Pos       Positions `yaml:"-" json:"-"`
}

// Control Tower names.
const (
	DefaultAccountFactoryProduct = "AWS Control Tower Account Factory"
	ControlTowerExecutionRole    = "AWSControlTowerExecution"
	DefaultAccessRole            = "OrganizationAccountAccessRole"
)

// AccessRole is the role orgrail assumes in a member account from the
// management account: the last hop of roleChain when it names no
// account, else AWSControlTowerExecution where Control Tower vends the
// accounts, else OrganizationAccountAccessRole.
func (o Organization) AccessRole() string {
	if rc := o.RoleChain; len(rc) > 0 && rc[len(rc)-1].Account == "" {
		return rc[len(rc)-1].Role
	}
	if o.ControlTower.AccountFactory {
		return ControlTowerExecutionRole
	}
	return DefaultAccessRole
}

// Product returns the Account Factory product's name, with its default.
func (c ControlTower) Product() string {
	if c.ProductName == "" {
		return DefaultAccountFactoryProduct
	}
	return c.ProductName
}

// DelegatedAdmin registers one account as delegated administrator of one
// service principal.
type DelegatedAdmin struct {
	Service string    `yaml:"service" json:"service" required:"true" pattern:"^[a-z0-9.-]+\\.amazonaws\\.com$" doc:"Service principal, e.g. guardduty.amazonaws.com."`
	Account string    `yaml:"account" json:"account" required:"true" doc:"Account name (or id) registered as delegated administrator, usually the Audit account."`
	Pos     Positions `yaml:"-" json:"-"`
}

// Guardrails holds the expectations the preventive guardrails must meet.
type Guardrails struct {
	Expectations []Expectation `yaml:"expectations" json:"expectations,omitempty" doc:"Requests that must stay allowed or denied by the SCPs and RCPs; plan reports each one a change flips."`
	Pos          Positions     `yaml:"-" json:"-"`
}

// Expectation is one request with the decision the guardrails must give
// it. Only the SCP and RCP layers are judged: the caller is assumed to
// hold an identity policy that allows the request.
type Expectation struct {
	Name      string            `yaml:"name" json:"name" required:"true" doc:"Short name shown in plans."`
	Principal string            `yaml:"principal" json:"principal" required:"true" doc:"Calling account (name or id) or an IAM ARN in a declared account."`
	Action    string            `yaml:"action" json:"action" required:"true" doc:"Action, service:Name, e.g. s3:GetObject."`
	Resource  string            `yaml:"resource" json:"resource,omitempty" doc:"Resource ARN (default *)."`
	Context   map[string]string `yaml:"context" json:"context,omitempty" doc:"Request context keys and values, e.g. aws:RequestedRegion: us-east-1."`
	Expect    string            `yaml:"expect" json:"expect" required:"true" enum:"allow|deny" doc:"allow: must stay allowed; deny: must stay denied."`
	Pos       Positions         `yaml:"-" json:"-"`
}

// Standalone reports whether the configuration runs without AWS Organizations.
func (o Organization) Standalone() bool { return o.Mode == ModeStandalone }

// RoleHop is one AssumeRole step of a role chain.
type RoleHop struct {
	Account    string    `yaml:"account" json:"account,omitempty" doc:"Account name or id in which the role is assumed; empty on the last hop means every target account."`
	Role       string    `yaml:"role" json:"role" required:"true" pattern:"^[\\w+=,.@-]{1,64}$" doc:"IAM role name."`
	ExternalID string    `yaml:"externalId" json:"externalId,omitempty" doc:"ExternalId passed to AssumeRole, if the trust policy requires one."`
	Pos        Positions `yaml:"-" json:"-"`
}

// OU is an organizational unit named by its path from the root.
type OU struct {
	Path        string            `yaml:"path" json:"path" required:"true" doc:"Path from the root, segments separated by '/', e.g. Workloads/Prod. Every parent must be declared too. At most 5 levels."`
	Description string            `yaml:"description" json:"description,omitempty" doc:"Free text."`
	Tags        map[string]string `yaml:"tags" json:"tags,omitempty" doc:"Tags on the OU."`
	Manage      string            `yaml:"manage" json:"manage,omitempty" enum:"exclusive" doc:"exclusive: orgrail owns this subtree; OUs and policy attachments below it that the configuration does not declare are removed (with --allow-delete)."`
	// RenamedFrom names the OU's former path: plan renames that OU
	// (UpdateOrganizationalUnit) instead of creating a new one, or, under
	// another parent, deletes it once emptied.
	RenamedFrom string    `yaml:"renamedFrom" json:"renamedFrom,omitempty" doc:"The path this OU has in the organization now, when the configuration renames or moves it. Same parent (after the parents' renames): plan renames that OU in place (same id, accounts and policies). Another parent: plan creates the OU at its new path and deletes the old one once its accounts have moved (with --allow-delete); AWS cannot move OUs. Harmless once applied."`
	Pos         Positions `yaml:"-" json:"-"`
}

// ManageExclusive is the value of ous[].manage that claims a subtree.
const ManageExclusive = "exclusive"

// RootPath is the name that stands for the organization root wherever an
// OU path is expected.
const RootPath = "Root"

// Name returns the last segment of the path.
func (o OU) Name() string { return o.Path[strings.LastIndexByte(o.Path, '/')+1:] }

// Parent returns the parent path, RootPath for a top-level OU.
func (o OU) Parent() string { return ParentPath(o.Path) }

// Depth returns the nesting level: 1 for a child of the root.
func (o OU) Depth() int { return strings.Count(o.Path, "/") + 1 }

// ParentPath returns the path of p's parent, RootPath for a top-level OU.
func ParentPath(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return RootPath
	}
	return p[:i]
}

// Account is a member account.
type Account struct {
	Name        string            `yaml:"name" json:"name" required:"true" doc:"Account name, unique, 1-50 characters. Other sections refer to accounts by it."`
	ID          string            `yaml:"id" json:"id,omitempty" pattern:"^[0-9]{12}$" doc:"12-digit account id, once the account exists. Required in standalone mode."`
	Email       string            `yaml:"email" json:"email,omitempty" doc:"Root user email, unique across the organization. Required in organizations mode."`
	OU          string            `yaml:"ou" json:"ou,omitempty" doc:"Path of the OU the account belongs to, or Root. Required in organizations mode."`
	Owner       string            `yaml:"owner" json:"owner,omitempty" doc:"Team or person accountable for the account."`
	Environment string            `yaml:"environment" json:"environment,omitempty" doc:"Environment, e.g. prod, staging, dev, sandbox."`
	System      string            `yaml:"system" json:"system,omitempty" doc:"The system or product the account runs."`
	Tags        map[string]string `yaml:"tags" json:"tags,omitempty" doc:"Tags on the account."`
	// AlternateContacts are the account's billing, operations and
	// security contacts (Account Management PutAlternateContact).
	AlternateContacts AlternateContacts `yaml:"alternateContacts" json:"alternateContacts,omitzero" doc:"Alternate contacts AWS writes to about billing, operations and security. plan sets the types given here (PutAlternateContact); types left out are left alone."`
	Pos               Positions         `yaml:"-" json:"-"`
}

// AlternateContacts are an account's alternate contacts by type; nil
// entries are not managed.
type AlternateContacts struct {
	Billing    *Contact  `yaml:"billing" json:"billing,omitempty" doc:"Billing contact."`
	Operations *Contact  `yaml:"operations" json:"operations,omitempty" doc:"Operations contact."`
	Security   *Contact  `yaml:"security" json:"security,omitempty" doc:"Security contact."`
	Pos        Positions `yaml:"-" json:"-"`
}

// Contact is one alternate contact. AWS requires every field.
type Contact struct {
	Name  string    `yaml:"name" json:"name" required:"true" doc:"Name, 1-64 characters."`
	Title string    `yaml:"title" json:"title" required:"true" doc:"Title, 1-50 characters."`
	Email string    `yaml:"email" json:"email" required:"true" doc:"Email address, 1-254 characters."`
	Phone string    `yaml:"phone" json:"phone" required:"true" pattern:"^[\\s0-9()+-]+$" doc:"Phone number, 1-25 characters of digits, spaces, +, -, ( and )."`
	Pos   Positions `yaml:"-" json:"-"`
}

// Contact types as the Account Management API spells them.
const (
	ContactBilling    = "BILLING"
	ContactOperations = "OPERATIONS"
	ContactSecurity   = "SECURITY"
)

// ByType returns the configured contacts keyed by AWS contact type.
func (a AlternateContacts) ByType() map[string]*Contact {
	out := map[string]*Contact{}
	for t, c := range map[string]*Contact{ContactBilling: a.Billing, ContactOperations: a.Operations, ContactSecurity: a.Security} {
		if c != nil {
			out[t] = c
		}
	}
	return out
}

// IsZero reports whether no contact is configured (for omitempty).
func (a AlternateContacts) IsZero() bool {
	return a.Billing == nil && a.Operations == nil && a.Security == nil
}

// Policy is an organization policy and its attachments.
type Policy struct {
	Name        string   `yaml:"name" json:"name" required:"true" doc:"Policy name, unique per type, 1-128 characters."`
	Type        string   `yaml:"type" json:"type" required:"true" enum:"@policyTypes" doc:"Policy type exactly as AWS Organizations spells it, e.g. SERVICE_CONTROL_POLICY."`
	Description string   `yaml:"description" json:"description,omitempty" doc:"Free text, up to 512 characters."`
	File        string   `yaml:"file" json:"file,omitempty" doc:"Policy document (JSON), by path relative to the configuration directory. Required unless awsManaged."`
	AWSManaged  bool     `yaml:"awsManaged" json:"awsManaged,omitempty" doc:"The policy is AWS managed (FullAWSAccess, RCPFullAWSAccess): no file; it still counts toward the per-target limit."`
	Targets     []string `yaml:"targets" json:"targets,omitempty" doc:"Where the policy attaches: Root, an OU path, an account name or an account id."`
	// Content is the policy document read from File, compacted.
	Content json.RawMessage `yaml:"-" json:"content,omitempty"`
	Pos     Positions       `yaml:"-" json:"-"`
}

// Standards are company-wide settings that detective guardrails check.
type Standards struct {
	AllowedRegions   []string `yaml:"allowedRegions" json:"allowedRegions,omitempty" enum:"@regions" doc:"Regions workloads may use (aws, aws-cn, aws-us-gov ... region names)."`
	RequiredTags     []string `yaml:"requiredTags" json:"requiredTags,omitempty" doc:"Tag keys every taggable resource must carry."`
	LogRetentionDays int      `yaml:"logRetentionDays" json:"logRetentionDays,omitempty" min:"1" doc:"Minimum log retention in days (CloudWatch Logs and the log archive)."`
	AZCount          int      `yaml:"azCount" json:"azCount,omitempty" min:"1" max:"6" doc:"Availability Zones a standard VPC spans."`
	// Network and AlternateContacts are what `orgrail account create`
	// gives a new account (network.go).
	Network           Network            `yaml:"network" json:"network,omitempty" doc:"The standard VPC orgrail account create builds in a new account: CIDR pool, subnets, NAT, flow logs."`
	AlternateContacts []AlternateContact `yaml:"alternateContacts" json:"alternateContacts,omitempty" doc:"Alternate contacts (billing, operations, security) set on every account orgrail account create makes."`
	Pos               Positions          `yaml:"-" json:"-"`
}

// Security names the security accounts and the services that must be on.
type Security struct {
	LogArchiveAccount string    `yaml:"logArchiveAccount" json:"logArchiveAccount,omitempty" doc:"Name (or id) of the account holding the organization's logs."`
	AuditAccount      string    `yaml:"auditAccount" json:"auditAccount,omitempty" doc:"Name (or id) of the security tooling account, delegated administrator of the security services."`
	Services          []string  `yaml:"services" json:"services,omitempty" enum:"@services" doc:"Security services that must be enabled in every account and allowed region."`
	Pos               Positions `yaml:"-" json:"-"`
}

// Services lists the security service names security.services accepts.
var Services = []string{
	"accessanalyzer", "cloudtrail", "config", "detective", "guardduty",
	"inspector", "macie", "securityhub",
}

// String renders a hop as role@account for messages.
func (h RoleHop) String() string {
	if h.Account == "" {
		return fmt.Sprintf("%s@<target>", h.Role)
	}
	return h.Role + "@" + h.Account
}
