package apply

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
)

// baselineRun is the part of a run that executes baseline steps.
type baselineRun struct {
	aws   *baseline.AWS
	state *baseline.State
}

// hasBaseline reports whether the plan has baseline changes.
func hasBaseline(p *plan.Plan) bool {
	for _, ch := range p.Changes {
		if ch.Kind == plan.KindBaseline {
			return true
		}
	}
	return false
}

// prepareBaseline reaches the accounts the baseline acts in and reads
// its current state, so that the stale check and each step see what is
// already done.
func (r *run) prepareBaseline(ctx context.Context, awsCfg aws.Config) error {
	if !hasBaseline(r.p) {
		return nil
	}
	s, _ := baseline.Resolve(r.cfg, r.mirror)
	if s == nil {
		return fmt.Errorf("the plan has baseline changes but the configuration it realises has no baseline")
	}
	b := &baseline.AWS{Management: awsCfg, Poll: r.opts.PollEvery}
	if r.opts.BaselineAWS != nil {
		b = r.opts.BaselineAWS
	} else {
		opts := collect.Options{RoleName: memberRole(r.cfg)}
		if r.cfg.Organization.Standalone() {
			var err error
			if opts, err = ChainOptions(r.cfg); err != nil {
				return fmt.Errorf("baseline: %w", err)
			}
		}
		creds, err := collect.NewCredentials(ctx, awsCfg, opts)
		if err != nil {
			return fmt.Errorf("baseline: reaching the member accounts: %w", err)
		}
		b.For = func(account string) aws.Config { return creds.For(creds.Partition(), account) }
	}
	st, err := b.Read(ctx, s)
	if err != nil {
		return fmt.Errorf("baseline: reading its current state: %w", err)
	}
	r.base = &baselineRun{aws: b, state: st}
	r.v.Baseline = st
	return nil
}

// ChainOptions turns a standalone configuration's role chain into the
// credential options every account is reached with (collect's
// credentials do the assuming): the hops that name an account, in
// order, then the last hop's role in each target account.
func ChainOptions(c *config.Config) (collect.Options, error) {
	var o collect.Options
	ids := map[string]string{}
	for _, a := range c.Accounts {
		if a.ID != "" {
			ids[a.Name], ids[a.ID] = a.ID, a.ID
		}
	}
	part := "aws"
	if p := baseline.Partition(c.Organization.HomeRegion); p != "" {
		part = p
	}
	for i, hop := range c.Organization.RoleChain {
		if hop.Account == "" {
			if i != len(c.Organization.RoleChain)-1 {
				return o, fmt.Errorf("roleChain hop %d names no account but is not the last", i+1)
			}
			o.RoleName, o.ExternalID = hop.Role, hop.ExternalID
			continue
		}
		id := ids[hop.Account]
		if id == "" {
			return o, fmt.Errorf("roleChain hop %d: account %q has no id", i+1, hop.Account)
		}
		o.RoleChain = append(o.RoleChain, "arn:"+part+":iam::"+id+":role/"+hop.Role)
	}
	if o.RoleName == "" {
		return o, fmt.Errorf("roleChain: the last hop must leave account out (the role assumed in each target account)")
	}
	return o, nil
}

// StandaloneOrg is the organization a standalone configuration stands
// for: its listed accounts with ids, no Organizations behind them.
func StandaloneOrg(c *config.Config) *org.Organization {
	o := &org.Organization{Id: "standalone"}
	for _, a := range c.Accounts {
		if a.ID != "" {
			o.Accounts = append(o.Accounts, org.Account{Id: a.ID, Name: a.Name, Email: a.Email, Status: org.StatusActive, State: org.StatusActive})
		}
	}
	return o
}

// memberRole is the role orgrail assumes in member accounts: the last
// hop of the role chain, else AWS Organizations' default.
func memberRole(c *config.Config) string {
	if n := len(c.Organization.RoleChain); n > 0 && c.Organization.RoleChain[n-1].Account == "" {
		return c.Organization.RoleChain[n-1].Role
	}
	return "OrganizationAccountAccessRole"
}

// doBaseline executes one baseline change and records its effect.
func (r *run) doBaseline(ctx context.Context, ch *plan.Change) (Outcome, error) {
	if r.base == nil || ch.Baseline == nil {
		return Outcome{}, fmt.Errorf("%s: no baseline step", ch.Key)
	}
	if st := ch.Baseline; st.Kind == baseline.KindRootCredentials && len(st.Regions) > 0 {
		// The outcome is the account's report: what was removed.
		rep, err := r.base.aws.RemoveRootCredentials(ctx, st.Regions[0], st.Account)
		if err != nil {
			return Outcome{}, err
		}
		baseline.Effect(r.base.state, st)
		return Outcome{ID: "removed: " + rep.Removed.Summary()}, nil
	}
	if err := r.base.aws.Apply(ctx, ch.Baseline); err != nil {
		return Outcome{}, err
	}
	baseline.Effect(r.base.state, ch.Baseline)
	return Outcome{ID: ch.Baseline.Name}, nil
}
