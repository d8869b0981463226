package apply

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmw "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/plan"
)

// Outcome is what one AWS call reported.
type Outcome struct {
	// ID is the id AWS gave a created object.
	ID        string
	RequestID string
}

// orgs is the Organizations adapter: one method per change kind, each
// turning a plan change into the API call that makes it.
type orgs struct {
	c    *organizations.Client
	acct *account.Client
	// pollEvery is the first wait between DescribeCreateAccountStatus
	// calls; it doubles up to pollMax.
	pollEvery, pollMax time.Duration
}

type pendingKey struct{}

// withPending returns ctx carrying the hook that records a CreateAccount
// request id before it is polled, so that a resumed apply polls it
// instead of creating again. Each step has its own.
func withPending(ctx context.Context, fn func(requestID string) error) context.Context {
	return context.WithValue(ctx, pendingKey{}, fn)
}

func pendingHook(ctx context.Context) func(string) error {
	fn, _ := ctx.Value(pendingKey{}).(func(string) error)
	return fn
}

func requestID(md middleware.Metadata) string {
	id, _ := awsmw.GetRequestIDMetadata(md)
	return id
}

// errorCode returns the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// do makes the change. v is the organization as orgrail knows it now,
// for resolving references to ids.
func (a *orgs) do(ctx context.Context, ch *plan.Change, v *plan.View) (Outcome, error) {
	r := ch.Ref
	switch ch.Kind {
	case plan.KindPolicyType:
		return a.policyType(ctx, ch, v)
	case plan.KindTrustedAccess:
		out, err := a.c.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(r.Service)})
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
	case plan.KindOU:
		return a.ou(ctx, ch, v)
	case plan.KindAccount:
		return a.account(ctx, ch, v)
	case plan.KindPolicy:
		return a.policy(ctx, ch, v)
	case plan.KindAttachment:
		return a.attachment(ctx, ch, v)
	case plan.KindDelegatedAdm:
		return a.delegation(ctx, ch, v)
	case plan.KindContact:
		return a.contact(ctx, ch, v)
	}
	return Outcome{}, fmt.Errorf("%s: unknown change kind %q", ch.Key, ch.Kind)
}

func tagList(t map[string]string) []ot.Tag {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]ot.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, ot.Tag{Key: aws.String(k), Value: aws.String(t[k])})
	}
	return out
}

func (a *orgs) ou(ctx context.Context, ch *plan.Change, v *plan.View) (Outcome, error) {
	switch ch.Action {
	case plan.Create:
		parent := v.TargetID(config.ParentPath(ch.Ref.OU))
		if parent == "" {
			return Outcome{}, fmt.Errorf("parent %s not found", config.ParentPath(ch.Ref.OU))
		}
		in := &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(parent), Name: aws.String(ch.After.Name)}
		if len(ch.After.Tags) > 0 {
			in.Tags = tagList(ch.After.Tags)
		}
		out, err := a.c.CreateOrganizationalUnit(ctx, in)
		if errorCode(err) == "DuplicateOrganizationalUnitException" {
			return a.findOU(ctx, parent, ch.After.Name)
		}
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{ID: aws.ToString(out.OrganizationalUnit.Id), RequestID: requestID(out.ResultMetadata)}, nil
	case plan.Tag:
		u := v.OU(ch.Ref.OU)
		if u == nil {
			return Outcome{}, fmt.Errorf("OU %s not found", ch.Ref.OU)
		}
		return a.retag(ctx, u.Id, u.Tags, ch.After.Tags)
	case plan.Rename:
		out, err := a.c.UpdateOrganizationalUnit(ctx, &organizations.UpdateOrganizationalUnitInput{
			OrganizationalUnitId: aws.String(ch.Ref.ID), Name: aws.String(ch.After.Name)})
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{ID: ch.Ref.ID, RequestID: requestID(out.ResultMetadata)}, nil
	case plan.Delete:
		u := v.OU(ch.Ref.OU)
		if u == nil {
			return Outcome{}, nil
		}
		out, err := a.c.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(u.Id)})
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
	}
	return Outcome{}, fmt.Errorf("%s: unsupported action", ch.Key)
}

// findOU returns the id of the OU named name under parent: the OU an
// earlier, interrupted attempt created.
func (a *orgs) findOU(ctx context.Context, parent, name string) (Outcome, error) {
	p := organizations.NewListOrganizationalUnitsForParentPaginator(a.c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return Outcome{}, err
		}
		for _, u := range page.OrganizationalUnits {
			if aws.ToString(u.Name) == name {
				return Outcome{ID: aws.ToString(u.Id), RequestID: requestID(page.ResultMetadata)}, nil
			}
		}
	}
	return Outcome{}, fmt.Errorf("OU %s under %s: AWS says it exists but does not list it yet", name, parent)
}

// retag makes the tags of a resource exactly want: removed keys first,
// then the new and changed values.
func (a *orgs) retag(ctx context.Context, id string, have, want map[string]string) (Outcome, error) {
	var gone []string
	for k := range have {
		if _, ok := want[k]; !ok {
			gone = append(gone, k)
		}
	}
	sort.Strings(gone)
	var o Outcome
	if len(gone) > 0 {
		out, err := a.c.UntagResource(ctx, &organizations.UntagResourceInput{ResourceId: aws.String(id), TagKeys: gone})
		if err != nil {
			return o, err
		}
		o.RequestID = requestID(out.ResultMetadata)
	}
	set := map[string]string{}
	for k, v := range want {
		if hv, ok := have[k]; !ok || hv != v {
			set[k] = v
		}
	}
	if len(set) > 0 {
		out, err := a.c.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(id), Tags: tagList(set)})
		if err != nil {
			return o, err
		}
		o.RequestID = requestID(out.ResultMetadata)
	}
	return o, nil
}

// policyType enables or disables a policy type on the root. AWS's
// "already enabled" and "not enabled" answers mean the step is done.
func (a *orgs) policyType(ctx context.Context, ch *plan.Change, v *plan.View) (Outcome, error) {
	typ := ot.PolicyType(ch.Ref.PolicyType)
	if ch.Action == plan.Disable {
		out, err := a.c.DisablePolicyType(ctx, &organizations.DisablePolicyTypeInput{RootId: aws.String(v.RootID), PolicyType: typ})
		if errorCode(err) == "PolicyTypeNotEnabledException" {
			return Outcome{}, nil
		}
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
	}
	out, err := a.c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(v.RootID), PolicyType: typ})
	if errorCode(err) == "PolicyTypeAlreadyEnabledException" {
		return Outcome{}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
}
