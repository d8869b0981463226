package rules

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const typeAccount = "AWS::::Account"

func init() {
	register(
		&Rule{ID: "iam.root-mfa-enabled", Title: "The root user has MFA enabled", Severity: severity.Critical,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"},
			Rationale:   "The root user has unrestricted access to the account; without MFA a stolen password is enough to take the account over.",
			Remediation: "Sign in as the root user and assign an MFA device (Security credentials > Multi-factor authentication), or remove the member account's root credentials with centralized root access.",
			Mappings: findings.Mappings{ConfigRule: "ROOT_ACCOUNT_MFA_ENABLED", SecurityHub: "IAM.9", CIS: "1.5",
				NistCsf: "PR.AA", ControlTower: "AWS-GR_ROOT_ACCOUNT_MFA_ENABLED"},
			check: checkRootMFA},
		&Rule{ID: "iam.root-hardware-mfa-enabled", Title: "The root user has a hardware MFA device", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"},
			Rationale:   "A virtual MFA device lives on a phone or laptop that can itself be compromised; a hardware device cannot be copied.",
			Remediation: "Replace the root user's virtual MFA device with a hardware TOTP token or a FIDO security key.",
			Mappings: findings.Mappings{ConfigRule: "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", SecurityHub: "IAM.6", CIS: "1.6",
				NistCsf: "PR.AA", ControlTower: "AWS-GR_ROOT_ACCOUNT_HARDWARE_MFA_ENABLED"},
			check: checkRootHardwareMFA},
		&Rule{ID: "iam.root-access-key-absent", Title: "The root user has no access keys", Severity: severity.Critical,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"},
			Rationale:   "Root access keys give programmatic, unrestricted and SCP-exempt-for-management access that cannot be scoped down.",
			Remediation: "Delete the root user's access keys (Security credentials > Access keys) and use IAM roles instead.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_ROOT_ACCESS_KEY_CHECK", SecurityHub: "IAM.4", CIS: "1.4", NistCsf: "PR.AA"},
			check:       checkRootKeys},
		&Rule{ID: "iam.password-policy-strong", Title: "The IAM password policy is strong", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"}, Fix: "iam-password-policy",
			Rationale:   "Short or simple passwords of IAM users are guessed or brute-forced.",
			Remediation: "Set an account password policy requiring upper and lower case letters, numbers and symbols and at least 8 characters (14 for CIS).",
			Mappings:    findings.Mappings{ConfigRule: "IAM_PASSWORD_POLICY", SecurityHub: "IAM.7", NistCsf: "PR.AA"},
			check:       checkPasswordStrong},
		&Rule{ID: "iam.password-policy-length-14", Title: "The IAM password policy requires 14 characters or more", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"}, Fix: "iam-password-policy",
			Rationale:   "Length is what makes a password resist brute force; CIS asks for at least 14 characters.",
			Remediation: "Set MinimumPasswordLength to 14 or more in the account password policy.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_PASSWORD_POLICY", SecurityHub: "IAM.15", CIS: "1.8", NistCsf: "PR.AA"},
			check:       checkPasswordLength14},
		&Rule{ID: "iam.password-policy-expiry", Title: "The IAM password policy expires passwords within 90 days", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"}, Fix: "iam-password-policy",
			Rationale:   "Passwords that never expire keep working for whoever learned them.",
			Remediation: "Set MaxPasswordAge to 90 or fewer days in the account password policy.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_PASSWORD_POLICY", SecurityHub: "IAM.17", NistCsf: "PR.AA"},
			check:       checkPasswordExpiry},
		&Rule{ID: "iam.password-policy-reuse", Title: "The IAM password policy prevents password reuse", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"}, Fix: "iam-password-policy",
			Rationale:   "Reused passwords extend the life of a leaked password.",
			Remediation: "Set PasswordReusePrevention to 24 in the account password policy.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_PASSWORD_POLICY", SecurityHub: "IAM.16", CIS: "1.9", NistCsf: "PR.AA"},
			check:       checkPasswordReuse},
		&Rule{ID: "iam.access-keys-rotated", Title: "Active access keys are rotated within 90 days", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam"},
			Rationale:   "Old keys have had more time to leak; rotation bounds the window in which a leaked key works.",
			Remediation: "Create a new access key, move its users to it, then deactivate and delete the old one — or replace the user with a role.",
			Mappings:    findings.Mappings{ConfigRule: "ACCESS_KEYS_ROTATED", SecurityHub: "IAM.3", CIS: "1.14", NistCsf: "PR.AA"},
			check:       checkKeysRotated},
		&Rule{ID: "iam.unused-credentials", Title: "IAM user credentials unused for 45 days are disabled", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam"},
			Rationale:   "Credentials nobody uses are nobody's to notice when they are abused.",
			Remediation: "Remove the console password or deactivate the access keys not used for 45 days.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_USER_UNUSED_CREDENTIALS_CHECK", SecurityHub: "IAM.22", CIS: "1.12", NistCsf: "PR.AA"},
			check:       checkUnusedCredentials},
		&Rule{ID: "iam.console-user-mfa", Title: "IAM users with a console password have MFA", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam"},
			Rationale:   "A console password alone is phished or guessed; MFA stops the stolen password from being enough.",
			Remediation: "Assign an MFA device to the user, or remove the console password and use IAM Identity Center.",
			Mappings: findings.Mappings{ConfigRule: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", SecurityHub: "IAM.5", CIS: "1.10",
				NistCsf: "PR.AA", ControlTower: "AWS-GR_MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"},
			check: checkConsoleMFA},
		&Rule{ID: "iam.user-mfa-enabled", Title: "IAM users have MFA", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam"},
			Rationale:   "MFA on every IAM user means a leaked password is not enough, and MFA-conditioned policies work for all of them.",
			Remediation: "Assign an MFA device to the user, or replace the user with a role or IAM Identity Center access.",
			Mappings: findings.Mappings{ConfigRule: "IAM_USER_MFA_ENABLED", SecurityHub: "IAM.19", NistCsf: "PR.AA",
				ControlTower: "AWS-GR_IAM_USER_MFA_ENABLED"},
			check: checkUserMFA},
		&Rule{ID: "iam.no-inline-policies", Title: "IAM users, roles and groups have no inline policies", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::Role", Services: []string{"iam"},
			Rationale:   "Inline policies cannot be reused, versioned or reviewed in one place; managed policies can.",
			Remediation: "Replace the inline policy with a customer managed policy and attach it.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_NO_INLINE_POLICY_CHECK", NistCsf: "PR.AA"},
			check:       checkNoInline},
		&Rule{ID: "iam.single-active-access-key", Title: "IAM users have at most one active access key", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam"},
			Rationale:   "Two active keys per user double what can leak and usually mean a rotation was never finished.",
			Remediation: "Deactivate and delete the access key no longer in use.",
			Mappings:    findings.Mappings{CIS: "1.13", NistCsf: "PR.AA"},
			check:       checkSingleKey},
		&Rule{ID: "iam.user-no-direct-policies", Title: "IAM users receive permissions only through groups", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam"},
			Rationale:   "Policies attached to individual users drift and are hard to review; groups keep access consistent.",
			Remediation: "Move the user's attached and inline policies to a group and add the user to it.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_USER_NO_POLICIES_CHECK", SecurityHub: "IAM.2", CIS: "1.15", NistCsf: "PR.AA"},
			check:       checkUserPolicies},
		&Rule{ID: "iam.no-admin-policies", Title: "Customer managed policies do not allow *:* on *", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::Policy", Services: []string{"iam"},
			Rationale:   "A policy allowing every action on every resource defeats least privilege; whoever holds it can do anything, including removing guardrails.",
			Remediation: "Replace the statement with the actions and resources the principals need; use AWS managed job-function policies where they fit.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", SecurityHub: "IAM.1", CIS: "1.16", NistCsf: "PR.AA"},
			check:       checkAdminPolicies},
		&Rule{ID: "iam.no-service-wildcard-policies", Title: "Customer managed policies do not allow all actions of a service", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::Policy", Services: []string{"iam"},
			Rationale:   "service:* grants actions added to the service in the future and actions nobody reviewed.",
			Remediation: "List the service's actions the principals need instead of service:*.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS", SecurityHub: "IAM.21", NistCsf: "PR.AA"},
			check:       checkServiceWildcards},
		&Rule{ID: "iam.no-kms-decrypt-all-keys", Title: "Customer managed policies do not allow KMS decryption on all keys", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::Policy", Services: []string{"iam"},
			Rationale:   "kms:Decrypt on * lets the principal read every encrypted secret and object its network can reach.",
			Remediation: "Restrict kms:Decrypt and kms:ReEncryptFrom to the key ARNs the principal needs.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS", SecurityHub: "KMS.1", NistCsf: "PR.DS"},
			check:       checkKMSDecryptManaged},
		&Rule{ID: "iam.no-inline-kms-decrypt-all-keys", Title: "Inline policies do not allow KMS decryption on all keys", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::Role", Services: []string{"iam"},
			Rationale:   "kms:Decrypt on * in an inline policy is invisible to reviews of managed policies and reads every key's data.",
			Remediation: "Restrict kms:Decrypt and kms:ReEncryptFrom in the inline policy to the key ARNs needed.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS", SecurityHub: "KMS.2", NistCsf: "PR.DS"},
			check:       checkKMSDecryptInline},
		&Rule{ID: "iam.cloudshell-full-access-restricted", Title: "AWSCloudShellFullAccess is not attached", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::Policy", Services: []string{"iam"},
			Rationale:   "CloudShell with full access allows file upload and download outside the usual data-loss controls.",
			Remediation: "Detach AWSCloudShellFullAccess and grant a narrower CloudShell policy where needed.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_POLICY_BLACKLISTED_CHECK", SecurityHub: "IAM.27", CIS: "1.22", NistCsf: "PR.AA"},
			check:       checkCloudShell},
	)
}

// rootCredentials returns the root row of the credential report and the
// account summary map (either may be nil when not collected; an error
// only when neither is).
func rootCredentials(c *Ctx) (*credUser, map[string]int32, error) {
	var root *credUser
	users, errCR := credentialReport(c.v)
	for i := range users {
		if users[i].root() {
			root = &users[i]
		}
	}
	sum, errS := get[iam.GetAccountSummaryOutput](c.v, "global", "iam", "GetAccountSummary")
	var m map[string]int32
	if errS == nil {
		m = sum.SummaryMap
	}
	if root == nil && m == nil {
		if errCR == nil {
			errCR = fmt.Errorf("credential report has no root user row")
		}
		return nil, nil, errCR
	}
	return root, m, nil
}

// rootCentrallyRemoved reports a member account whose root user has no
// credentials (no password, access keys or signing certificates, as the
// account summary says) while the organization manages root access
// centrally: AWS then has nothing to protect with MFA.
func rootCentrallyRemoved(c *Ctx, m map[string]int32) bool {
	if c.Org().IsManagementAccount(c.Account.Id) || !c.Org().ServiceAccessEnabled(spIAM) {
		return false
	}
	for _, k := range []string{"AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent"} {
		if v, ok := m[k]; !ok || v != 0 {
			return false
		}
	}
	return true
}

func rootMFAOn(root *credUser, m map[string]int32) bool {
	if v, ok := m["AccountMFAEnabled"]; ok {
		return v > 0
	}
	return root != nil && root.MFAActive
}

func checkRootMFA(c *Ctx) error {
	root, m, err := rootCredentials(c)
	if err != nil {
		return err
	}
	if rootCentrallyRemoved(c, m) {
		// As Security Hub documents for IAM.9: root credentials not
		// present in the account pass.
		c.Pass(rootArn(c), "root credentials are removed and managed centrally by the organization")
		return nil
	}
	c.Check(rootMFAOn(root, m), rootArn(c), "root user has MFA", "root user has no MFA device")
	return nil
}

func rootArn(c *Ctx) string { return fmt.Sprintf("arn:%s:iam::%s:root", c.Partition(), c.Account.Id) }

func checkRootHardwareMFA(c *Ctx) error {
	root, m, err := rootCredentials(c)
	if err != nil {
		return err
	}
	if rootCentrallyRemoved(c, m) {
		c.Pass(rootArn(c), "root credentials are removed and managed centrally by the organization")
		return nil
	}
	if !rootMFAOn(root, m) {
		c.Fail(rootArn(c), "root user has no MFA device")
		return nil
	}
	vm, err := get[iam.ListVirtualMFADevicesOutput](c.v, "global", "iam", "ListVirtualMFADevices")
	if err != nil {
		return err
	}
	for _, d := range vm.VirtualMFADevices {
		if strings.HasSuffix(aws(d.SerialNumber), ":mfa/root-account-mfa-device") ||
			(d.User != nil && strings.HasSuffix(aws(d.User.Arn), ":root")) {
			c.Fail(rootArn(c), "root user's MFA device is virtual (%s)", aws(d.SerialNumber))
			return nil
		}
	}
	c.Pass(rootArn(c), "root user has a hardware MFA device")
	return nil
}

func checkRootKeys(c *Ctx) error {
	root, m, err := rootCredentials(c)
	if err != nil {
		return err
	}
	present := false
	if v, ok := m["AccountAccessKeysPresent"]; ok {
		present = v > 0
	} else if root != nil {
		present = root.Keys[0].Active || root.Keys[1].Active
	}
	c.Check(!present, rootArn(c), "root user has no access keys", "root user has access keys")
	return nil
}

// passwordPolicy returns the account's password policy, nil when none
// was ever set.
func passwordPolicy(c *Ctx) (*iam.GetAccountPasswordPolicyOutput, error) {
	pp, err := get[iam.GetAccountPasswordPolicyOutput](c.v, "global", "iam", "GetAccountPasswordPolicy")
	if code, ok := benign(err); ok && code == "NoSuchEntity" {
		return nil, nil
	}
	if err == nil && pp.PasswordPolicy == nil {
		return nil, nil
	}
	return pp, err
}

// checkPasswordStrong is IAM.7 with Security Hub's default parameters:
// upper case, lower case, numbers and symbols required and at least 8
// characters; reuse and age are not judged (they have no default).
func checkPasswordStrong(c *Ctx) error {
	p, err := passwordPolicyOrFail(c)
	if err != nil || p == nil {
		return err
	}
	var weak []string
	if p.MinimumPasswordLength == nil || *p.MinimumPasswordLength < 8 {
		weak = append(weak, "minimum length below 8")
	}
	if !p.RequireUppercaseCharacters {
		weak = append(weak, "no upper case required")
	}
	if !p.RequireLowercaseCharacters {
		weak = append(weak, "no lower case required")
	}
	if !p.RequireNumbers {
		weak = append(weak, "no numbers required")
	}
	if !p.RequireSymbols {
		weak = append(weak, "no symbols required")
	}
	c.Check(len(weak) == 0, "", "password policy is strong", "password policy is weak: "+strings.Join(weak, ", "))
	return nil
}

// passwordPolicyOrFail returns the policy, or records FAILED and nil
// when no policy was ever set.
func passwordPolicyOrFail(c *Ctx) (*iamtypes.PasswordPolicy, error) {
	pp, err := passwordPolicy(c)
	if err != nil {
		return nil, err
	}
	if pp == nil {
		c.Fail("", "no account password policy is set")
		return nil, nil
	}
	return pp.PasswordPolicy, nil
}

// checkPasswordLength14 is IAM.15 / CIS 1.8.
func checkPasswordLength14(c *Ctx) error {
	p, err := passwordPolicyOrFail(c)
	if err != nil || p == nil {
		return err
	}
	n := int32(0)
	if p.MinimumPasswordLength != nil {
		n = *p.MinimumPasswordLength
	}
	c.Check(n >= 14, "", fmt.Sprintf("minimum password length is %d", n), fmt.Sprintf("minimum password length is %d, want 14 or more", n))
	return nil
}

// checkPasswordExpiry is IAM.17.
func checkPasswordExpiry(c *Ctx) error {
	p, err := passwordPolicyOrFail(c)
	if err != nil || p == nil {
		return err
	}
	ok := p.MaxPasswordAge != nil && *p.MaxPasswordAge > 0 && *p.MaxPasswordAge <= 90
	c.Check(ok, "", "passwords expire within 90 days", "passwords do not expire within 90 days")
	return nil
}

func checkPasswordReuse(c *Ctx) error {
	pp, err := passwordPolicy(c)
	if err != nil {
		return err
	}
	if pp == nil {
		c.Fail("", "no account password policy is set")
		return nil
	}
	n := int32(0)
	if pp.PasswordPolicy.PasswordReusePrevention != nil {
		n = *pp.PasswordPolicy.PasswordReusePrevention
	}
	c.Check(n >= 24, "", "password reuse prevention is 24", fmt.Sprintf("password reuse prevention is %d, want 24", n))
	return nil
}

// eachUser runs fn on every IAM user of the credential report (root excluded).
func eachUser(c *Ctx, fn func(u *credUser)) error {
	users, err := credentialReport(c.v)
	if err != nil {
		return err
	}
	n := 0
	for i := range users {
		if !users[i].root() {
			fn(&users[i])
			n++
		}
	}
	if n == 0 {
		c.NA("", "the account has no IAM users")
	}
	return nil
}

func checkKeysRotated(c *Ctx) error {
	return eachUser(c, func(u *credUser) {
		var old []string
		active := false
		for k, key := range u.Keys {
			if !key.Active {
				continue
			}
			active = true
			if d := days(c.Now(), key.LastRotated); !key.LastRotated.IsZero() && d > 90 {
				old = append(old, fmt.Sprintf("key %d is %d days old", k+1, d))
			}
		}
		switch {
		case !active:
			c.NA(u.Arn, "user %s has no active access key", u.User)
		case len(old) > 0:
			c.Fail(u.Arn, "user %s: %s", u.User, strings.Join(old, ", "))
		default:
			c.Pass(u.Arn, "user %s's active keys are younger than 90 days", u.User)
		}
	})
}

// checkUnusedCredentials fails credentials unused for 45 days or more,
// as IAM.22 and CIS 1.12 word it (a password or key idle for exactly 45
// days fails).
func checkUnusedCredentials(c *Ctx) error { return unusedCredentials(c, 45) }

// unusedCredentials fails users whose console password or an active
// access key has not been used for maxDays or more.
func unusedCredentials(c *Ctx, maxDays int) error {
	return eachUser(c, func(u *credUser) {
		var stale []string
		has := false
		if u.PasswordEnabled {
			has = true
			last := u.PasswordLastUsed
			if last.IsZero() {
				last = u.PasswordLastChanged
			}
			if last.IsZero() {
				last = u.Created
			}
			if d := days(c.Now(), last); d >= maxDays {
				stale = append(stale, fmt.Sprintf("console password unused for %d days", d))
			}
		}
		for k, key := range u.Keys {
			if !key.Active {
				continue
			}
			has = true
			last := key.LastUsed
			if last.IsZero() {
				last = key.LastRotated
			}
			if d := days(c.Now(), last); !last.IsZero() && d >= maxDays {
				stale = append(stale, fmt.Sprintf("access key %d unused for %d days", k+1, d))
			}
		}
		switch {
		case !has:
			c.NA(u.Arn, "user %s has no active credentials", u.User)
		case len(stale) > 0:
			c.Fail(u.Arn, "user %s: %s", u.User, strings.Join(stale, ", "))
		default:
			c.Pass(u.Arn, "user %s's credentials were used within the last %d days", u.User, maxDays)
		}
	})
}

func checkConsoleMFA(c *Ctx) error {
	return eachUser(c, func(u *credUser) {
		switch {
		case !u.PasswordEnabled:
			c.NA(u.Arn, "user %s has no console password", u.User)
		case u.MFAActive:
			c.Pass(u.Arn, "user %s has MFA", u.User)
		default:
			c.Fail(u.Arn, "user %s has a console password and no MFA", u.User)
		}
	})
}

func checkSingleKey(c *Ctx) error {
	return eachUser(c, func(u *credUser) {
		c.Check(!(u.Keys[0].Active && u.Keys[1].Active), u.Arn,
			fmt.Sprintf("user %s has at most one active key", u.User),
			fmt.Sprintf("user %s has two active access keys", u.User))
	})
}

// authDetails returns the account's authorization details.
func authDetails(c *Ctx) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	return get[iam.GetAccountAuthorizationDetailsOutput](c.v, "global", "iam", "GetAccountAuthorizationDetails")
}

func checkUserPolicies(c *Ctx) error {
	d, err := authDetails(c)
	if err != nil {
		return err
	}
	if len(d.UserDetailList) == 0 {
		c.NA("", "the account has no IAM users")
	}
	for _, u := range d.UserDetailList {
		n := len(u.AttachedManagedPolicies) + len(u.UserPolicyList)
		c.Check(n == 0, aws(u.Arn), fmt.Sprintf("user %s has no policies of its own", aws(u.UserName)),
			fmt.Sprintf("user %s has %d policies attached directly", aws(u.UserName), n))
	}
	return nil
}

// eachCustomerPolicy runs fn on the default version of every customer
// managed policy.
func eachCustomerPolicy(c *Ctx, fn func(arn, name string, sts []statement)) error {
	d, err := authDetails(c)
	if err != nil {
		return err
	}
	n := 0
	for _, p := range d.Policies {
		arn := aws(p.Arn)
		if strings.Contains(arn, ":iam::aws:policy/") {
			continue
		}
		for _, v := range p.PolicyVersionList {
			if !v.IsDefaultVersion {
				continue
			}
			sts, err := parsePolicy(aws(v.Document))
			if err != nil {
				c.Err(arn, fmt.Errorf("policy %s: %w", aws(p.PolicyName), err))
				continue
			}
			fn(arn, aws(p.PolicyName), sts)
			n++
		}
	}
	if n == 0 {
		c.NA("", "the account has no customer managed policies")
	}
	return nil
}

func checkAdminPolicies(c *Ctx) error {
	return eachCustomerPolicy(c, func(arn, name string, sts []statement) {
		admin := false
		for _, s := range sts {
			admin = admin || s.adminAccess()
		}
		c.Check(!admin, arn, "policy "+name+" does not allow *:* on *", "policy "+name+" allows *:* on *")
	})
}

func checkServiceWildcards(c *Ctx) error {
	return eachCustomerPolicy(c, func(arn, name string, sts []statement) {
		var wild []string
		for _, s := range sts {
			if !s.allows() {
				continue
			}
			for _, a := range s.Action {
				if i := strings.Index(a, ":"); i > 0 && a[i+1:] == "*" {
					wild = append(wild, a)
				}
			}
		}
		c.Check(len(wild) == 0, arn, "policy "+name+" names actions", "policy "+name+" allows "+strings.Join(wild, ", "))
	})
}

// decryptAll reports statements allowing KMS decryption on every key.
func decryptAll(sts []statement) bool {
	for _, s := range sts {
		if s.allows() && s.allResources() && (s.actionMatches("kms:Decrypt") || s.actionMatches("kms:ReEncryptFrom")) {
			return true
		}
	}
	return false
}

func checkKMSDecryptManaged(c *Ctx) error {
	return eachCustomerPolicy(c, func(arn, name string, sts []statement) {
		c.Check(!decryptAll(sts), arn, "policy "+name+" scopes KMS decryption",
			"policy "+name+" allows kms:Decrypt or kms:ReEncryptFrom on all keys")
	})
}

func checkKMSDecryptInline(c *Ctx) error {
	d, err := authDetails(c)
	if err != nil {
		return err
	}
	type owner struct{ arn, name, doc string }
	var inl []owner
	for _, u := range d.UserDetailList {
		for _, p := range u.UserPolicyList {
			inl = append(inl, owner{aws(u.Arn), aws(p.PolicyName), aws(p.PolicyDocument)})
		}
	}
	for _, r := range d.RoleDetailList {
		for _, p := range r.RolePolicyList {
			inl = append(inl, owner{aws(r.Arn), aws(p.PolicyName), aws(p.PolicyDocument)})
		}
	}
	for _, g := range d.GroupDetailList {
		for _, p := range g.GroupPolicyList {
			inl = append(inl, owner{aws(g.Arn), aws(p.PolicyName), aws(p.PolicyDocument)})
		}
	}
	bad := map[string][]string{}
	var order []string
	for _, o := range inl {
		sts, err := parsePolicy(o.doc)
		if err != nil {
			c.Err(o.arn, fmt.Errorf("inline policy %s: %w", o.name, err))
			continue
		}
		if _, seen := bad[o.arn]; !seen {
			order = append(order, o.arn)
			bad[o.arn] = nil
		}
		if decryptAll(sts) {
			bad[o.arn] = append(bad[o.arn], o.name)
		}
	}
	if len(order) == 0 {
		c.Pass("", "the account has no inline policies")
	}
	for _, arn := range order {
		c.Check(len(bad[arn]) == 0, arn, "inline policies scope KMS decryption",
			"inline policies "+strings.Join(bad[arn], ", ")+" allow kms:Decrypt on all keys")
	}
	return nil
}

func checkCloudShell(c *Ctx) error {
	d, err := authDetails(c)
	if err != nil {
		return err
	}
	const name = "AWSCloudShellFullAccess"
	var holders []string
	for _, u := range d.UserDetailList {
		for _, p := range u.AttachedManagedPolicies {
			if aws(p.PolicyName) == name {
				holders = append(holders, "user "+aws(u.UserName))
			}
		}
	}
	for _, r := range d.RoleDetailList {
		for _, p := range r.AttachedManagedPolicies {
			if aws(p.PolicyName) == name {
				holders = append(holders, "role "+aws(r.RoleName))
			}
		}
	}
	for _, g := range d.GroupDetailList {
		for _, p := range g.AttachedManagedPolicies {
			if aws(p.PolicyName) == name {
				holders = append(holders, "group "+aws(g.GroupName))
			}
		}
	}
	arn := fmt.Sprintf("arn:%s:iam::aws:policy/%s", c.Partition(), name)
	c.Check(len(holders) == 0, arn, name+" is not attached", name+" is attached to "+strings.Join(holders, ", "))
	return nil
}

func checkUserMFA(c *Ctx) error {
	return eachUser(c, func(u *credUser) {
		c.Check(u.MFAActive, u.Arn, "user "+u.User+" has MFA", "user "+u.User+" has no MFA device")
	})
}

func checkNoInline(c *Ctx) error {
	d, err := authDetails(c)
	if err != nil {
		return err
	}
	n := 0
	judge := func(arn, what string, count int) {
		n++
		c.Check(count == 0, arn, what+" has no inline policies", fmt.Sprintf("%s has %d inline policies", what, count))
	}
	for _, u := range d.UserDetailList {
		judge(aws(u.Arn), "user "+aws(u.UserName), len(u.UserPolicyList))
	}
	for _, r := range d.RoleDetailList {
		if strings.HasPrefix(aws(r.Path), "/aws-service-role/") || strings.HasPrefix(aws(r.Path), "/aws-reserved/") {
			continue // AWS owns service-linked and reserved roles
		}
		judge(aws(r.Arn), "role "+aws(r.RoleName), len(r.RolePolicyList))
	}
	for _, g := range d.GroupDetailList {
		judge(aws(g.Arn), "group "+aws(g.GroupName), len(g.GroupPolicyList))
	}
	if n == 0 {
		c.NA("", "the account has no IAM users, roles or groups")
	}
	return nil
}
