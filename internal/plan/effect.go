package plan

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// Effect changes o as the change does in AWS, including what AWS does on
// its own (FullAWSAccess attached to new OUs and accounts and, when SCPs
// are enabled, everywhere). id is the id AWS gave a created object. v
// must be a view of o; afterwards o must be indexed again.
func Effect(o *org.Organization, v *View, ch *Change, id string) error {
	r := ch.Ref
	if IsIdentity(ch.Kind) {
		return effectIdentity(v, ch, id)
	}
	switch ch.Kind {
	case KindPolicyType:
		if ch.Action == Disable {
			disablePolicyType(o, r.PolicyType)
			return nil
		}
		enablePolicyType(o, r.PolicyType)
	case KindTrustedAccess:
		o.EnabledServicePrincipals = append(o.EnabledServicePrincipals, org.ServicePrincipal{ServicePrincipal: r.Service, DateEnabled: time.Now().UTC()})
	case KindOU:
		return ouEffect(o, v, ch, id)
	case KindAccount:
		return accountEffect(o, v, ch, id)
	case KindPolicy:
		return policyEffect(o, v, ch, id)
	case KindAttachment:
		p := v.Policy(r.PolicyType, r.Policy)
		t := v.TargetID(r.Target)
		if p == nil || t == "" {
			return fmt.Errorf("%s: policy or target not found", ch.Address)
		}
		p.Targets = removeString(p.Targets, t)
		if ch.Action == Attach {
			p.Targets = append(p.Targets, t)
		}
	case KindDelegatedAdm:
		delegationEffect(o, v, ch)
	case KindContact:
		return contactEffect(o, v, ch)
	}
	return nil
}

func errNotFound(ch *Change) error { return fmt.Errorf("%s: not found", ch.Address) }

// disablePolicyType marks a type disabled on the root and, as AWS does,
// detaches every policy of the type from every target.
func disablePolicyType(o *org.Organization, typ string) {
	for i := range o.Roots {
		kept := o.Roots[i].PolicyTypes[:0]
		for _, t := range o.Roots[i].PolicyTypes {
			if t.Type != typ {
				kept = append(kept, t)
			}
		}
		o.Roots[i].PolicyTypes = kept
	}
	for i := range o.Policies {
		if o.Policies[i].Type == typ {
			o.Policies[i].Targets = []string{}
		}
	}
}

// enablePolicyType marks a type enabled on the root and, for SCPs and
// RCPs, attaches the AWS managed full-access policy everywhere.
func enablePolicyType(o *org.Organization, typ string) {
	for i := range o.Roots {
		o.Roots[i].PolicyTypes = append(o.Roots[i].PolicyTypes, org.PolicyTypeSummary{Type: typ, Status: "ENABLED"})
	}
	p := fullAccess(o, typ)
	if p == nil {
		return
	}
	p.Targets = nil
	for _, r := range o.Roots {
		p.Targets = append(p.Targets, r.Id)
	}
	for _, u := range o.OrganizationalUnits {
		p.Targets = append(p.Targets, u.Id)
	}
	for _, a := range o.Accounts {
		p.Targets = append(p.Targets, a.Id)
	}
}

// fullAccess returns the AWS managed full-access policy of an SCP or RCP
// type, adding it to o when missing; nil for other types.
func fullAccess(o *org.Organization, typ string) *org.Policy {
	var id, name, doc string
	switch typ {
	case org.SCP:
		id, name, doc = org.FullAWSAccessPolicyID, "FullAWSAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	case org.RCP:
		id, name, doc = org.FullAWSAccessRCPPolicy, "RCPFullAWSAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	default:
		return nil
	}
	for i := range o.Policies {
		if o.Policies[i].AwsManaged && o.Policies[i].Type == typ {
			return &o.Policies[i]
		}
	}
	o.Policies = append(o.Policies, org.Policy{Id: id, Name: name, Type: typ, AwsManaged: true, Content: doc})
	return &o.Policies[len(o.Policies)-1]
}

// autoAttach attaches the full-access policies of the enabled SCP and
// RCP types to a new OU or account, as AWS does.
func autoAttach(o *org.Organization, id string) {
	for _, t := range o.Roots[0].PolicyTypes {
		if t.Status != "ENABLED" {
			continue
		}
		for i := range o.Policies {
			p := &o.Policies[i]
			if p.AwsManaged && p.Type == t.Type && (p.Type == org.SCP || p.Type == org.RCP) {
				p.Targets = append(p.Targets, id)
			}
		}
	}
}

func ouEffect(o *org.Organization, v *View, ch *Change, id string) error {
	switch ch.Action {
	case Create:
		parent := v.TargetID(config.ParentPath(ch.Ref.OU))
		if parent == "" {
			return fmt.Errorf("%s: parent not found", ch.Address)
		}
		o.OrganizationalUnits = append(o.OrganizationalUnits, org.OU{Id: id, Name: ch.After.Name, ParentId: parent, Tags: copyTags(ch.After.Tags)})
		autoAttach(o, id)
	case Tag:
		u := v.OU(ch.Ref.OU)
		if u == nil {
			return fmt.Errorf("%s: not found", ch.Address)
		}
		u.Tags = copyTags(ch.After.Tags)
	case Rename:
		u := o.OU(ch.Ref.ID)
		if u == nil {
			return errNotFound(ch)
		}
		u.Name = ch.After.Name
	case Delete:
		u := v.OU(ch.Ref.OU)
		if u == nil {
			return nil
		}
		gone := u.Id
		kept := o.OrganizationalUnits[:0]
		for _, x := range o.OrganizationalUnits {
			if x.Id != gone {
				kept = append(kept, x)
			}
		}
		o.OrganizationalUnits = kept
		for i := range o.Policies {
			o.Policies[i].Targets = removeString(o.Policies[i].Targets, gone)
		}
	}
	return nil
}

func accountEffect(o *org.Organization, v *View, ch *Change, id string) error {
	if ch.Action == Create {
		o.Accounts = append(o.Accounts, org.Account{Id: id, Name: ch.After.Name, Email: ch.After.Email, Status: org.StatusActive,
			JoinedMethod: "CREATED", ParentId: v.RootID, Tags: copyTags(ch.After.Tags)})
		autoAttach(o, id)
		return nil
	}
	if ch.Action == Invite {
		return nil // the account joins when it accepts
	}
	a := v.Account(ch.Ref.Account)
	if a == nil {
		a = o.Account(ch.Ref.AccountID)
	}
	if a == nil {
		return fmt.Errorf("%s: not found", ch.Address)
	}
	switch ch.Action {
	case Move:
		dst := v.TargetID(ch.Ref.OU)
		if dst == "" {
			return fmt.Errorf("%s: destination %s not found", ch.Address, ch.Ref.OU)
		}
		a.ParentId = dst
	case Tag:
		a.Tags = copyTags(ch.After.Tags)
	case Close:
		a.Status = org.StatusSuspended
	}
	return nil
}

func policyEffect(o *org.Organization, v *View, ch *Change, id string) error {
	if ch.Action == Create {
		o.Policies = append(o.Policies, org.Policy{Id: id, Name: ch.After.Name, Type: ch.Ref.PolicyType,
			Description: ch.After.Description, Content: ch.After.Content, Targets: []string{}})
		return nil
	}
	if ch.Action == Delete {
		kept := o.Policies[:0]
		for _, p := range o.Policies {
			if p.Id != ch.Ref.ID && !(p.Type == ch.Ref.PolicyType && p.Name == ch.Ref.Policy && !p.AwsManaged) {
				kept = append(kept, p)
			}
		}
		o.Policies = kept
		return nil
	}
	p := v.Policy(ch.Ref.PolicyType, ch.Ref.Policy)
	if p == nil {
		return fmt.Errorf("%s: not found", ch.Address)
	}
	p.Description, p.Content = ch.After.Description, ch.After.Content
	return nil
}

func delegationEffect(o *org.Organization, v *View, ch *Change) {
	acct := ch.Ref.AccountID
	if a := v.Account(ch.Ref.Account); a != nil {
		acct = a.Id
	}
	for i := range o.DelegatedAdministrators {
		d := &o.DelegatedAdministrators[i]
		if d.AccountId == acct {
			d.ServicePrincipals = removeString(d.ServicePrincipals, ch.Ref.Service)
			if ch.Action == Register {
				d.ServicePrincipals = append(d.ServicePrincipals, ch.Ref.Service)
			}
			return
		}
	}
	if ch.Action == Register {
		o.DelegatedAdministrators = append(o.DelegatedAdministrators, org.DelegatedAdministrator{AccountId: acct, ServicePrincipals: []string{ch.Ref.Service}})
	}
}

// Project returns a copy of o with every change of the plan made, ids of
// new objects invented. It is what the organization looks like after a
// successful apply, as far as orgrail can know without AWS.
func Project(o *org.Organization, cfg *config.Config, p *Plan) (*org.Organization, error) {
	cp, err := Clone(o)
	if err != nil {
		return nil, err
	}
	for i := range p.Changes {
		ch := &p.Changes[i]
		v := NewView(cp, cfg)
		if err := Effect(cp, v, ch, newID(ch, i)); err != nil {
			return nil, err
		}
		if err := cp.Index(); err != nil {
			return nil, fmt.Errorf("after %s: %w", ch.Key, err)
		}
	}
	return cp, nil
}

// newID invents the id of what the i-th change creates, in AWS's form.
func newID(ch *Change, i int) string {
	switch ch.Kind {
	case KindOU:
		return fmt.Sprintf("ou-proj-%08d", i)
	case KindPolicy:
		return fmt.Sprintf("p-proj%04d", i)
	}
	return fmt.Sprintf("9%011d", i)
}

// Clone returns an indexed deep copy of o.
func Clone(o *org.Organization) (*org.Organization, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	var cp org.Organization
	if err := json.Unmarshal(b, &cp); err != nil {
		return nil, err
	}
	return &cp, cp.Index()
}

func copyTags(t map[string]string) map[string]string {
	if t == nil {
		return nil
	}
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

func removeString(s []string, v string) []string {
	out := s[:0]
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
