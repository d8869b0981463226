package config

import "github.com/orgrail/orgrail/internal/severity"

// The severities validation reports. Errors fail `orgrail validate` at
// the default --fail-on high; warnings do not.
const (
	SevError   = severity.High
	SevWarning = severity.Low
)

// Code is a stable validation code.
type Code string

// Validation codes. They are part of the contract: scripts match on
// them, so they are never renamed.
const (
	CodeYAMLSyntax         Code = "yaml-syntax"
	CodeTypeMismatch       Code = "type-mismatch"
	CodeUnknownKey         Code = "unknown-key"
	CodeDuplicateKey       Code = "duplicate-key"
	CodeMissingField       Code = "missing-field"
	CodeNoConfigFiles      Code = "no-config-files"
	CodeIgnoredFile        Code = "ignored-file"
	CodeBadMode            Code = "org-bad-mode"
	CodeBadOrgID           Code = "org-bad-id"
	CodeStandalone         Code = "standalone-incomplete"
	CodeNeedsOrgs          Code = "policies-need-organizations"
	CodeBadRoleName        Code = "bad-role-name"
	CodeRoleChainOrder     Code = "role-chain-order"
	CodeUnknownAccount     Code = "unknown-account"
	CodeUnknownOU          Code = "unknown-ou"
	CodeOUBadPath          Code = "ou-bad-path"
	CodeOUDuplicate        Code = "ou-duplicate"
	CodeOUUnknownParent    Code = "ou-unknown-parent"
	CodeOUTooDeep          Code = "ou-too-deep"
	CodeAccountBadName     Code = "account-bad-name"
	CodeDuplicateName      Code = "account-duplicate-name"
	CodeDuplicateEmail     Code = "account-duplicate-email"
	CodeDuplicateID        Code = "account-duplicate-id"
	CodeBadEmail           Code = "bad-email"
	CodeBadAccountID       Code = "bad-account-id"
	CodeBadTag             Code = "bad-tag"
	CodePolicyBadName      Code = "policy-bad-name"
	CodePolicyDuplicate    Code = "policy-duplicate"
	CodePolicyBadType      Code = "policy-bad-type"
	CodePolicyUnknownTyp   Code = "policy-unknown-type"
	CodePolicyNoFile       Code = "policy-file-missing"
	CodePolicyNotJSON      Code = "policy-file-not-json"
	CodePolicyAbsolute     Code = "policy-file-absolute"
	CodePolicyConflict     Code = "policy-file-conflict"
	CodePolicyTooLarge     Code = "policy-too-large"
	CodeUnknownTarget      Code = "policy-unknown-target"
	CodeAmbiguousTarget    Code = "policy-ambiguous-target"
	CodeDuplicateTarget    Code = "policy-duplicate-target"
	CodePolicyLimit        Code = "policy-limit"
	CodePolicyNoTargets    Code = "policy-no-targets"
	CodeBadRegion          Code = "bad-region"
	CodeBadRetention       Code = "bad-retention"
	CodeRetentionValue     Code = "retention-not-cloudwatch"
	CodeBadAZCount         Code = "bad-az-count"
	CodeUnknownService     Code = "unknown-service"
	CodeSameAccount        Code = "security-same-account"
	CodeSecurityMgmt       Code = "security-management-account"
	CodeAccessBoundary     Code = "access-boundary"
	CodeAccessRef          Code = "access-unknown-ref"
	CodeBadManage          Code = "ou-bad-manage"
	CodeBadPrincipal       Code = "bad-service-principal"
	CodeBadExpectation     Code = "expectation-bad"
	CodeBaselineIncomplete Code = "baseline-incomplete"
	CodeBaselineTarget     Code = "baseline-unknown-target"
	CodeBaselineValue      Code = "baseline-bad-value"
	CodePermissionSet      Code = "identity-permission-set"
	CodeAssignment         Code = "identity-assignment"
	CodeRole               Code = "identity-role"
	CodeRoleTrust          Code = "identity-role-trust"
	CodeBadRename          Code = "ou-bad-rename"
	CodeBadContact         Code = "account-bad-contact"
	CodeBadNetwork         Code = "network-bad"
	CodeBadStdContact      Code = "alternate-contact-bad"
	CodeCatalogPortfolio   Code = "catalog-portfolio"
	CodeCatalogProduct     Code = "catalog-product"
	CodeCatalogTemplate    Code = "catalog-template"
)

// CodeInfo describes one validation code for documentation and tests.
type CodeInfo struct {
	Code     Code
	Severity severity.Level
	Summary  string
}

// Codes lists every validation code with its severity and meaning.
var Codes = []CodeInfo{
	{CodeYAMLSyntax, SevError, "a file is not valid YAML"},
	{CodeTypeMismatch, SevError, "a value has the wrong type (string, number, list or mapping)"},
	{CodeUnknownKey, SevError, "a key that the configuration does not have, at any level"},
	{CodeDuplicateKey, SevError, "a key set twice, in one file or across files"},
	{CodeMissingField, SevError, "a required field is absent"},
	{CodeNoConfigFiles, SevError, "the directory has no *.yaml file"},
	{CodeIgnoredFile, SevWarning, "a *.yml file, which is not read (rename it to *.yaml)"},
	{CodeBadMode, SevError, "organization.mode is neither organizations nor standalone"},
	{CodeBadOrgID, SevError, "organization.id is not o- followed by 10-32 lower-case letters or digits"},
	{CodeStandalone, SevError, "standalone mode without jumpAccount or roleChain, or an account without id"},
	{CodeNeedsOrgs, SevError, "policies declared in standalone mode, where there is no Organizations to attach them"},
	{CodeBadRoleName, SevError, "a role chain hop's role is not a valid IAM role name"},
	{CodeRoleChainOrder, SevError, "a role chain hop other than the last omits its account"},
	{CodeUnknownAccount, SevError, "a reference to an account that accounts does not declare"},
	{CodeUnknownOU, SevError, "an account's ou is not a declared OU path (or Root)"},
	{CodeOUBadPath, SevError, "an OU path is empty, has empty segments, a leading or trailing '/', a segment over 128 characters, or is Root"},
	{CodeOUDuplicate, SevError, "two OUs with the same path"},
	{CodeOUUnknownParent, SevError, "an OU whose parent path is not declared"},
	{CodeOUTooDeep, SevError, "an OU nested more than 5 levels below the root (AWS's limit)"},
	{CodeAccountBadName, SevError, "an account name over 50 characters or with control characters"},
	{CodeDuplicateName, SevError, "two accounts with the same name"},
	{CodeDuplicateEmail, SevError, "two accounts with the same root email (compared case-insensitively)"},
	{CodeDuplicateID, SevError, "two accounts with the same id"},
	{CodeBadEmail, SevError, "an account email that is not a valid address"},
	{CodeBadAccountID, SevError, "an account id that is not 12 digits"},
	{CodeBadTag, SevError, "a tag key or value breaks AWS's tag rules (key 1-128, value up to 256 characters, no aws: prefix)"},
	{CodePolicyBadName, SevError, "a policy name empty or over 128 characters"},
	{CodePolicyDuplicate, SevError, "two policies of one type with the same name"},
	{CodePolicyBadType, SevError, "a policy type that is not an AWS policy type string (UPPER_CASE ending in _POLICY, or DECLARATIVE_POLICY_*)"},
	{CodePolicyUnknownTyp, SevWarning, "a well-formed policy type that orgrail does not know yet"},
	{CodePolicyNoFile, SevError, "a policy without file (and not awsManaged), or whose file does not exist"},
	{CodePolicyNotJSON, SevError, "a policy file that is not a JSON object"},
	{CodePolicyAbsolute, SevError, "a policy file given by absolute path; paths are relative to the configuration directory"},
	{CodePolicyConflict, SevError, "a policy with both file and awsManaged"},
	{CodePolicyTooLarge, SevError, "an SCP or RCP over 5,120 characters once whitespace is removed"},
	{CodeUnknownTarget, SevError, "a policy target that is not Root, a declared OU path, account name or account id"},
	{CodeAmbiguousTarget, SevError, "a policy target that names both an OU and an account"},
	{CodeDuplicateTarget, SevWarning, "a target listed twice in one policy"},
	{CodePolicyLimit, SevError, "more than 5 SCPs, or more than 5 RCPs, attached directly to one target"},
	{CodePolicyNoTargets, SevWarning, "a policy attached nowhere"},
	{CodeBadRegion, SevError, "a region name that is not a real AWS region (aws, aws-cn, aws-us-gov and other partitions)"},
	{CodeBadRetention, SevError, "standards.logRetentionDays below 1"},
	{CodeRetentionValue, SevWarning, "standards.logRetentionDays is not a value CloudWatch Logs accepts"},
	{CodeBadAZCount, SevError, "standards.azCount outside 1-6"},
	{CodeUnknownService, SevError, "a security service orgrail does not know"},
	{CodeSameAccount, SevWarning, "Log Archive and Audit are the same account"},
	{CodeSecurityMgmt, SevWarning, "Log Archive or Audit is the management account"},
	{CodeAccessBoundary, SevError, "an access boundary without exactly one of from and onlyFrom, with an empty to, an unknown via, or a duplicate name"},
	{CodeAccessRef, SevError, "an access boundary reference that is not Root, a declared OU path, account name or account id"},
	{CodeBadManage, SevError, "an OU's or the organization's manage is not exclusive"},
	{CodeBadPrincipal, SevError, "a trusted-access or delegated-administrator service principal that is not <name>.amazonaws.com"},
	{CodeBadExpectation, SevError, "a guardrails expectation whose action is not service:Action or whose expect is not allow or deny"},
	{CodeBadRename, SevError, "an OU's renamedFrom is not a valid path or is declared as an OU itself"},
	{CodeBadContact, SevError, "an alternate contact with a missing or too long name, title, email or phone, or a phone with other characters than digits, spaces, +, -, ( and )"},
	{CodeBaselineIncomplete, SevError, "a baseline section without security.logArchiveAccount, security.auditAccount or organization.homeRegion"},
	{CodeBaselineTarget, SevError, "a baseline target that is not Root or a declared OU path"},
	{CodeBaselineValue, SevError, "a baseline value out of range or of the wrong form (password policy, Security Hub standard, contact email, bucket or role name)"},
	{CodePermissionSet, SevError, "a permission set with a bad or duplicate name, a session duration outside 1-12 hours, a policy reference that is not an AWS managed policy ARN or IAM name and path, more than 20 policies, or two boundaries"},
	{CodeAssignment, SevError, "an assignment whose permission set is not declared, or that names no group or user, or no account or OU"},
	{CodeRole, SevError, "a cross-account role with a bad or duplicate name, a managed policy that is not an AWS managed policy ARN, more than 10 managed policies, no permissions, or a session outside 3600-43200 seconds"},
	{CodeRoleTrust, SevError, "a cross-account role trusting another account than the security (Audit) account, or with a malformed role name, MFA age or source identity pattern"},
	{CodeBadNetwork, SevError, "standards.network: a pool, reserved or VPC size that is not an IPv4 CIDR that fits, subnets that do not fit the VPC, or flow logs without a bucket"},
	{CodeBadStdContact, SevError, "standards.alternateContacts: a type that is not BILLING, OPERATIONS or SECURITY, or a type listed twice"},
	{CodeCatalogPortfolio, SevError, "catalog: a portfolio with a duplicate or too long name, provider or description, a launch role or principal that is not a role name (pattern), principals but no share, or no region for the portfolios"},
	{CodeCatalogProduct, SevError, "catalog: products without templateBucket (or a bad bucket name), a product declared twice, a name, owner or description over 8,191 characters, no version, or a version name repeated"},
	{CodeCatalogTemplate, SevError, "catalog: a product version's template that is an absolute path, unreadable, not a CloudFormation template (no Resources), or over 51,200 bytes"},
}

// Info returns the description of a code.
func Info(c Code) (CodeInfo, bool) {
	for _, ci := range Codes {
		if ci.Code == c {
			return ci, true
		}
	}
	return CodeInfo{}, false
}
