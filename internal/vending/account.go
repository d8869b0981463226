package vending

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgrail/orgrail/internal/config"
)

// createAccount finds the account (by email among the organization's
// accounts, else a CreateAccount request for its name in progress or
// succeeded) or creates it, then waits for it.
func (r *run) createAccount(ctx context.Context) (outcome, error) {
	if id, err := r.findAccount(ctx); err != nil || id != "" {
		return r.gotAccount(ctx, id, true, err)
	}
	if r.cfg.Organization.ControlTower.AccountFactory {
		return r.createViaControlTower(ctx)
	}
	reqID := ""
	if e := r.steps["account"]; e.detail != "" && strings.HasPrefix(e.detail, "request ") {
		reqID = strings.TrimPrefix(e.detail, "request ")
	}
	if reqID == "" {
		var err error
		if reqID, err = r.findRequest(ctx); err != nil {
			return outcome{}, err
		}
	}
	found := reqID != ""
	if reqID == "" {
		out, err := r.orgs.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(r.req.Name),
			Email: aws.String(r.req.Email), Tags: orgTags(r.tags)})
		if err != nil {
			return outcome{}, fmt.Errorf("CreateAccount: %w", err)
		}
		reqID = aws.ToString(out.CreateAccountStatus.Id)
	}
	if err := r.j.set(ctx, "account", entry{status: stepStarted, detail: "request " + reqID}); err != nil {
		return outcome{}, err
	}
	r.progress("account: waiting for CreateAccount request %s", reqID)
	id, err := r.waitCreate(ctx, reqID)
	return r.gotAccount(ctx, id, found, err)
}

func (r *run) gotAccount(ctx context.Context, id string, found bool, err error) (outcome, error) {
	if err != nil {
		return outcome{}, err
	}
	r.accountID, r.rep.AccountID = id, id
	if err := r.j.setAccount(ctx, id); err != nil {
		return outcome{}, err
	}
	return outcome{id: id, found: found}, nil
}

// findAccount returns the id of the organization's account with the
// request's email, or "".
func (r *run) findAccount(ctx context.Context) (string, error) {
	p := organizations.NewListAccountsPaginator(r.orgs, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("ListAccounts: %w", err)
		}
		for _, a := range page.Accounts {
			if strings.EqualFold(aws.ToString(a.Email), r.req.Email) {
				if n := aws.ToString(a.Name); n != r.req.Name {
					return "", &RequestError{Problems: []string{fmt.Sprintf("--email %s belongs to the account %s (%q), not %q", r.req.Email, aws.ToString(a.Id), n, r.req.Name)}}
				}
				return aws.ToString(a.Id), nil
			}
		}
	}
	return "", nil
}

// findRequest returns the id of a CreateAccount request for the
// account's name that is in progress or succeeded, or "".
func (r *run) findRequest(ctx context.Context) (string, error) {
	p := organizations.NewListCreateAccountStatusPaginator(r.orgs, &organizations.ListCreateAccountStatusInput{
		States: []ot.CreateAccountState{ot.CreateAccountStateInProgress, ot.CreateAccountStateSucceeded}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("ListCreateAccountStatus: %w", err)
		}
		for _, s := range page.CreateAccountStatuses {
			if aws.ToString(s.AccountName) != r.req.Name {
				continue
			}
			if s.State == ot.CreateAccountStateSucceeded && !r.ours(ctx, aws.ToString(s.AccountId)) {
				continue // an earlier account of the same name, with another email
			}
			return aws.ToString(s.Id), nil
		}
	}
	return "", nil
}

// ours reports whether the account has the request's email.
func (r *run) ours(ctx context.Context, id string) bool {
	out, err := r.orgs.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(id)})
	return err == nil && strings.EqualFold(aws.ToString(out.Account.Email), r.req.Email)
}

// waitCreate polls a CreateAccount request until it ends, waiting
// PollEvery at first and twice as long each time up to PollMax.
func (r *run) waitCreate(ctx context.Context, reqID string) (string, error) {
	wait := r.opts.PollEvery
	for {
		var out *organizations.DescribeCreateAccountStatusOutput
		err := r.retry(ctx, func() error {
			var err error
			out, err = r.orgs.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String(reqID)})
			return err
		})
		if err != nil {
			return "", fmt.Errorf("DescribeCreateAccountStatus %s: %w", reqID, err)
		}
		st := out.CreateAccountStatus
		switch st.State {
		case ot.CreateAccountStateSucceeded:
			return aws.ToString(st.AccountId), nil
		case ot.CreateAccountStateFailed:
			return "", fmt.Errorf("account creation %s failed: %s", reqID, st.FailureReason)
		}
		if err := r.opts.Sleep(ctx, wait); err != nil {
			return "", err
		}
		r.rep.Waits++
		wait = min(wait*2, r.opts.PollMax)
	}
}

// moveAccount moves the account from wherever it is to the OU.
func (r *run) moveAccount(ctx context.Context) (outcome, error) {
	dst, err := r.ouID(ctx, r.req.OU)
	if err != nil {
		return outcome{}, err
	}
	var src string
	err = r.retry(ctx, func() error {
		out, err := r.orgs.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(r.accountID)})
		if err == nil && len(out.Parents) > 0 {
			src = aws.ToString(out.Parents[0].Id)
		}
		return err
	})
	if err != nil {
		return outcome{}, fmt.Errorf("ListParents: %w", err)
	}
	if src == dst {
		return outcome{id: dst, detail: r.req.OU, found: true}, nil
	}
	err = r.retry(ctx, func() error {
		_, err := r.orgs.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(r.accountID),
			SourceParentId: aws.String(src), DestinationParentId: aws.String(dst)})
		if errorCode(err) == "DuplicateAccountException" {
			return nil // already there
		}
		return err
	})
	if err != nil {
		return outcome{}, fmt.Errorf("MoveAccount to %s: %w", r.req.OU, err)
	}
	return outcome{id: dst, detail: r.req.OU}, nil
}

// ouID resolves an OU path to its id, walking down from the root.
func (r *run) ouID(ctx context.Context, path string) (string, error) {
	roots, err := r.orgs.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		return "", fmt.Errorf("ListRoots: %w", err)
	}
	if len(roots.Roots) == 0 {
		return "", fmt.Errorf("the organization has no root")
	}
	id := aws.ToString(roots.Roots[0].Id)
	if path == config.RootPath {
		return id, nil
	}
	for seg := range strings.SplitSeq(path, "/") {
		next := ""
		p := organizations.NewListOrganizationalUnitsForParentPaginator(r.orgs, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(id)})
		for p.HasMorePages() && next == "" {
			page, err := p.NextPage(ctx)
			if err != nil {
				return "", fmt.Errorf("listing OUs under %s: %w", id, err)
			}
			for _, u := range page.OrganizationalUnits {
				if aws.ToString(u.Name) == seg {
					next = aws.ToString(u.Id)
				}
			}
		}
		if next == "" {
			return "", fmt.Errorf("the OU %s does not exist in the organization (orgrail apply creates the OUs of the configuration)", path)
		}
		id = next
	}
	return id, nil
}

// tagAccount gives the account the tags it lacks or has with another
// value; tags not asked for are left alone.
func (r *run) tagAccount(ctx context.Context) (outcome, error) {
	have := map[string]string{}
	p := organizations.NewListTagsForResourcePaginator(r.orgs, &organizations.ListTagsForResourceInput{ResourceId: aws.String(r.accountID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return outcome{}, fmt.Errorf("ListTagsForResource: %w", err)
		}
		for _, t := range page.Tags {
			have[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	want := map[string]string{}
	for k, v := range r.tags {
		if have[k] != v {
			want[k] = v
		}
	}
	detail := strings.Join(slices.Sorted(maps.Keys(r.tags)), ",")
	if len(want) == 0 {
		return outcome{detail: detail, found: true}, nil
	}
	err := r.retry(ctx, func() error {
		_, err := r.orgs.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(r.accountID), Tags: orgTags(want)})
		return err
	})
	if err != nil {
		return outcome{}, fmt.Errorf("TagResource: %w", err)
	}
	return outcome{detail: detail}, nil
}

func orgTags(m map[string]string) []ot.Tag {
	var out []ot.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, ot.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// putContacts sets the alternate contacts of standards.alternateContacts
// from the management account (AccountId names the member account). AWS
// refuses that until trusted access for Account Management is enabled;
// the contacts are then set from inside the new account.
func (r *run) putContacts(ctx context.Context) (outcome, error) {
	contacts := r.cfg.Standards.AlternateContacts
	if len(contacts) == 0 {
		return outcome{detail: "none configured", found: true}, nil
	}
	c, acct, how := account.NewFromConfig(r.base), aws.String(r.accountID), ""
	var types []string
	for _, ct := range contacts {
		in := &account.PutAlternateContactInput{AccountId: acct, AlternateContactType: accttypes.AlternateContactType(ct.Type),
			Name: aws.String(ct.Name), EmailAddress: aws.String(ct.Email), PhoneNumber: aws.String(ct.Phone), Title: aws.String(ct.Title)}
		err := r.retry(ctx, func() error { _, err := c.PutAlternateContact(ctx, in); return err })
		if code := errorCode(err); (code == "AccessDeniedException" || code == "AccessDenied") && in.AccountId != nil {
			mc, merr := r.memberConfig(ctx)
			if merr != nil {
				return outcome{}, merr
			}
			c, acct, how = account.NewFromConfig(mc), nil, " (set from the account itself: trusted access for account.amazonaws.com is off)"
			in.AccountId = nil
			err = r.retry(ctx, func() error { _, err := c.PutAlternateContact(ctx, in); return err })
		}
		if err != nil {
			return outcome{}, fmt.Errorf("PutAlternateContact %s: %w", ct.Type, err)
		}
		types = append(types, ct.Type)
	}
	return outcome{detail: strings.Join(types, ",") + how}, nil
}
