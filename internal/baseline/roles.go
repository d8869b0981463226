package baseline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// RoleInlinePolicy is the name of a cross-account role's inline policy.
const RoleInlinePolicy = "orgrail-inline"

// RoleChange is what DeployRole did (or, dry, would do) to one role in
// one account.
type RoleChange struct {
	Account string   `json:"account"`
	Role    string   `json:"role"`
	Actions []string `json:"actions"` // e.g. create, trust, attach <arn>, inline
}

// DeployRoles makes the cross-account roles in each account, through
// the IAM API with the credentials for gives (standalone mode: the role
// chain; organizations mode uses the account StackSet instead). It
// returns one RoleChange per role and account that was not already as
// configured; with dry set it only reads.
func DeployRoles(ctx context.Context, roles []Role, accounts []string, for_ func(account string) aws.Config, dry bool) ([]RoleChange, error) {
	var out []RoleChange
	for _, acct := range accounts {
		client := iam.NewFromConfig(for_(acct))
		for _, r := range roles {
			actions, err := deployRole(ctx, client, r, dry)
			if err != nil {
				return out, fmt.Errorf("role %s in %s: %w", r.Name, acct, err)
			}
			if len(actions) > 0 {
				out = append(out, RoleChange{Account: acct, Role: r.Name, Actions: actions})
			}
		}
	}
	return out, nil
}

func deployRole(ctx context.Context, c *iam.Client, r Role, dry bool) ([]string, error) {
	var actions []string
	do := func(what string, f func() error) error {
		actions = append(actions, what)
		if dry {
			return nil
		}
		return f()
	}
	desc := r.Description
	if desc == "" {
		desc = "orgrail: cross-account role trusted by the security account"
	}
	session := int32(r.MaxSessionDuration)
	if session == 0 {
		session = 3600
	}
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(r.Name)})
	switch {
	case notFound(err):
		if err := do("create", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.Name), Description: aws.String(desc),
				AssumeRolePolicyDocument: aws.String(string(r.Trust)), MaxSessionDuration: aws.Int32(session),
				Tags: []iamtypes.Tag{{Key: aws.String("orgrail:managed"), Value: aws.String("identity.roles")}}})
			return err
		}); err != nil {
			return actions, err
		}
		got = nil
	case err != nil:
		return nil, err
	default:
		if !sameDocument(aws.ToString(got.Role.AssumeRolePolicyDocument), string(r.Trust)) {
			if err := do("trust", func() error {
				_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(r.Name), PolicyDocument: aws.String(string(r.Trust))})
				return err
			}); err != nil {
				return actions, err
			}
		}
		if aws.ToString(got.Role.Description) != desc || aws.ToInt32(got.Role.MaxSessionDuration) != session {
			if err := do("update", func() error {
				_, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(r.Name), Description: aws.String(desc), MaxSessionDuration: aws.Int32(session)})
				return err
			}); err != nil {
				return actions, err
			}
		}
	}
	var attached []string
	if got != nil {
		p := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(r.Name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return actions, err
			}
			for _, a := range page.AttachedPolicies {
				attached = append(attached, aws.ToString(a.PolicyArn))
			}
		}
	}
	for _, arn := range r.ManagedPolicies {
		if slices.Contains(attached, arn) {
			continue
		}
		if err := do("attach "+arn, func() error {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(r.Name), PolicyArn: aws.String(arn)})
			return err
		}); err != nil {
			return actions, err
		}
	}
	for _, arn := range attached {
		if slices.Contains(r.ManagedPolicies, arn) {
			continue
		}
		if err := do("detach "+arn, func() error {
			_, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(r.Name), PolicyArn: aws.String(arn)})
			return err
		}); err != nil {
			return actions, err
		}
	}
	current := ""
	if got != nil {
		in, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(r.Name), PolicyName: aws.String(RoleInlinePolicy)})
		switch {
		case notFound(err):
		case err != nil:
			return actions, err
		default:
			current = aws.ToString(in.PolicyDocument)
		}
	}
	err = nil
	switch {
	case len(r.Inline) > 0 && !sameDocument(current, string(r.Inline)):
		err = do("inline", func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(r.Name), PolicyName: aws.String(RoleInlinePolicy), PolicyDocument: aws.String(string(r.Inline))})
			return err
		})
	case len(r.Inline) == 0 && current != "":
		err = do("delete inline", func() error {
			_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(r.Name), PolicyName: aws.String(RoleInlinePolicy)})
			return err
		})
	}
	return actions, err
}

// sameDocument compares two policy documents as JSON values (IAM
// returns them URL-encoded and reformatted).
func sameDocument(a, b string) bool {
	if u, err := url.QueryUnescape(a); err == nil && len(a) > 0 && a[0] == '%' {
		a = u
	}
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

// notFound reports IAM's NoSuchEntity, typed or by its code.
func notFound(err error) bool {
	var nse *iamtypes.NoSuchEntityException
	var ae smithy.APIError
	return errors.As(err, &nse) || (errors.As(err, &ae) && ae.ErrorCode() == "NoSuchEntity")
}
