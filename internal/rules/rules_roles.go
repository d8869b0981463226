package rules

import (
	"fmt"
	"strings"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// ExpectedRole is a cross-account role the configuration makes in every
// targeted member account (the baseline's audit read-only and
// break-glass roles, identity.roles): trusted only by the Audit
// account, with MFA where the configuration asks for it.
type ExpectedRole struct {
	Name string
	MFA  bool
}

func init() {
	register(
		&Rule{ID: "lz.cross-account-role-trust", Title: "The baseline's cross-account roles exist and trust only the Audit account", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::Role", Services: []string{"iam"},
			Rationale:   "The audit read-only and break-glass roles are how the security team reaches every account; a missing role breaks the audit path, and a trust that names another account (or anyone) hands that access out.",
			Remediation: "Run orgrail apply (organizations mode: the account baseline StackSet recreates the roles) or orgrail baseline roles (standalone mode); remove principals other than the Audit account from the trust policy.",
			Mappings:    findings.Mappings{NistCsf: "PR.AA"},
			check:       checkCrossAccountRoles},
	)
}

func checkCrossAccountRoles(c *Ctx) error {
	want := c.run.std.CrossAccountRoles
	switch {
	case len(want) == 0:
		c.NA("", "the configuration declares no baseline or identity.roles")
		return nil
	case c.Account.Id == c.run.org.MasterAccountId:
		c.NA("", "the management account is outside the baseline StackSet")
		return nil
	case c.run.facts.audit == "":
		return fmt.Errorf("no Audit account: set security.auditAccount in the configuration")
	case c.Account.Id == c.run.facts.audit:
		c.NA("", "the Audit account is the trusted account")
		return nil
	}
	targets := c.run.std.CrossAccountRoleOUs
	if len(targets) == 0 {
		targets = []string{"Root"}
	}
	if path := c.run.ouPath[c.Account.Id]; !inOUs(path, targets) {
		c.NA("", "the account's OU %q is outside the baseline's targets", path)
		return nil
	}
	d, err := authDetails(c)
	if err != nil {
		return err
	}
	trusts := map[string]string{}
	for _, r := range d.RoleDetailList {
		trusts[aws(r.RoleName)] = aws(r.AssumeRolePolicyDocument)
	}
	audit := c.run.facts.audit
	for _, w := range want {
		arn := fmt.Sprintf("arn:%s:iam::%s:role/%s", c.Partition(), c.Account.Id, w.Name)
		doc, ok := trusts[w.Name]
		if !ok {
			c.Fail(arn, "role %s is missing", w.Name)
			continue
		}
		if bad, mfa, err := judgeTrust(doc, audit); err != nil {
			c.Fail(arn, "role %s: trust policy unreadable: %v", w.Name, err)
		} else if len(bad) > 0 {
			c.Fail(arn, "role %s is trusted by %s, not only by the Audit account %s", w.Name, strings.Join(bad, ", "), audit)
		} else if w.MFA && !mfa {
			c.Fail(arn, "role %s is assumable from the Audit account without MFA", w.Name)
		} else {
			c.Pass(arn, "role %s is trusted only by the Audit account %s", w.Name, audit)
		}
	}
	return nil
}

// judgeTrust reads a trust policy and returns the principals of its
// Allow statements that are not the audit account (or a role or user
// in it), and whether every allowing statement requires MFA
// (aws:MultiFactorAuthPresent true or a aws:MultiFactorAuthAge bound).
func judgeTrust(doc, audit string) (bad []string, mfa bool, err error) {
	sts, err := parsePolicy(doc)
	if err != nil {
		return nil, false, err
	}
	mfa = true
	allowing := 0
	for _, s := range sts {
		if !s.allows() {
			continue
		}
		allowing++
		if s.Principal.Wildcard || len(s.NotPrincipal.Values) > 0 || s.NotPrincipal.Wildcard {
			bad = append(bad, "*")
		}
		for kind, vs := range s.Principal.Values {
			for _, v := range vs {
				if kind != "AWS" || !inAccount(v, audit) {
					bad = append(bad, v)
				}
			}
		}
		if !requiresMFA(s) {
			mfa = false
		}
	}
	if allowing == 0 {
		mfa = false
	}
	return bad, mfa, nil
}

// inAccount reports whether an AWS principal (account id, account root,
// or an IAM role or user ARN) belongs to the account.
func inAccount(p, account string) bool {
	if p == account {
		return true
	}
	parts := strings.SplitN(p, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[4] == account
}

func requiresMFA(s statement) bool {
	for op, kv := range s.Condition {
		for k, vs := range kv {
			switch {
			case strings.EqualFold(k, "aws:MultiFactorAuthPresent") && strings.HasPrefix(strings.ToLower(op), "bool"):
				for _, v := range vs {
					if strings.EqualFold(v, "true") {
						return true
					}
				}
			case strings.EqualFold(k, "aws:MultiFactorAuthAge") && strings.HasPrefix(strings.ToLower(op), "numericless"):
				return true
			}
		}
	}
	return false
}
