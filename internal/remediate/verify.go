package remediate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// Change is a planned step the live state no longer asks for (Skipped)
// or asks for only in part: what differs from the snapshot.
type Change struct {
	Step      int    `json:"step"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	Operation string `json:"operation"`
	Resource  string `json:"resource"`
	Skipped   bool   `json:"skipped"`
	Reason    string `json:"reason"`
}

// Digest returns the SHA-256 of the plan's steps in their JSON form:
// the identity of what was approved, recorded with the run.
func (p *Plan) Digest() string {
	b, _ := json.Marshal(p.Steps)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Verify checks a plan against the live organization and resources
// before it is applied. The organization read with orgCfg must be orgID
// (the snapshot's); every step's account must be an ACTIVE member of it
// in a live ListAccounts; each step's resource is described again
// through cfgFor and the step dropped (or narrowed) when it is no longer
// needed as planned. It returns the steps still to make and what changed
// since the snapshot. An error means nothing may be applied.
func Verify(ctx context.Context, p *Plan, orgID string, orgCfg aws.Config, cfgFor ConfigFor) (*Plan, []Change, error) {
	members, err := liveMembers(ctx, orgCfg, orgID)
	if err != nil {
		return nil, nil, err
	}
	out := &Plan{Steps: []Step{}, Skipped: p.Skipped}
	var changes []Change
	for i, s := range p.Steps {
		ch := Change{Step: i + 1, Account: s.Account, Region: s.Region, Operation: s.Operation, Resource: s.Resource, Skipped: true}
		status, ok := members[s.Account]
		switch {
		case !ok:
			ch.Reason = fmt.Sprintf("account %s is not a member of organization %s (live ListAccounts)", s.Account, orgID)
		case status != orgtypes.AccountStatusActive:
			ch.Reason = fmt.Sprintf("account %s is %s", s.Account, status)
		default:
			next, why := recheckStep(ctx, s, cfgFor)
			ch.Reason = why
			if next != nil {
				out.Steps = append(out.Steps, *next)
				ch.Skipped = false
			}
		}
		if ch.Reason != "" {
			changes = append(changes, ch)
		}
	}
	return out, changes, nil
}

// liveMembers reads the organization's accounts and their status,
// refusing an organization other than orgID.
func liveMembers(ctx context.Context, cfg aws.Config, orgID string) (map[string]orgtypes.AccountStatus, error) {
	c := organizations.NewFromConfig(cfg)
	d, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, fmt.Errorf("verifying the organization: organizations DescribeOrganization: %w", err)
	}
	if live := aws.ToString(d.Organization.Id); orgID != "" && live != orgID {
		return nil, fmt.Errorf("the credentials reach organization %s, the snapshot is of %s: nothing applied", live, orgID)
	}
	out := map[string]orgtypes.AccountStatus{}
	pg := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("verifying the accounts: organizations ListAccounts: %w", err)
		}
		for _, a := range page.Accounts {
			out[aws.ToString(a.Id)] = a.Status
		}
	}
	if len(out) == 0 {
		return nil, errors.New("verifying the accounts: organizations ListAccounts returned no account")
	}
	return out, nil
}

// recheckStep describes a step's resource again. It returns the step to
// make (possibly narrowed) or nil, and why it differs from the plan ("" when
// it does not).
func recheckStep(ctx context.Context, s Step, cfgFor ConfigFor) (*Step, string) {
	cfg, err := cfgFor(ctx, s.Account, s.Region)
	if err != nil {
		return nil, fmt.Sprintf("credentials for %s: %v", s.Account, err)
	}
	cfg.Region = s.Region
	check, ok := rechecks[s.Service+":"+s.Operation]
	if !ok {
		return &s, ""
	}
	next, why, err := check(ctx, cfg, s)
	if err != nil {
		return nil, fmt.Sprintf("could not describe it again, left alone: %v", err)
	}
	return next, why
}
