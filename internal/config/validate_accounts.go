package config

import (
	"strings"
)

func validateAccounts(c *Config, r *reporter) {
	names := map[string]Pos{}
	emails := map[string]Pos{}
	ids := map[string]Pos{}
	standalone := c.Organization.Standalone()
	for _, a := range c.Accounts {
		if a.Name != "" {
			if len(a.Name) > 50 || !printable.MatchString(a.Name) {
				r.add(a.Pos.Of("name"), CodeAccountBadName, "an account name is 1-50 printable characters", "account name %q is not valid", a.Name)
			}
			if first, dup := names[a.Name]; dup {
				r.add(a.Pos.Of("name"), CodeDuplicateName, "first declared at "+first.String(), "account name %q is used twice", a.Name)
			} else {
				names[a.Name] = a.Pos.Of("name")
			}
		}
		validateAccountEmail(a, r, emails, standalone)
		validateAccountID(a, r, ids, standalone)
		validateAccountOU(c, a, r, standalone)
		checkTags(r, a.Tags, a.Pos, "tags")
	}
}

func validateAccountEmail(a Account, r *reporter, seen map[string]Pos, standalone bool) {
	if a.Email == "" {
		if !standalone {
			r.add(a.Pos.Of(""), CodeMissingField, "add email: the root user address AWS creates the account with",
				"account %q: email is required", a.Name)
		}
		return
	}
	if len(a.Email) < 6 || len(a.Email) > 64 || !emailRe.MatchString(a.Email) {
		r.add(a.Pos.Of("email"), CodeBadEmail, "write a plain address such as aws+prod@example.com (6-64 characters)",
			"account %q: %q is not a valid email address", a.Name, a.Email)
		return
	}
	key := strings.ToLower(a.Email)
	if first, dup := seen[key]; dup {
		r.add(a.Pos.Of("email"), CodeDuplicateEmail, "first used at "+first.String()+"; every account needs its own root email",
			"account %q: email %q is already used", a.Name, a.Email)
		return
	}
	seen[key] = a.Pos.Of("email")
}

func validateAccountID(a Account, r *reporter, seen map[string]Pos, standalone bool) {
	if a.ID == "" {
		if standalone {
			r.add(a.Pos.Of(""), CodeStandalone, "add id: <12-digit account id>; standalone mode cannot look accounts up",
				"account %q: standalone mode needs the account id", a.Name)
		}
		return
	}
	if !accountID.MatchString(a.ID) {
		r.add(a.Pos.Of("id"), CodeBadAccountID, "an account id is 12 digits; quote it to keep leading zeros",
			"account %q: id %q is not a 12-digit account id", a.Name, a.ID)
		return
	}
	if first, dup := seen[a.ID]; dup {
		r.add(a.Pos.Of("id"), CodeDuplicateID, "first used at "+first.String(), "account %q: id %s is already used", a.Name, a.ID)
		return
	}
	seen[a.ID] = a.Pos.Of("id")
}

func validateAccountOU(c *Config, a Account, r *reporter, standalone bool) {
	if a.OU == "" {
		if !standalone {
			r.add(a.Pos.Of(""), CodeMissingField, "add ou: <OU path> (or Root)", "account %q: ou is required", a.Name)
		}
		return
	}
	if a.OU != RootPath && c.OU(a.OU) == nil {
		r.add(a.Pos.Of("ou"), CodeUnknownOU, suggest(a.OU, c.ouPaths(), "declare it under ous:"),
			"account %q: OU %q is not declared", a.Name, a.OU)
	}
}
