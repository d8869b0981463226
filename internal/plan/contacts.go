package plan

import (
	"sort"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// AccountService is the service principal of AWS Account Management:
// the management account names a member's AccountId in
// PutAlternateContact only once it has trusted access.
const AccountService = "account.amazonaws.com"

// contacts sets the alternate contacts the configuration gives. Contact
// types it leaves out are left alone.
func (b *builder) contacts() {
	for _, c := range b.cfg.Accounts {
		want := c.AlternateContacts.ByType()
		if c.Name == "" || len(want) == 0 || b.cfg.Organization.Standalone() {
			continue
		}
		types := make([]string, 0, len(want))
		for t := range want {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, t := range types {
			w := want[t]
			ch := Change{Key: keyContact(c.Name, t), Kind: KindContact, Action: Update, Address: "alternate contact " + t + " of account " + c.Name,
				Ref:   Ref{Account: c.Name, ContactType: t},
				After: &Attrs{Contact: &Contact{Name: w.Name, Title: w.Title, Email: w.Email, Phone: w.Phone}}}
			ch.Result = contactState(ch.After.Contact)
			if a := b.v.Account(c.Name); a != nil {
				ch.Ref.AccountID = a.Id
				if cur := a.Contact(t); cur != nil {
					ch.Before = &Attrs{Contact: fromOrg(cur)}
				}
			}
			obs := Observe(&ch, b.v)
			if obs == ch.Result {
				continue
			}
			if ch.Before == nil {
				ch.Action = Create
			}
			deps := []string{keyAccount(c.Name)}
			if !b.isManagement(c.Name) {
				deps = append(deps, keyTrusted(AccountService))
			}
			ch.DependsOn = b.dep(deps...)
			b.add(ch)
		}
	}
}

// needsAccountService reports whether a member account (not the
// management account) declares alternate contacts.
func (b *builder) needsAccountService() bool {
	for _, c := range b.cfg.Accounts {
		if !c.AlternateContacts.IsZero() && !b.isManagement(c.Name) {
			return true
		}
	}
	return false
}

// isManagement reports whether a configured account name is the
// organization's management account.
func (b *builder) isManagement(name string) bool {
	if m := b.cfg.Account(b.cfg.Organization.ManagementAccount); m != nil && m.Name == name {
		return true
	}
	a := b.v.Account(name)
	return a != nil && a.Id == b.cur.MasterAccountId
}

func observeContact(ch *Change, v *View) string {
	a := v.Account(ch.Ref.Account)
	if a == nil && ch.Ref.AccountID != "" {
		a = v.Org.Account(ch.Ref.AccountID)
	}
	if a == nil {
		return StateAbsent
	}
	c := a.Contact(ch.Ref.ContactType)
	if c == nil {
		return StateAbsent
	}
	return contactState(fromOrg(c))
}

func fromOrg(c *org.AlternateContact) *Contact {
	return &Contact{Name: c.Name, Title: c.Title, Email: c.EmailAddress, Phone: c.PhoneNumber}
}

// contactState digests a contact's four fields.
func contactState(c *Contact) string {
	return "contact:" + digest(c.Name+"\x00"+c.Title+"\x00"+c.Email+"\x00"+c.Phone)
}

// contactEffect records a contact set in o.
func contactEffect(o *org.Organization, v *View, ch *Change) error {
	a := v.Account(ch.Ref.Account)
	if a == nil && ch.Ref.AccountID != "" {
		a = o.Account(ch.Ref.AccountID)
	}
	if a == nil {
		return errNotFound(ch)
	}
	c := ch.After.Contact
	nc := org.AlternateContact{AlternateContactType: ch.Ref.ContactType, Name: c.Name, Title: c.Title, EmailAddress: c.Email, PhoneNumber: c.Phone}
	if cur := a.Contact(ch.Ref.ContactType); cur != nil {
		*cur = nc
		return nil
	}
	a.AlternateContacts = append(a.AlternateContacts, nc)
	return nil
}

// ManagesContacts reports whether a configuration declares alternate
// contacts, so that the organization must be read with them.
func ManagesContacts(c *config.Config) bool {
	for _, a := range c.Accounts {
		if !a.AlternateContacts.IsZero() {
			return true
		}
	}
	return false
}
