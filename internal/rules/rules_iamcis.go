package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// IAM controls of Security Hub (IAM.8, IAM.10, IAM.18, IAM.20) and CIS
// AWS Foundations v3.0.0 items of section 1 judged from data the IAM and
// EC2 collectors already keep (credential report, authorization
// details, instances).
func init() {
	iamReads := func(ops ...string) []string {
		out := make([]string, len(ops))
		for i, o := range ops {
			out[i] = "iam:" + o
		}
		return out
	}
	register(
		&Rule{ID: "iam.unused-credentials-90", Title: "IAM user credentials unused for 90 days are removed", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam"}, Reads: iamReads("GetCredentialReport"),
			Rationale:   "A password or key nobody has used for three months is a standing way in that nobody would miss.",
			Remediation: "Remove the console password or deactivate and delete the access keys not used for 90 days.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_USER_UNUSED_CREDENTIALS_CHECK", SecurityHub: "IAM.8", NistCsf: "PR.AA"},
			check:       func(c *Ctx) error { return unusedCredentials(c, 90) }},
		&Rule{ID: "iam.password-policy-pci", Title: "The IAM password policy meets Security Hub's IAM.10 settings", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"}, Reads: iamReads("GetAccountPasswordPolicy"),
			Fix:         "iam-password-policy",
			Rationale:   "IAM.10 asks for the password settings of PCI DSS: mixed case and numbers, 7 characters or more, no reuse of the last 4 passwords, expiry within 90 days.",
			Remediation: "Set the account password policy to require upper and lower case letters and numbers, MinimumPasswordLength 7 or more, PasswordReusePrevention 4 or more and MaxPasswordAge 90 or fewer days.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_PASSWORD_POLICY", SecurityHub: "IAM.10", NistCsf: "PR.AA"},
			check:       checkPasswordPCI},
		&Rule{ID: "iam.support-role", Title: "AWSSupportAccess is attached, so someone can manage incidents with AWS Support", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"}, Reads: iamReads("GetAccountAuthorizationDetails"),
			Rationale:   "During an incident, opening and following AWS Support cases must not wait for someone to be granted the permission.",
			Remediation: "Create a role for the incident responders and attach the AWS managed policy AWSSupportAccess to it (aws iam attach-role-policy).",
			Mappings:    findings.Mappings{ConfigRule: "IAM_POLICY_IN_USE", SecurityHub: "IAM.18", CIS: "1.17", NistCsf: "RS.MA"},
			check:       checkSupportRole},
		&Rule{ID: "iam.root-user-unused", Title: "The root user was not used in the 24 hours before collection", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"}, Reads: iamReads("GetCredentialReport"),
			Rationale:   "The root user cannot be limited by IAM policies; using it for daily work exposes the most powerful credentials the account has.",
			Remediation: "Do the task with an IAM role or Identity Center permission set instead; keep the root user for the few tasks only it can do, and find out who signed in as root.",
			Mappings:    findings.Mappings{SecurityHub: "IAM.20", CIS: "1.7", NistCsf: "PR.AA"},
			check:       checkRootUnused},
		&Rule{ID: "iam.no-initial-access-key", Title: "IAM users with a console password have no access key they never used", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam"}, Reads: iamReads("GetCredentialReport"),
			Rationale:   "Access keys created with a console user by default are usually never needed; unused, they are only something that can leak.",
			Remediation: "Delete the access keys the user has never used; create keys only when the user needs programmatic access.",
			Mappings:    findings.Mappings{CIS: "1.11", NistCsf: "PR.AA"},
			check:       checkInitialAccessKey},
		&Rule{ID: "ec2.instance-profile-attached", Title: "EC2 instances have an IAM instance profile", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::Instance", Services: []string{"ec2"}, Reads: []string{"ec2:DescribeInstances"},
			Rationale:   "Without an instance role, software on the instance needs long-lived access keys stored on disk; a role gives it short-lived, rotated credentials.",
			Remediation: "Attach an instance profile whose role has the permissions the workload needs (aws ec2 associate-iam-instance-profile), then remove stored keys.",
			Mappings:    findings.Mappings{ConfigRule: "EC2_INSTANCE_PROFILE_ATTACHED", CIS: "1.18", NistCsf: "PR.AA"},
			check:       checkInstanceProfile},
	)
}

// checkPasswordPCI is IAM.10 with its documented parameters.
func checkPasswordPCI(c *Ctx) error {
	p, err := passwordPolicyOrFail(c)
	if err != nil || p == nil {
		return err
	}
	var weak []string
	if !p.RequireUppercaseCharacters {
		weak = append(weak, "no upper case required")
	}
	if !p.RequireLowercaseCharacters {
		weak = append(weak, "no lower case required")
	}
	if !p.RequireNumbers {
		weak = append(weak, "no numbers required")
	}
	if p.MinimumPasswordLength == nil || *p.MinimumPasswordLength < 7 {
		weak = append(weak, "minimum length below 7")
	}
	if p.PasswordReusePrevention == nil || *p.PasswordReusePrevention < 4 {
		weak = append(weak, "fewer than 4 passwords remembered")
	}
	if p.MaxPasswordAge == nil || *p.MaxPasswordAge <= 0 || *p.MaxPasswordAge > 90 {
		weak = append(weak, "passwords do not expire within 90 days")
	}
	c.Check(len(weak) == 0, "", "the password policy meets IAM.10", "the password policy does not meet IAM.10: "+strings.Join(weak, ", "))
	return nil
}

const supportPolicy = "AWSSupportAccess"

// policyNames returns the names of attached managed policies.
func policyNames(ps []iamtypes.AttachedPolicy) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = aws(p.PolicyName)
	}
	return out
}

// checkSupportRole is IAM_POLICY_IN_USE for AWSSupportAccess with
// policyUsageType ANY: the policy is attached to a user, to a group that
// has users, or to a role.
func checkSupportRole(c *Ctx) error {
	d, err := authDetails(c)
	if err != nil {
		return err
	}
	attached := func(ps []string) bool { return contains(ps, supportPolicy) }
	members := map[string]int{}
	for _, u := range d.UserDetailList {
		for _, g := range u.GroupList {
			members[g]++
		}
	}
	var holders []string
	for _, r := range d.RoleDetailList {
		if attached(policyNames(r.AttachedManagedPolicies)) {
			holders = append(holders, "role "+aws(r.RoleName))
		}
	}
	for _, u := range d.UserDetailList {
		if attached(policyNames(u.AttachedManagedPolicies)) {
			holders = append(holders, "user "+aws(u.UserName))
		}
	}
	for _, g := range d.GroupDetailList {
		if attached(policyNames(g.AttachedManagedPolicies)) && members[aws(g.GroupName)] > 0 {
			holders = append(holders, "group "+aws(g.GroupName))
		}
	}
	c.Check(len(holders) > 0, "", supportPolicy+" is attached to "+strings.Join(holders, ", "),
		supportPolicy+" is attached to no role, user or group with members")
	return nil
}

// rootUseWindow is how recent a use of the root user fails CIS 1.7.
const rootUseWindow = 24 * time.Hour

func checkRootUnused(c *Ctx) error {
	users, err := credentialReport(c.v)
	if err != nil {
		return err
	}
	for i := range users {
		u := &users[i]
		if !u.root() {
			continue
		}
		var used []string
		recent := func(what string, t time.Time) {
			if !t.IsZero() && c.Now().Sub(t) < rootUseWindow {
				used = append(used, fmt.Sprintf("%s at %s", what, t.UTC().Format(time.RFC3339)))
			}
		}
		recent("password used", u.PasswordLastUsed)
		recent("access key 1 used", u.Keys[0].LastUsed)
		recent("access key 2 used", u.Keys[1].LastUsed)
		c.Check(len(used) == 0, rootArn(c), "the root user was not used in the 24 hours before collection",
			"the root user was used in the 24 hours before collection: "+strings.Join(used, ", "))
		return nil
	}
	return fmt.Errorf("credential report has no root user row")
}

func checkInitialAccessKey(c *Ctx) error {
	return eachUser(c, func(u *credUser) {
		if !u.PasswordEnabled {
			c.NA(u.Arn, "user %s has no console password", u.User)
			return
		}
		var unused []string
		active := false
		for k, key := range u.Keys {
			if !key.Active {
				continue
			}
			active = true
			if key.LastUsed.IsZero() {
				unused = append(unused, fmt.Sprintf("access key %d", k+1))
			}
		}
		switch {
		case !active:
			c.NA(u.Arn, "user %s has no active access key", u.User)
		case len(unused) > 0:
			c.Fail(u.Arn, "user %s has a console password and never used its active %s", u.User, strings.Join(unused, ", "))
		default:
			c.Pass(u.Arn, "user %s uses its active access keys", u.User)
		}
	})
}

func checkInstanceProfile(c *Ctx) error {
	out, err := get[ec2.DescribeInstancesOutput](c.v, c.Region, "ec2", "DescribeInstances")
	if err != nil {
		return err
	}
	n := 0
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			if in.State != nil && (in.State.Name == "terminated" || in.State.Name == "shutting-down") {
				continue
			}
			n++
			id := aws(in.InstanceId)
			arn := c.arn("ec2", c.Region, c.Account.Id, "instance/"+id)
			if in.IamInstanceProfile != nil && aws(in.IamInstanceProfile.Arn) != "" {
				c.Pass(arn, "instance %s has instance profile %s", id, lastSegment(aws(in.IamInstanceProfile.Arn)))
				continue
			}
			c.Fail(arn, "instance %s has no IAM instance profile", id)
		}
	}
	if n == 0 {
		c.NA("", "no EC2 instances in %s", c.Region)
	}
	return nil
}
