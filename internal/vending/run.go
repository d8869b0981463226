package vending

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/store"
)

// run is one vending run in progress.
type run struct {
	cfg   *config.Config
	req   Request
	tags  map[string]string
	opts  Options
	base  aws.Config
	j     *journal
	steps map[string]entry
	rep   *Report
	orgs  *organizations.Client

	accountID string
	member    *aws.Config
}

func newRun(ctx context.Context, awsCfg aws.Config, st *store.Store, c *config.Config, req Request, tags map[string]string, opts Options) (*run, error) {
	if opts.PollEvery == 0 {
		opts.PollEvery = time.Second
	}
	if opts.PollMax == 0 {
		opts.PollMax = 15 * time.Second
	}
	if opts.Attempts == 0 {
		opts.Attempts = 8
	}
	if opts.Backoff == 0 {
		opts.Backoff = 500 * time.Millisecond
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	j, steps, err := openJournal(ctx, st, req)
	if err != nil {
		return nil, err
	}
	r := &run{cfg: c, req: req, tags: tags, opts: opts, base: awsCfg, j: j, steps: steps,
		rep: &Report{Name: req.Name, Email: req.Email, OU: req.OU, Tags: tags}, orgs: organizations.NewFromConfig(awsCfg)}
	if e, ok := steps["account"]; ok && e.status == stepDone {
		r.accountID = e.objectID
		r.rep.AccountID = e.objectID
	}
	return r, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// execute runs the steps in order; each is skipped when the journal
// says it is done.
func (r *run) execute(ctx context.Context) error {
	for _, s := range []struct {
		key string
		fn  func(context.Context) (outcome, error)
	}{
		{"account", r.createAccount}, {"ou", r.moveAccount}, {"tags", r.tagAccount}, {"contacts", r.putContacts},
	} {
		if _, err := r.do(ctx, s.key, s.fn); err != nil {
			return err
		}
	}
	if err := r.network(ctx); err != nil {
		return err
	}
	if err := r.defaultVPCs(ctx); err != nil {
		return err
	}
	// Last: AWS deploys the baseline to the account on its own once it
	// is in its OU, and the checks need the network settled.
	return r.baseline(ctx)
}

// outcome is what a step did: the id of the object it made or found,
// a detail for the report, and whether it found the work already done.
type outcome struct {
	id, detail string
	found      bool
}

// do runs one journaled step: skipped when done, else recorded as
// started, run, and recorded as done (or failed).
func (r *run) do(ctx context.Context, key string, fn func(context.Context) (outcome, error)) (string, error) {
	if e, ok := r.steps[key]; ok && e.status == stepDone {
		r.rep.add(StepResult{Step: key, Status: StatusAlready, ObjectID: e.objectID, Detail: e.detail})
		r.progress("%s: already done %s", key, e.objectID)
		return e.objectID, nil
	}
	if err := r.j.set(ctx, key, entry{status: stepStarted}); err != nil {
		return "", err
	}
	o, err := fn(ctx)
	if err != nil {
		r.rep.add(StepResult{Step: key, Status: StatusFailed, ObjectID: o.id, Error: err.Error()})
		if ctx.Err() == nil {
			_ = r.j.set(context.WithoutCancel(ctx), key, entry{status: stepFailed, objectID: o.id, detail: err.Error()})
		}
		return "", fmt.Errorf("%s: %w", key, err)
	}
	status := StatusDone
	if o.found {
		status = StatusAlready
	}
	r.rep.add(StepResult{Step: key, Status: status, ObjectID: o.id, Detail: o.detail})
	r.progress("%s: %s %s", key, status, o.id)
	r.steps[key] = entry{status: stepDone, objectID: o.id, detail: o.detail}
	return o.id, r.j.set(ctx, key, r.steps[key])
}

func (r *run) progress(format string, a ...any) {
	if r.opts.Progress != nil {
		fmt.Fprintf(r.opts.Progress, "account create %s: "+format+"\n", append([]any{r.req.Name}, a...)...)
	}
}

// errorCode returns the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// retryable are the codes of AWS's eventual consistency and of
// concurrent changes: an object made moments ago that a service does not
// see yet, a role not yet assumable, an organization busy with another
// change.
var retryable = map[string]bool{
	"ConcurrentModificationException": true, "TooManyRequestsException": true, "AccountNotFoundException": true,
	"InvalidVpcID.NotFound": true, "InvalidSubnetID.NotFound": true,
	"InvalidInternetGatewayID.NotFound": true, "InvalidRouteTableID.NotFound": true, "InvalidAllocationID.NotFound": true,
	"InvalidNatGatewayID.NotFound": true, "NatGatewayNotFound": true, "DependencyViolation": true,
	"CreateAccountStatusNotFoundException": true, "ServiceException": true,
}

// retry calls fn until it succeeds, fails with a code that is not
// retryable, or attempts run out; waits double from opts.Backoff.
func (r *run) retry(ctx context.Context, fn func() error) error {
	return r.retryOn(ctx, retryable, fn)
}

// retryOn is retry with its own set of retryable codes.
func (r *run) retryOn(ctx context.Context, codes map[string]bool, fn func() error) error {
	wait := r.opts.Backoff
	for i := 1; ; i++ {
		err := fn()
		if err == nil || !codes[errorCode(err)] || i >= r.opts.Attempts || ctx.Err() != nil {
			return err
		}
		if serr := r.opts.Sleep(ctx, wait); serr != nil {
			return err
		}
		wait = min(wait*2, 10*time.Second)
	}
}

// memberConfig returns the configuration acting in the new account: the
// role config.Organization.AccessRole names, assumed from the
// management account.
func (r *run) memberConfig(ctx context.Context) (aws.Config, error) {
	if r.member != nil {
		return *r.member, nil
	}
	var cfg aws.Config
	var err error
	if r.opts.Member != nil {
		cfg, err = r.opts.Member(ctx, r.accountID)
	} else {
		cfg, err = r.assumeAccess(ctx)
	}
	if err != nil {
		return aws.Config{}, fmt.Errorf("reaching account %s: %w", r.accountID, err)
	}
	r.member = &cfg
	return cfg, nil
}

func (r *run) assumeAccess(ctx context.Context) (aws.Config, error) {
	role := r.cfg.Organization.AccessRole()
	id, err := sts.NewFromConfig(r.base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return aws.Config{}, err
	}
	partition := "aws"
	if p := strings.SplitN(aws.ToString(id.Arn), ":", 3); len(p) == 3 && p[1] != "" {
		partition = p[1]
	}
	arn := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, r.accountID, role)
	cfg := r.base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(r.base), arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "orgrail-account-factory"
	}))
	// A role Organizations has just made may not be assumable at once.
	err = r.retryOn(ctx, map[string]bool{"AccessDenied": true, "AccessDeniedException": true}, func() error {
		_, err := cfg.Credentials.Retrieve(ctx)
		return err
	})
	if err != nil {
		return aws.Config{}, fmt.Errorf("assuming %s: %w", arn, err)
	}
	return cfg, nil
}
