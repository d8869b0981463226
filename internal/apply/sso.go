package apply

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	st "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/orgrail/orgrail/internal/plan"
)

// ssoAPI is the IAM Identity Center adapter: it turns the plan's
// identity changes into sso-admin calls.
type ssoAPI struct {
	c                  *ssoadmin.Client
	pollEvery, pollMax time.Duration
	// pending records an asynchronous request id before it is polled.
	pending func(requestID string) error
}

// do makes one Identity Center change. v.IDC is the instance as orgrail
// knows it now (permission set ARNs of sets created earlier in the run).
func (a *ssoAPI) do(ctx context.Context, ch *plan.Change, v *plan.View) (Outcome, error) {
	if v.IDC == nil {
		return Outcome{}, fmt.Errorf("%s: no IAM Identity Center instance", ch.Address)
	}
	inst := aws.String(v.IDC.InstanceArn)
	if ch.Kind == plan.KindPermissionSet && ch.Action == plan.Create {
		return a.createPermissionSet(ctx, inst, ch)
	}
	ps := v.IDC.PermissionSetByName(ch.Ref.PermissionSet)
	if ps == nil {
		return Outcome{}, fmt.Errorf("%s: permission set %s not found", ch.Address, ch.Ref.PermissionSet)
	}
	arn := aws.String(ps.Arn)
	switch ch.Kind {
	case plan.KindPermissionSet:
		return a.permissionSet(ctx, inst, arn, ch)
	case plan.KindPSManaged:
		if ch.Action == plan.Attach {
			out, err := a.c.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: arn, ManagedPolicyArn: aws.String(ch.Ref.Policy)})
			return outcome(out, err)
		}
		out, err := a.c.DetachManagedPolicyFromPermissionSet(ctx, &ssoadmin.DetachManagedPolicyFromPermissionSetInput{InstanceArn: inst, PermissionSetArn: arn, ManagedPolicyArn: aws.String(ch.Ref.Policy)})
		return outcome(out, err)
	case plan.KindPSCustomer:
		ref := customerRef(ch.Ref.Policy)
		if ch.Action == plan.Attach {
			out, err := a.c.AttachCustomerManagedPolicyReferenceToPermissionSet(ctx, &ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetInput{InstanceArn: inst, PermissionSetArn: arn, CustomerManagedPolicyReference: ref})
			return outcome(out, err)
		}
		out, err := a.c.DetachCustomerManagedPolicyReferenceFromPermissionSet(ctx, &ssoadmin.DetachCustomerManagedPolicyReferenceFromPermissionSetInput{InstanceArn: inst, PermissionSetArn: arn, CustomerManagedPolicyReference: ref})
		return outcome(out, err)
	case plan.KindPSInline:
		if ch.Action == plan.Delete {
			out, err := a.c.DeleteInlinePolicyFromPermissionSet(ctx, &ssoadmin.DeleteInlinePolicyFromPermissionSetInput{InstanceArn: inst, PermissionSetArn: arn})
			return outcome(out, err)
		}
		out, err := a.c.PutInlinePolicyToPermissionSet(ctx, &ssoadmin.PutInlinePolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: arn, InlinePolicy: aws.String(ch.After.Content)})
		return outcome(out, err)
	case plan.KindPSBoundary:
		return a.boundary(ctx, inst, arn, ch)
	case plan.KindPSProvision:
		return a.provision(ctx, inst, arn)
	case plan.KindAccountAssign:
		return a.assignment(ctx, inst, arn, ch, plan.AccountID(ch, v))
	}
	return Outcome{}, fmt.Errorf("%s: unknown change kind %q", ch.Key, ch.Kind)
}

// outcome turns an SDK output (with ResultMetadata) into an Outcome.
func outcome[T any](out *T, err error) (Outcome, error) {
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{RequestID: requestIDOf(out)}, nil
}

// requestIDOf reads the request id from an SDK output's ResultMetadata.
func requestIDOf(out any) string {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return ""
	}
	f := v.Elem().FieldByName("ResultMetadata")
	if !f.IsValid() {
		return ""
	}
	md, ok := f.Interface().(middleware.Metadata)
	if !ok {
		return ""
	}
	return requestID(md)
}

func customerRef(s string) *st.CustomerManagedPolicyReference {
	i := strings.LastIndexByte(s, '/')
	return &st.CustomerManagedPolicyReference{Name: aws.String(s[i+1:]), Path: aws.String(s[:i+1])}
}

func ssoTags(t map[string]string) []st.Tag {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]st.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, st.Tag{Key: aws.String(k), Value: aws.String(t[k])})
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func (a *ssoAPI) createPermissionSet(ctx context.Context, inst *string, ch *plan.Change) (Outcome, error) {
	in := &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String(ch.Ref.PermissionSet),
		Description: optional(ch.After.Description), SessionDuration: optional(ch.After.SessionDuration), RelayState: optional(ch.After.RelayState)}
	if len(ch.After.Tags) > 0 {
		in.Tags = ssoTags(ch.After.Tags)
	}
	out, err := a.c.CreatePermissionSet(ctx, in)
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{ID: aws.ToString(out.PermissionSet.PermissionSetArn), RequestID: requestID(out.ResultMetadata)}, nil
}

func (a *ssoAPI) permissionSet(ctx context.Context, inst, arn *string, ch *plan.Change) (Outcome, error) {
	switch ch.Action {
	case plan.Update:
		out, err := a.c.UpdatePermissionSet(ctx, &ssoadmin.UpdatePermissionSetInput{InstanceArn: inst, PermissionSetArn: arn,
			Description: optional(ch.After.Description), SessionDuration: optional(ch.After.SessionDuration), RelayState: optional(ch.After.RelayState)})
		return outcome(out, err)
	case plan.Tag:
		var drop []string
		for k := range ch.Before.Tags {
			if _, keep := ch.After.Tags[k]; !keep {
				drop = append(drop, k)
			}
		}
		sort.Strings(drop)
		var rid string
		if len(drop) > 0 {
			out, err := a.c.UntagResource(ctx, &ssoadmin.UntagResourceInput{InstanceArn: inst, ResourceArn: arn, TagKeys: drop})
			if err != nil {
				return Outcome{}, err
			}
			rid = requestID(out.ResultMetadata)
		}
		if len(ch.After.Tags) > 0 {
			out, err := a.c.TagResource(ctx, &ssoadmin.TagResourceInput{InstanceArn: inst, ResourceArn: arn, Tags: ssoTags(ch.After.Tags)})
			if err != nil {
				return Outcome{}, err
			}
			rid = requestID(out.ResultMetadata)
		}
		return Outcome{RequestID: rid}, nil
	case plan.Delete:
		out, err := a.c.DeletePermissionSet(ctx, &ssoadmin.DeletePermissionSetInput{InstanceArn: inst, PermissionSetArn: arn})
		return outcome(out, err)
	}
	return Outcome{}, fmt.Errorf("%s: unknown action %s", ch.Key, ch.Action)
}

func (a *ssoAPI) boundary(ctx context.Context, inst, arn *string, ch *plan.Change) (Outcome, error) {
	if ch.Action == plan.Delete {
		out, err := a.c.DeletePermissionsBoundaryFromPermissionSet(ctx, &ssoadmin.DeletePermissionsBoundaryFromPermissionSetInput{InstanceArn: inst, PermissionSetArn: arn})
		return outcome(out, err)
	}
	b := &st.PermissionsBoundary{}
	if strings.HasPrefix(ch.Ref.Policy, "arn:") {
		b.ManagedPolicyArn = aws.String(ch.Ref.Policy)
	} else {
		b.CustomerManagedPolicyReference = customerRef(ch.Ref.Policy)
	}
	out, err := a.c.PutPermissionsBoundaryToPermissionSet(ctx, &ssoadmin.PutPermissionsBoundaryToPermissionSetInput{InstanceArn: inst, PermissionSetArn: arn, PermissionsBoundary: b})
	return outcome(out, err)
}

// provision re-provisions the permission set to every account it is
// provisioned to and waits for the request to end.
func (a *ssoAPI) provision(ctx context.Context, inst, arn *string) (Outcome, error) {
	out, err := a.c.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{InstanceArn: inst, PermissionSetArn: arn,
		TargetType: st.ProvisionTargetTypeAllProvisionedAccounts})
	if err != nil {
		return Outcome{}, err
	}
	id := aws.ToString(out.PermissionSetProvisioningStatus.RequestId)
	o := Outcome{RequestID: id}
	if err := a.record(id); err != nil {
		return o, err
	}
	return o, a.poll(ctx, "provisioning", id, func() (st.StatusValues, string, error) {
		d, err := a.c.DescribePermissionSetProvisioningStatus(ctx, &ssoadmin.DescribePermissionSetProvisioningStatusInput{InstanceArn: inst, ProvisionPermissionSetRequestId: aws.String(id)})
		if err != nil {
			return "", "", err
		}
		return d.PermissionSetProvisioningStatus.Status, aws.ToString(d.PermissionSetProvisioningStatus.FailureReason), nil
	})
}

func (a *ssoAPI) record(id string) error {
	if a.pending == nil {
		return nil
	}
	return a.pending(id)
}

// assignment creates or deletes one account assignment and waits for
// the asynchronous request to end.
func (a *ssoAPI) assignment(ctx context.Context, inst, arn *string, ch *plan.Change, account string) (Outcome, error) {
	if account == "" {
		return Outcome{}, fmt.Errorf("%s: account %s does not exist", ch.Address, ch.Ref.Account)
	}
	r := ch.Ref
	var id string
	var describe func() (st.StatusValues, string, error)
	if ch.Action == plan.Create {
		out, err := a.c.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: arn,
			PrincipalType: st.PrincipalType(r.PrincipalType), PrincipalId: aws.String(r.PrincipalID), TargetType: st.TargetTypeAwsAccount, TargetId: aws.String(account)})
		if err != nil {
			return Outcome{}, err
		}
		id = aws.ToString(out.AccountAssignmentCreationStatus.RequestId)
		describe = func() (st.StatusValues, string, error) {
			d, err := a.c.DescribeAccountAssignmentCreationStatus(ctx, &ssoadmin.DescribeAccountAssignmentCreationStatusInput{InstanceArn: inst, AccountAssignmentCreationRequestId: aws.String(id)})
			if err != nil {
				return "", "", err
			}
			return d.AccountAssignmentCreationStatus.Status, aws.ToString(d.AccountAssignmentCreationStatus.FailureReason), nil
		}
	} else {
		out, err := a.c.DeleteAccountAssignment(ctx, &ssoadmin.DeleteAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: arn,
			PrincipalType: st.PrincipalType(r.PrincipalType), PrincipalId: aws.String(r.PrincipalID), TargetType: st.TargetTypeAwsAccount, TargetId: aws.String(account)})
		if err != nil {
			return Outcome{}, err
		}
		id = aws.ToString(out.AccountAssignmentDeletionStatus.RequestId)
		describe = func() (st.StatusValues, string, error) {
			d, err := a.c.DescribeAccountAssignmentDeletionStatus(ctx, &ssoadmin.DescribeAccountAssignmentDeletionStatusInput{InstanceArn: inst, AccountAssignmentDeletionRequestId: aws.String(id)})
			if err != nil {
				return "", "", err
			}
			return d.AccountAssignmentDeletionStatus.Status, aws.ToString(d.AccountAssignmentDeletionStatus.FailureReason), nil
		}
	}
	o := Outcome{RequestID: id}
	if err := a.record(id); err != nil {
		return o, err
	}
	return o, a.poll(ctx, "account assignment", id, describe)
}

// poll describes an asynchronous request until it succeeds or fails,
// waiting pollEvery, doubling up to pollMax.
func (a *ssoAPI) poll(ctx context.Context, what, id string, describe func() (st.StatusValues, string, error)) error {
	wait := a.pollEvery
	for {
		status, reason, err := describe()
		if err != nil {
			return fmt.Errorf("waiting for %s %s: %w", what, id, err)
		}
		switch status {
		case st.StatusValuesSucceeded:
			return nil
		case st.StatusValuesFailed:
			return fmt.Errorf("%s %s failed: %s", what, id, reason)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, a.pollMax)
	}
}
