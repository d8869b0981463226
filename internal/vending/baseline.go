package vending

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// BaselineHook returns the Options.Baseline that verifies the security
// baseline in a vended account with internal/baseline: the baseline is
// deployed by AWS itself (the account baseline StackSet's automatic
// deployment to the target OUs, the services' auto-enable), so the hook
// collects the account into a temporary snapshot and runs
// baseline.Verify over it. A configuration without a baseline: section,
// or an account outside its target OUs, leaves the step pending.
func BaselineHook(c *config.Config, base aws.Config, ou string) func(ctx context.Context, accountID string) (BaselineResult, error) {
	return func(ctx context.Context, accountID string) (BaselineResult, error) {
		o, err := collect.Discover(ctx, base)
		if err != nil {
			return BaselineResult{}, fmt.Errorf("reading the organization: %w", err)
		}
		s, _ := baseline.Resolve(c, o)
		if s == nil {
			return BaselineResult{Pending: "the configuration has no baseline: section (docs/baseline.md); nothing deploys the security baseline to this account"}, nil
		}
		if !targeted(s, ou) {
			return BaselineResult{Pending: fmt.Sprintf("%s is not under a baseline target (%s): the account baseline StackSet does not reach it", ou, strings.Join(s.TargetPaths, ", "))}, nil
		}
		dir, err := os.MkdirTemp("", "orgrail-vending-")
		if err != nil {
			return BaselineResult{}, err
		}
		defer os.RemoveAll(dir)
		role := c.Organization.AccessRole()
		res, err := collect.Run(ctx, base, collect.Options{Out: dir, Accounts: []string{accountID}, Regions: s.Regions,
			RoleName: role, HomeRegion: s.HomeRegion, SessionName: "orgrail-account-factory"})
		if err != nil {
			return BaselineResult{}, fmt.Errorf("collecting account %s: %w", accountID, err)
		}
		snap, err := snapshot.Open(res.Dir)
		if err != nil {
			return BaselineResult{}, err
		}
		return verdict(baseline.Verify(snap, s, accountID)), nil
	}
}

// targeted reports whether the OU path is a baseline target or below one.
func targeted(s *baseline.Settings, ou string) bool {
	return slices.ContainsFunc(s.TargetPaths, func(t string) bool {
		return t == config.RootPath || t == ou || strings.HasPrefix(ou, t+"/")
	})
}

func verdict(rep *baseline.Report) BaselineResult {
	out := BaselineResult{Verified: rep.Passed}
	var failed []string
	for _, c := range rep.Checks {
		id := c.ID
		if c.Region != "" && c.Region != snapshot.Global {
			id += "@" + c.Region
		}
		if c.Status == baseline.Pass {
			out.Applied = append(out.Applied, id)
		} else {
			failed = append(failed, id+" "+c.Status+": "+c.Detail)
		}
	}
	out.Applied = slices.Compact(out.Applied)
	out.Detail = strings.Join(failed, "; ")
	return out
}
