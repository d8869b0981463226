package apply

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// contactTypes are the alternate contact types of Account Management.
var contactTypes = []acctypes.AlternateContactType{
	acctypes.AlternateContactTypeBilling, acctypes.AlternateContactTypeOperations, acctypes.AlternateContactTypeSecurity,
}

// contact sets one alternate contact. The management account's own
// contacts are set without AccountId: AWS refuses the management
// account naming itself.
func (a *orgs) contact(ctx context.Context, ch *plan.Change, v *plan.View) (Outcome, error) {
	id := ch.Ref.AccountID
	if acct := v.Account(ch.Ref.Account); acct != nil {
		id = acct.Id
	}
	if id == "" {
		return Outcome{}, fmt.Errorf("account %s not found", ch.Ref.Account)
	}
	c := ch.After.Contact
	in := &account.PutAlternateContactInput{AlternateContactType: acctypes.AlternateContactType(ch.Ref.ContactType),
		Name: aws.String(c.Name), Title: aws.String(c.Title), EmailAddress: aws.String(c.Email), PhoneNumber: aws.String(c.Phone)}
	if id != v.Org.MasterAccountId {
		in.AccountId = aws.String(id)
	}
	out, err := a.acct.PutAlternateContact(ctx, in)
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{ID: id, RequestID: requestID(out.ResultMetadata)}, nil
}

// ReadContacts fills the alternate contacts of the accounts of o whose
// ids are listed (all accounts when ids is nil) through Account
// Management, from the management account's credentials. Member
// accounts are read only once trusted access for account.amazonaws.com
// is enabled (AWS refuses it before): until then they show none, and a
// plan sets every configured contact. An account whose contacts cannot
// be read otherwise is an error: planning without them would propose
// changes that are not needed.
func ReadContacts(ctx context.Context, cfg aws.Config, o *org.Organization, ids []string) error {
	c := account.NewFromConfig(cfg)
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	members := o.ServiceAccessEnabled(plan.AccountService)
	for i := range o.Accounts {
		a := &o.Accounts[i]
		if ids != nil && !want[a.Id] {
			continue
		}
		if (a.Status != "" && a.Status != org.StatusActive) || (!members && a.Id != o.MasterAccountId) {
			continue
		}
		a.AlternateContacts = nil
		for _, t := range contactTypes {
			in := &account.GetAlternateContactInput{AlternateContactType: t}
			if a.Id != o.MasterAccountId {
				in.AccountId = aws.String(a.Id)
			}
			out, err := c.GetAlternateContact(ctx, in)
			if errorCode(err) == "ResourceNotFoundException" {
				continue
			}
			if err != nil {
				return fmt.Errorf("alternate contacts of %s: %w", a.Id, err)
			}
			ac := out.AlternateContact
			a.AlternateContacts = append(a.AlternateContacts, org.AlternateContact{AlternateContactType: string(t),
				Name: aws.ToString(ac.Name), Title: aws.ToString(ac.Title), EmailAddress: aws.ToString(ac.EmailAddress), PhoneNumber: aws.ToString(ac.PhoneNumber)})
		}
	}
	return nil
}

// SnapshotContacts fills the alternate contacts of o's accounts from a
// snapshot's account service (GetAlternateContact per type). Accounts
// whose account service was not collected keep none.
func SnapshotContacts(s *snapshot.Snapshot, o *org.Organization) {
	for i := range o.Accounts {
		a := &o.Accounts[i]
		f, err := s.Service(a.Id, snapshot.Global, "account")
		if err != nil || f == nil {
			continue
		}
		for _, t := range contactTypes {
			var out account.GetAlternateContactOutput
			if ok, err := f.GetResource("GetAlternateContact", string(t), &out); !ok || err != nil || out.AlternateContact == nil {
				continue
			}
			ac := out.AlternateContact
			a.AlternateContacts = append(a.AlternateContacts, org.AlternateContact{AlternateContactType: string(t),
				Name: aws.ToString(ac.Name), Title: aws.ToString(ac.Title), EmailAddress: aws.ToString(ac.EmailAddress), PhoneNumber: aws.ToString(ac.PhoneNumber)})
		}
	}
}

// readContactsFor reads the alternate contacts of the existing accounts
// the plan sets contacts of, so that the stale check sees them.
func readContactsFor(ctx context.Context, awsCfg aws.Config, p *plan.Plan, cfg *config.Config, cur *org.Organization) error {
	var ids []string
	var v *plan.View
	for _, ch := range p.Changes {
		if ch.Kind != plan.KindContact {
			continue
		}
		if v == nil {
			if err := cur.Index(); err != nil {
				return err
			}
			v = plan.NewView(cur, cfg)
		}
		if a := v.Account(ch.Ref.Account); a != nil && !slices.Contains(ids, a.Id) {
			ids = append(ids, a.Id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return ReadContacts(ctx, awsCfg, cur, ids)
}
