package config

import (
	"fmt"
	"regexp"
	"strings"
)

// servicePrincipalRe is the shape of an AWS service principal.
var servicePrincipalRe = regexp.MustCompile(`^[a-z0-9.-]+\.amazonaws\.com$`)

// actionRe is the shape of an IAM action: service:Name (wildcards allowed).
var actionRe = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9*?]+$`)

// validateLandingZone checks the keys plan and apply act on: OU
// ownership, trusted access, delegated administrators and guardrail
// expectations.
func validateLandingZone(c *Config, r *reporter) {
	for _, o := range c.OUs {
		if o.Manage != "" && o.Manage != ManageExclusive {
			r.add(o.Pos.Of("manage"), CodeBadManage, "write manage: exclusive, or leave it out",
				"OU %q: manage %q is unknown", o.Path, o.Manage)
		}
	}
	org := &c.Organization
	for i, s := range org.TrustedAccess {
		if !servicePrincipalRe.MatchString(s) {
			r.add(org.Pos.Of(fmt.Sprintf("trustedAccess[%d]", i)), CodeBadPrincipal, "write the service principal, e.g. guardduty.amazonaws.com",
				"organization.trustedAccess: %q is not a service principal", s)
		}
	}
	for i, d := range org.DelegatedAdministrators {
		if d.Service != "" && !servicePrincipalRe.MatchString(d.Service) {
			r.add(d.Pos.Of("service"), CodeBadPrincipal, "write the service principal, e.g. guardduty.amazonaws.com",
				"organization.delegatedAdministrators[%d].service %q is not a service principal", i, d.Service)
		}
		checkAccountRef(c, r, d.Account, d.Pos.Of("account"), fmt.Sprintf("organization.delegatedAdministrators[%d].account", i), false)
	}
	for i, e := range c.Guardrails.Expectations {
		where := fmt.Sprintf("guardrails.expectations[%d]", i)
		if e.Action != "" && !actionRe.MatchString(e.Action) {
			r.add(e.Pos.Of("action"), CodeBadExpectation, "write service:Action, e.g. s3:GetObject",
				"%s: action %q is not service:Action", where, e.Action)
		}
		if e.Expect != "" && e.Expect != "allow" && e.Expect != "deny" {
			r.add(e.Pos.Of("expect"), CodeBadExpectation, "write allow or deny", "%s: expect %q is neither allow nor deny", where, e.Expect)
		}
		if e.Principal != "" && !strings.HasPrefix(e.Principal, "arn:") {
			checkAccountRef(c, r, e.Principal, e.Pos.Of("principal"), where+".principal", true)
		}
	}
}
