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
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/orgrail/orgrail/internal/baseline"
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
	// number of steps written so far (tests stop the run there).
	AfterStep func(n int)
	// BaselineAWS, when set, reaches the accounts of baseline steps
	// (tests point it at the local AWS); default: the apply's own
	// configuration for the management account and the role chain's
	// member role for the others.
	BaselineAWS *baseline.AWS
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
	writes int
	base   *baselineRun
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
	read := opts.Read
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
	j, steps, err := openJournal(ctx, st, p)
	if err != nil {
		return nil, err
	}
	r := &run{p: p, cfg: cfg, opts: opts, j: j, steps: steps, lim: newLimiter(opts.Rate, opts.Burst),
		mirror: cur, v: plan.NewView(cur, cfg), rep: &Report{PlanID: p.ID(), OrgID: p.OrgID}}
	r.api = &orgs{c: organizations.NewFromConfig(awsCfg), pollEvery: opts.PollEvery, pollMax: 15 * time.Second}
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

// execute runs the changes in order.
func (r *run) execute(ctx context.Context) error {
	n := len(r.p.Changes)
	for i := range r.p.Changes {
		ch := &r.p.Changes[i]
		res, err := r.step(ctx, i, ch)
		r.rep.Steps = append(r.rep.Steps, res)
		switch res.Status {
		case StatusDone:
			r.rep.Done++
		case StatusAlready:
			r.rep.Already++
		case StatusFailed:
			r.rep.Failed++
		}
		r.progress("[%d/%d] %s %s %s: %s%s", i+1, n, ch.Action.Symbol(), ch.Action, ch.Address, res.Status, detail(res))
		if err != nil {
			for _, rest := range r.p.Changes[i+1:] {
				r.rep.Steps = append(r.rep.Steps, StepResult{Key: rest.Key, Address: rest.Address, Action: string(rest.Action), Status: StatusSkipped})
			}
			return fmt.Errorf("%s %s: %w", ch.Action, ch.Address, err)
		}
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
// it is done.
func (r *run) step(ctx context.Context, seq int, ch *plan.Change) (StepResult, error) {
	res := StepResult{Key: ch.Key, Address: ch.Address, Action: string(ch.Action)}
	prev, seen := r.steps[ch.Key]
	obs := plan.Observe(ch, r.v)
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
	r.api.pending = func(reqID string) error {
		return r.record(ctx, seq, ch.Key, stepStarted, reqID, "", "create-account-request")
	}
	do := func() (Outcome, error) { return r.api.do(ctx, ch, r.v) }
	switch {
	case plan.IsIdentity(ch.Kind):
		r.sso.pending = func(reqID string) error {
			return r.record(ctx, seq, ch.Key, stepStarted, "", reqID, "sso-admin-request")
		}
		do = func() (Outcome, error) { return r.sso.do(ctx, ch, r.v) }
	case ch.Kind == plan.KindBaseline:
		do = func() (Outcome, error) { return r.doBaseline(ctx, ch) }
	}
	out, attempts, err := withRetry(ctx, r.lim, r.opts.Attempts, r.opts.Backoff, do)
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

// record writes a journal row and tells the test hook.
func (r *run) record(ctx context.Context, seq int, key, status, objectID, requestID, detail string) error {
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
// change did, so later changes resolve ids without re-reading AWS.
func (r *run) mirrorEffect(ch *plan.Change, id string) error {
	if err := plan.Effect(r.mirror, r.v, ch, id); err != nil {
		return err
	}
	if err := r.mirror.Index(); err != nil {
		return fmt.Errorf("after %s: %w", ch.Key, err)
	}
	r.v = plan.NewView(r.mirror, r.cfg)
	r.v.IDC = r.idc
	if r.base != nil {
		r.v.Baseline = r.base.state
	}
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

// IsStale reports whether err says the plan is stale.
func IsStale(err error) bool {
	var s *StaleError
	return errors.As(err, &s)
}
