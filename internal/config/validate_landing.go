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
	if org.Manage != "" && org.Manage != ManageExclusive {
		r.add(org.Pos.Of("manage"), CodeBadManage, "write manage: exclusive, or leave it out",
			"organization: manage %q is unknown", org.Manage)
	}
	validateRenames(c, r)
	for _, a := range c.Accounts {
		validateContacts(r, a)
	}
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

// validateRenames checks ous[].renamedFrom: a well-formed path that is
// not declared itself. Under another parent it is a move, which plan
// makes as a new OU and the deletion of the old one.
func validateRenames(c *Config, r *reporter) {
	for _, o := range c.OUs {
		if o.RenamedFrom == "" || o.Path == "" || badOUPath(o.Path) != "" {
			continue
		}
		p := o.Pos.Of("renamedFrom")
		if msg := badOUPath(o.RenamedFrom); msg != "" {
			r.add(p, CodeBadRename, "write the OU's current path, e.g. Workloads/Dev", "OU %q: renamedFrom %q %s", o.Path, o.RenamedFrom, msg)
			continue
		}
		if o.RenamedFrom != o.Path && c.OU(o.RenamedFrom) != nil {
			r.add(p, CodeBadRename, "an OU cannot be both renamed and kept; remove one of them",
				"OU %q: renamedFrom %q is declared as an OU too", o.Path, o.RenamedFrom)
			continue
		}
	}
}

// validateContacts checks an account's alternate contacts against the
// limits of the Account Management API's PutAlternateContact.
func validateContacts(r *reporter, a Account) {
	for t, ct := range a.AlternateContacts.ByType() {
		where := fmt.Sprintf("account %q: %s contact", a.Name, strings.ToLower(t))
		for _, f := range []struct {
			key, val string
			max      int
		}{{"name", ct.Name, 64}, {"title", ct.Title, 50}, {"email", ct.Email, 254}, {"phone", ct.Phone, 25}} {
			switch {
			case strings.TrimSpace(f.val) == "":
				r.add(ct.Pos.Of(f.key), CodeBadContact, "AWS requires name, title, email and phone", "%s: %s is empty", where, f.key)
			case len(f.val) > f.max:
				r.add(ct.Pos.Of(f.key), CodeBadContact, fmt.Sprintf("at most %d characters", f.max), "%s: %s is too long", where, f.key)
			}
		}
		if ct.Phone != "" && !phoneRe.MatchString(ct.Phone) {
			r.add(ct.Pos.Of("phone"), CodeBadContact, "digits, spaces, +, -, ( and ) only, e.g. +81-3-1234-5678", "%s: phone %q", where, ct.Phone)
		}
		if ct.Email != "" && !strings.Contains(ct.Email, "@") {
			r.add(ct.Pos.Of("email"), CodeBadContact, "write an email address", "%s: email %q has no @", where, ct.Email)
		}
	}
}

// phoneRe is PutAlternateContact's PhoneNumber pattern.
var phoneRe = regexp.MustCompile(`^[\s0-9()+-]+$`)
