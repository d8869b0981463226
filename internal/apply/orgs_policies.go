package apply

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgrail/orgrail/internal/plan"
)

func (a *orgs) policy(ctx context.Context, ch *plan.Change, v *plan.View) (Outcome, error) {
	if ch.Action == plan.Create {
		in := &organizations.CreatePolicyInput{Name: aws.String(ch.After.Name), Type: ot.PolicyType(ch.Ref.PolicyType),
			Content: aws.String(ch.After.Content), Description: aws.String(ch.After.Description)}
		out, err := a.c.CreatePolicy(ctx, in)
		if errorCode(err) == "DuplicatePolicyException" {
			return a.findPolicy(ctx, ch.Ref.PolicyType, ch.After.Name)
		}
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{ID: aws.ToString(out.Policy.PolicySummary.Id), RequestID: requestID(out.ResultMetadata)}, nil
	}
	if ch.Action == plan.Delete {
		out, err := a.c.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: aws.String(ch.Ref.ID)})
		if errorCode(err) == "PolicyNotFoundException" {
			return Outcome{ID: ch.Ref.ID}, nil // deleted by an earlier, interrupted attempt
		}
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{ID: ch.Ref.ID, RequestID: requestID(out.ResultMetadata)}, nil
	}
	p := v.Policy(ch.Ref.PolicyType, ch.Ref.Policy)
	if p == nil {
		return Outcome{}, fmt.Errorf("policy %s not found", ch.Ref.Policy)
	}
	out, err := a.c.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String(p.Id),
		Content: aws.String(ch.After.Content), Description: aws.String(ch.After.Description)})
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{ID: p.Id, RequestID: requestID(out.ResultMetadata)}, nil
}

// findPolicy returns the id of the policy of a type and name: the one an
// earlier, interrupted attempt created.
func (a *orgs) findPolicy(ctx context.Context, typ, name string) (Outcome, error) {
	p := organizations.NewListPoliciesPaginator(a.c, &organizations.ListPoliciesInput{Filter: ot.PolicyType(typ)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return Outcome{}, err
		}
		for _, s := range page.Policies {
			if aws.ToString(s.Name) == name {
				return Outcome{ID: aws.ToString(s.Id), RequestID: requestID(page.ResultMetadata)}, nil
			}
		}
	}
	return Outcome{}, fmt.Errorf("policy %s: AWS says it exists but does not list it yet", name)
}

func (a *orgs) attachment(ctx context.Context, ch *plan.Change, v *plan.View) (Outcome, error) {
	p := v.Policy(ch.Ref.PolicyType, ch.Ref.Policy)
	target := v.TargetID(ch.Ref.Target)
	if p == nil || target == "" {
		return Outcome{}, fmt.Errorf("policy %s or target %s not found", ch.Ref.Policy, ch.Ref.Target)
	}
	if ch.Action == plan.Attach {
		out, err := a.c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(p.Id), TargetId: aws.String(target)})
		if errorCode(err) == "DuplicatePolicyAttachmentException" {
			return Outcome{}, nil
		}
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
	}
	out, err := a.c.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(p.Id), TargetId: aws.String(target)})
	if errorCode(err) == "PolicyNotAttachedException" {
		return Outcome{}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
}

func (a *orgs) delegation(ctx context.Context, ch *plan.Change, v *plan.View) (Outcome, error) {
	id := ch.Ref.AccountID
	if acct := v.Account(ch.Ref.Account); acct != nil {
		id = acct.Id
	}
	if id == "" {
		return Outcome{}, fmt.Errorf("account %s not found", ch.Ref.Account)
	}
	if ch.Action == plan.Register {
		out, err := a.c.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String(id), ServicePrincipal: aws.String(ch.Ref.Service)})
		if errorCode(err) == "AccountAlreadyRegisteredException" {
			return Outcome{}, nil
		}
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
	}
	out, err := a.c.DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{AccountId: aws.String(id), ServicePrincipal: aws.String(ch.Ref.Service)})
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{RequestID: requestID(out.ResultMetadata)}, nil
}
