package apply

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/catalog"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/plan"
)

// catalogRun is the part of a run that executes Service Catalog steps.
type catalogRun struct {
	aws   *catalog.AWS
	state *catalog.State
}

func hasCatalog(p *plan.Plan) bool {
	for _, ch := range p.Changes {
		if ch.Kind == plan.KindCatalog {
			return true
		}
	}
	return false
}

// prepareCatalog reaches the accounts the catalog acts in and reads its
// current state, so that the stale check and each step see what is
// already done (a step an interrupted run made is found, not redone).
func (r *run) prepareCatalog(ctx context.Context, awsCfg aws.Config) error {
	if !hasCatalog(r.p) {
		return nil
	}
	s, _ := catalog.Resolve(r.cfg, r.mirror)
	if s == nil {
		return fmt.Errorf("the plan has catalog changes but the configuration it realises has no catalog")
	}
	c := r.opts.CatalogAWS
	if c == nil {
		creds, err := collect.NewCredentials(ctx, awsCfg, collect.Options{RoleName: memberRole(r.cfg)})
		if err != nil {
			return fmt.Errorf("catalog: reaching the member accounts: %w", err)
		}
		c = &catalog.AWS{Management: awsCfg, Poll: r.opts.PollEvery,
			For: func(account string) aws.Config { return creds.For(creds.Partition(), account) }}
	}
	st, err := c.Read(ctx, s)
	if err != nil {
		return fmt.Errorf("catalog: reading its current state: %w", err)
	}
	r.cat = &catalogRun{aws: c, state: st}
	r.v.Catalog = st
	return nil
}

// doCatalog executes one catalog change; the step records its effect in
// the run's catalog state.
func (r *run) doCatalog(ctx context.Context, ch *plan.Change) (Outcome, error) {
	if r.cat == nil || ch.Catalog == nil {
		return Outcome{}, fmt.Errorf("%s: no catalog step", ch.Key)
	}
	if err := r.cat.aws.Apply(ctx, ch.Catalog, r.cat.state); err != nil {
		return Outcome{}, err
	}
	id := ""
	if p := r.cat.state.Portfolio(ch.Catalog.Portfolio); p != nil {
		id = p.ID
	}
	if p := r.cat.state.Product(ch.Catalog.Product); p != nil && ch.Catalog.Kind != catalog.KindAssociation && ch.Catalog.Kind != catalog.KindLaunch {
		id = p.ID
	}
	return Outcome{ID: id}, nil
}
