// Package apply executes a landing-zone plan (internal/plan) against AWS
// Organizations through aws-sdk-go-v2. It re-reads the organization,
// refuses a plan whose objects changed since it was made, applies the
// changes in order, each idempotently and with retries on throttling,
// concurrent modification and eventual consistency, and keeps a journal
// in the store so that an interrupted apply resumes where it stopped.
package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/catalog"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/store"
)

// Options tune an apply.
type Options struct {
	// Progress receives one line per step (stderr in the CLI); nil for none.
	Progress io.Writer
	// Rate and Burst limit Organizations write calls per second (0: no
	// limit besides the SDK's own retry mode).
	Rate  float64
	Burst int
	// Attempts per call on retryable errors (default 10) and the first
	// wait between them (default 200ms).
	Attempts int
	Backoff  time.Duration
	// PollEvery is the first wait between CreateAccount status checks
	// (default 1s, doubling up to 15s).
	PollEvery time.Duration
	// Read re-reads the organization; default collect.Discover.
	Read func(ctx context.Context) (*org.Organization, error)
	// ReadIdentity re-reads IAM Identity Center when the plan changes it;
	// default identity.Read in identity.region (or the credentials'
	// region) with the management account's id.
	ReadIdentity func(ctx context.Context) (*identity.Center, error)
	// AfterStep, when set, is called after each journal write with the
	// number of steps written so far (tests stop the run there). Calls
	// are never concurrent.
	AfterStep func(n int)
	// BaselineAWS, when set, reaches the accounts of baseline steps
	// (tests point it at the local AWS); default: the apply's own
	// configuration for the management account and the role chain's
	// member role for the others.
	BaselineAWS *baseline.AWS
	// CatalogAWS, when set, reaches the accounts of Service Catalog
	// steps (tests); default as BaselineAWS.
	CatalogAWS *catalog.AWS
	// Parallel is how many changes run at once (default 4; 1 runs them
	// one by one in plan order). See execute.
	Parallel int
}

// Step statuses of a report.
const (
	StatusDone    = "done"    // applied by this run
	StatusAlready = "already" // found done (an earlier run, or AWS did it)
	StatusFailed  = "failed"
	StatusSkipped = "skipped" // not reached
)

// StepResult is what happened to one change.
type StepResult struct {
	Key       string `json:"key"`
	Address   string `json:"address"`
	Action    string `json:"action"`
	Status    string `json:"status"`
	ObjectID  string `json:"objectId,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	Attempts  int    `json:"attempts,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Report is the result of an apply, per object.
type Report struct {
	PlanID  string       `json:"planId"`
	OrgID   string       `json:"organizationId"`
	Steps   []StepResult `json:"steps"`
	Done    int          `json:"done"`
	Already int          `json:"already"`
	Failed  int          `json:"failed"`
}

// StaleError lists the changes whose objects changed since the plan was
// made. Nothing was applied.
type StaleError struct{ Changes []string }

func (e *StaleError) Error() string {
	return "the plan is stale, these objects changed since it was made: " + strings.Join(e.Changes, "; ") + " (run plan again)"
}

// run is one apply in progress.
type run struct {
	p      *plan.Plan
	cfg    *config.Config
	opts   Options
	j      *journal
	steps  map[string]step
	api    *orgs
	sso    *ssoAPI
	idc    *identity.Center
	lim    *limiter
	mirror *org.Organization
	v      *plan.View
	rep    *Report
	// mu guards mirror, v, steps, writes and the journal writes.
	mu     sync.Mutex
	writes int
	base   *baselineRun
	cat    *catalogRun
}

// Run applies p with the AWS configuration awsCfg, journaling in st.
// The error is nil when every change is done; a *StaleError when the
// plan no longer fits the organization (nothing applied).
func Run(ctx context.Context, awsCfg aws.Config, st *store.Store, p *plan.Plan, opts Options) (*Report, error) {
	r, err := prepare(ctx, awsCfg, st, p, opts)
	if err != nil {
		return nil, err
	}
	if err := r.checkStale(); err != nil {
		return r.rep, err
	}
	err = r.execute(ctx)
	status := "done"
	if err != nil {
		status = "failed"
		if ctx.Err() != nil {
			status = "running" // interrupted: apply again resumes
		}
	}
	if status != "running" {
		if ferr := r.j.finish(context.WithoutCancel(ctx), status); ferr != nil && err == nil {
			err = ferr
		}
	}
	return r.rep, err
}

func prepare(ctx context.Context, awsCfg aws.Config, st *store.Store, p *plan.Plan, opts Options) (*run, error) {
	cfg := &config.Config{}
	if len(p.Desired) > 0 {
		if err := json.Unmarshal(p.Desired, cfg); err != nil {
			return nil, fmt.Errorf("plan: the configuration it realises: %w", err)
		}
	}
	if opts.Attempts == 0 {
		opts.Attempts = 10
	}
	if opts.Backoff == 0 {
		opts.Backoff = 200 * time.Millisecond
	}
	if opts.PollEvery == 0 {
		opts.PollEvery = time.Second
	}
	if opts.Parallel == 0 {
		opts.Parallel = DefaultParallel
	}
	read := opts.Read
	if read == nil && cfg.Organization.Standalone() {
		read = func(context.Context) (*org.Organization, error) { return StandaloneOrg(cfg), nil }
	}
	if read == nil {
		read = func(ctx context.Context) (*org.Organization, error) { return collect.Discover(ctx, awsCfg) }
	}
	cur, err := read(ctx)
	if err != nil {
		return nil, fmt.Errorf("re-reading the organization: %w", err)
	}
	if cur.Id != p.OrgID {
		return nil, fmt.Errorf("the plan is for organization %s, the credentials reach %s", p.OrgID, cur.Id)
	}
	if err := readContactsFor(ctx, awsCfg, p, cfg, cur); err != nil {
		return nil, fmt.Errorf("re-reading the organization: %w", err)
	}
	j, steps, err := openJournal(ctx, st, p)
	if err != nil {
		return nil, err
	}
	r := &run{p: p, cfg: cfg, opts: opts, j: j, steps: steps, lim: newLimiter(opts.Rate, opts.Burst),
		mirror: cur, v: plan.NewView(cur, cfg), rep: &Report{PlanID: p.ID(), OrgID: p.OrgID}}
	r.api = &orgs{c: organizations.NewFromConfig(awsCfg), acct: account.NewFromConfig(awsCfg), pollEvery: opts.PollEvery, pollMax: 15 * time.Second}
	if hasIdentity(p) {
		ssoCfg := awsCfg.Copy()
		if cfg.Identity.Region != "" {
			ssoCfg.Region = cfg.Identity.Region
		}
		readID := opts.ReadIdentity
		if readID == nil {
			readID = func(ctx context.Context) (*identity.Center, error) {
				return identity.Read(ctx, ssoCfg, cur.MasterAccountId)
			}
		}
		if r.idc, err = readID(ctx); err != nil {
			return nil, fmt.Errorf("re-reading IAM Identity Center: %w", err)
		}
		r.v.IDC = r.idc
		r.sso = &ssoAPI{c: ssoadmin.NewFromConfig(ssoCfg), pollEvery: opts.PollEvery, pollMax: 15 * time.Second}
	}
	if err := r.prepareBaseline(ctx, awsCfg); err != nil {
		return nil, err
	}
	if err := r.prepareCatalog(ctx, awsCfg); err != nil {
		return nil, err
	}
	return r, nil
}

// checkStale refuses the plan when a change not yet attempted finds its
// object neither as planned nor as the change leaves it. Changes that
// wait on earlier changes of the plan are checked when they run.
func (r *run) checkStale() error {
	pending := map[string]bool{}
	var stale []string
	for i := range r.p.Changes {
		ch := &r.p.Changes[i]
		if st, seen := r.steps[ch.Key]; seen {
			pending[ch.Key] = st.status != stepDone
			continue
		}
		waits := false
		for _, d := range ch.DependsOn {
			waits = waits || pending[d]
		}
		obs := plan.Observe(ch, r.v)
		switch {
		case obs == ch.Result:
		case obs == ch.Version:
			pending[ch.Key] = true
		case waits:
			pending[ch.Key] = true
		default:
			stale = append(stale, fmt.Sprintf("%s (planned against %s, now %s)", ch.Address, ch.Version, obs))
		}
	}
	if len(stale) > 0 {
		return &StaleError{Changes: stale}
	}
	return nil
}

func detail(s StepResult) string {
	var parts []string
	if s.ObjectID != "" {
		parts = append(parts, s.ObjectID)
	}
	if s.RequestID != "" {
		parts = append(parts, "request "+s.RequestID)
	}
	if s.Error != "" {
		parts = append(parts, s.Error)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func (r *run) progress(format string, a ...any) {
	if r.opts.Progress != nil {
		fmt.Fprintf(r.opts.Progress, format+"\n", a...)
	}
}

// step applies one change unless the journal or the organization says
// it is done. It works on the organization as orgrail knows it when the
// step starts (a view no other step changes).
func (r *run) step(ctx context.Context, seq int, ch *plan.Change) (StepResult, error) {
	res := StepResult{Key: ch.Key, Address: ch.Address, Action: string(ch.Action)}
	r.mu.Lock()
	prev, seen := r.steps[ch.Key]
	v := r.v
	r.mu.Unlock()
	obs := plan.Observe(ch, v)
	if (seen && prev.status == stepDone) || obs == ch.Result {
		res.Status, res.ObjectID, res.RequestID = StatusAlready, prev.objectID, prev.requestID
		if !seen || prev.status != stepDone {
			if err := r.record(ctx, seq, ch.Key, stepDone, "", "", "found done"); err != nil {
				return res, err
			}
		}
		return res, nil
	}
	if obs != ch.Version && !seen {
		res.Status, res.Error = StatusFailed, fmt.Sprintf("stale: planned against %s, now %s", ch.Version, obs)
		return res, &StaleError{Changes: []string{ch.Address}}
	}
	if err := r.record(ctx, seq, ch.Key, stepStarted, "", "", ""); err != nil {
		return res, err
	}
	callCtx := withPending(ctx, func(reqID string) error {
		return r.record(ctx, seq, ch.Key, stepStarted, reqID, "", "create-account-request")
	})
	do := func() (Outcome, error) { return r.api.do(callCtx, ch, v) }
	switch {
	case plan.IsIdentity(ch.Kind):
		// Identity Center steps run one at a time (schedule.objectOf).
		r.sso.pending = func(reqID string) error {
			return r.record(ctx, seq, ch.Key, stepStarted, "", reqID, "sso-admin-request")
		}
		do = func() (Outcome, error) { return r.sso.do(callCtx, ch, v) }
	case ch.Kind == plan.KindBaseline:
		do = func() (Outcome, error) { return r.doBaseline(callCtx, ch) }
	case ch.Kind == plan.KindCatalog:
		do = func() (Outcome, error) { return r.doCatalog(callCtx, ch) }
	}
	out, attempts, err := withRetry(callCtx, r.lim, r.opts.Attempts, r.opts.Backoff, do)
	res.Attempts, res.ObjectID, res.RequestID = attempts, out.ID, out.RequestID
	if err != nil {
		res.Status, res.Error = StatusFailed, err.Error()
		if ctx.Err() == nil {
			_ = r.record(context.WithoutCancel(ctx), seq, ch.Key, stepFailed, "", out.RequestID, err.Error())
		}
		return res, err
	}
	if err := r.mirrorEffect(ch, out.ID); err != nil {
		return res, err
	}
	res.Status = StatusDone
	return res, r.record(ctx, seq, ch.Key, stepDone, out.ID, out.RequestID, "")
}

// record writes a journal row and tells the test hook. Rows are
// written one at a time.
func (r *run) record(ctx context.Context, seq int, key, status, objectID, requestID, detail string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.j.set(ctx, seq, key, status, objectID, requestID, detail); err != nil {
		return err
	}
	r.writes++
	if r.opts.AfterStep != nil {
		r.opts.AfterStep(r.writes)
	}
	return nil
}

// mirrorEffect updates orgrail's copy of the organization with what the
// change did, so later changes resolve ids without re-reading AWS. The
// copy is replaced, never changed in place: steps in flight keep the
// view they started with.
func (r *run) mirrorEffect(ch *plan.Change, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	cp := cloneOrg(r.mirror)
	if err := cp.Index(); err != nil {
		return fmt.Errorf("after %s: %w", ch.Key, err)
	}
	if err := plan.Effect(cp, r.view(cp), ch, id); err != nil {
		return err
	}
	if err := cp.Index(); err != nil {
		return fmt.Errorf("after %s: %w", ch.Key, err)
	}
	r.mirror, r.v = cp, r.view(cp)
	return nil
}

// hasIdentity reports whether the plan changes IAM Identity Center.
func hasIdentity(p *plan.Plan) bool {
	for _, ch := range p.Changes {
		if plan.IsIdentity(ch.Kind) {
			return true
		}
	}
	return false
}

// view is the plan's view of o with what apply knows of IAM Identity
// Center and the baseline.
func (r *run) view(o *org.Organization) *plan.View {
	v := plan.NewView(o, r.cfg)
	v.IDC = r.idc
	if r.base != nil {
		v.Baseline = r.base.state
	}
	if r.cat != nil {
		v.Catalog = r.cat.state
	}
	return v
}

// IsStale reports whether err says the plan is stale.
func IsStale(err error) bool {
	var s *StaleError
	return errors.As(err, &s)
}
