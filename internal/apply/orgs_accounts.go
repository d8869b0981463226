package apply

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgrail/orgrail/internal/plan"
)

func (a *orgs) account(ctx context.Context, ch *plan.Change, v *plan.View) (Outcome, error) {
	switch ch.Action {
	case plan.Create:
		return a.createAccount(ctx, ch)
	case plan.Invite:
		out, err := a.c.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
			Target: &ot.HandshakeParty{Id: aws.String(ch.Ref.AccountID), Type: ot.HandshakePartyTypeAccount}})
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{ID: aws.ToString(out.Handshake.Id), RequestID: requestID(out.ResultMetadata)}, nil
	}
	acct := v.Account(ch.Ref.Account)
	if acct == nil {
		acct = v.Org.Account(ch.Ref.AccountID)
	}
	if acct == nil {
		return Outcome{}, fmt.Errorf("account %s not found", ch.Ref.Account)
	}
	switch ch.Action {
	case plan.Move:
		dst := v.TargetID(ch.Ref.OU)
		if dst == "" {
			return Outcome{}, fmt.Errorf("destination %s not found", ch.Ref.OU)
		}
		out, err := a.c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(acct.Id),
			SourceParentId: aws.String(acct.ParentId), DestinationParentId: aws.String(dst)})
		if errorCode(err) == "DuplicateAccountException" {
			return Outcome{}, nil // already in the destination
		}
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
	case plan.Tag:
		return a.retag(ctx, acct.Id, acct.Tags, ch.After.Tags)
	case plan.Close:
		out, err := a.c.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String(acct.Id)})
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
	}
	return Outcome{}, fmt.Errorf("%s: unsupported action", ch.Key)
}

// createAccount creates an account and waits for it. A request already
// in progress for the same name (an interrupted earlier attempt) is
// waited for instead of creating a second account.
func (a *orgs) createAccount(ctx context.Context, ch *plan.Change) (Outcome, error) {
	reqID, err := a.inProgress(ctx, ch.After.Name)
	if err != nil {
		return Outcome{}, err
	}
	var rid string
	if reqID == "" {
		in := &organizations.CreateAccountInput{AccountName: aws.String(ch.After.Name), Email: aws.String(ch.After.Email)}
		if len(ch.After.Tags) > 0 {
			in.Tags = tagList(ch.After.Tags)
		}
		out, err := a.c.CreateAccount(ctx, in)
		if err != nil {
			return Outcome{}, err
		}
		reqID, rid = aws.ToString(out.CreateAccountStatus.Id), requestID(out.ResultMetadata)
		if out.CreateAccountStatus.State == ot.CreateAccountStateSucceeded {
			return Outcome{ID: aws.ToString(out.CreateAccountStatus.AccountId), RequestID: rid}, nil
		}
	}
	if pending := pendingHook(ctx); pending != nil {
		if err := pending(reqID); err != nil {
			return Outcome{}, err
		}
	}
	id, err := a.waitCreate(ctx, reqID)
	return Outcome{ID: id, RequestID: rid}, err
}

// inProgress returns the id of an IN_PROGRESS CreateAccount request for
// the account name, or "".
func (a *orgs) inProgress(ctx context.Context, name string) (string, error) {
	p := organizations.NewListCreateAccountStatusPaginator(a.c, &organizations.ListCreateAccountStatusInput{
		States: []ot.CreateAccountState{ot.CreateAccountStateInProgress}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("listing account creations in progress: %w", err)
		}
		for _, s := range page.CreateAccountStatuses {
			if aws.ToString(s.AccountName) == name {
				return aws.ToString(s.Id), nil
			}
		}
	}
	return "", nil
}

// waitCreate polls a CreateAccount request until it ends.
func (a *orgs) waitCreate(ctx context.Context, reqID string) (string, error) {
	wait := a.pollEvery
	for {
		out, err := a.c.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String(reqID)})
		if err != nil {
			return "", fmt.Errorf("waiting for account creation %s: %w", reqID, err)
		}
		st := out.CreateAccountStatus
		switch st.State {
		case ot.CreateAccountStateSucceeded:
			return aws.ToString(st.AccountId), nil
		case ot.CreateAccountStateFailed:
			return "", fmt.Errorf("account creation %s failed: %s", reqID, strings.ToLower(string(st.FailureReason)))
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, a.pollMax)
	}
}
