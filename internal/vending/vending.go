// Package vending is orgrail's account factory: it creates an AWS
// account through Organizations, moves it to its OU, tags it from the
// standards, sets its alternate contacts, builds the standard VPC of
// standards.network (CIDR from a pool, subnets per zone and tier, NAT,
// flow logs to Log Archive), deletes the default VPC of every enabled
// Region, and reports what it did and what still needs a person.
//
// Every step finds what an earlier, interrupted run made before it makes
// anything (resources carry a vending tag; CreateAccount requests are
// found by name) and the run keeps a journal in the state store, so
// running the same request again finishes a half-made account.
package vending

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/store"
)

// Request is one account to vend, as `orgrail account create` takes it.
type Request struct {
	Name   string            `json:"name"`
	Email  string            `json:"email"`
	OU     string            `json:"ou"`
	Owner  string            `json:"owner"`
	Env    string            `json:"env"`
	System string            `json:"system,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
}

// Key identifies a request in the journal: its root email, lower case.
func (r Request) Key() string { return strings.ToLower(strings.TrimSpace(r.Email)) }

// BaselineResult is what the baseline hook reports for a new account.
type BaselineResult struct {
	// Applied lists what the baseline put in place.
	Applied []string
	// Verified is true when the baseline was read back and found whole.
	Verified bool
	// Detail is shown in the report.
	Detail string
}

// Options tune a vending run.
type Options struct {
	// Progress receives one line per step (stderr in the CLI); nil for none.
	Progress io.Writer
	// PollEvery is the first wait between status checks of CreateAccount
	// and NAT gateways (default 1s), doubling up to PollMax (default 15s).
	PollEvery, PollMax time.Duration
	// Attempts per call on eventual-consistency errors (default 8) and
	// the first wait between them (default 500ms).
	Attempts int
	Backoff  time.Duration
	// Sleep waits between polls and retries; default a timer that ends
	// early when ctx is done. Tests and benchmarks count waits here.
	Sleep func(ctx context.Context, d time.Duration) error
	// Member returns the configuration that acts in the new account;
	// default: assume the configuration's access role from awsCfg.
	Member func(ctx context.Context, accountID string) (aws.Config, error)
	// Baseline applies and verifies the security baseline in the new
	// account. Nil leaves the step pending (reported, not faked).
	Baseline func(ctx context.Context, accountID string) (BaselineResult, error)
}

// RequestError is a request the factory refuses before changing
// anything (bad or missing input).
type RequestError struct{ Problems []string }

func (e *RequestError) Error() string { return "account create: " + strings.Join(e.Problems, "; ") }

// IsRequestError reports whether err is a refused request.
func IsRequestError(err error) bool {
	var r *RequestError
	return errors.As(err, &r)
}

var accountName = regexp.MustCompile(`^[\x20-\x7E]{1,50}$`)

// Check validates a request against the configuration: the fields
// themselves, the OU (declared in the configuration), and every tag
// standards.requiredTags asks for. It returns the account's tags.
func Check(c *config.Config, req Request) (map[string]string, error) {
	var p []string
	if !accountName.MatchString(req.Name) {
		p = append(p, fmt.Sprintf("--name %q: an account name is 1-50 printable ASCII characters", req.Name))
	}
	if a, err := mail.ParseAddress(req.Email); err != nil || a.Address != req.Email || len(req.Email) < 6 || len(req.Email) > 64 {
		p = append(p, fmt.Sprintf("--email %q is not an email address of 6-64 characters", req.Email))
	}
	switch {
	case req.OU == "":
		p = append(p, "--ou is required (an OU path such as Workloads/Prod)")
	case req.OU != config.RootPath && c.OU(req.OU) == nil:
		p = append(p, fmt.Sprintf("--ou %q is not an OU of the configuration (%s)", req.OU, strings.Join(ouPaths(c), ", ")))
	}
	if req.Owner == "" {
		p = append(p, "--owner is required")
	}
	if req.Env == "" {
		p = append(p, "--env is required")
	}
	tags := Tags(c, req)
	var missing []string
	for _, k := range c.Standards.RequiredTags {
		if tags[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		p = append(p, fmt.Sprintf("standards.requiredTags needs %s: give them with --tag KEY=VALUE (or --owner/--env/--system)", strings.Join(missing, ", ")))
	}
	if len(p) > 0 {
		return nil, &RequestError{Problems: p}
	}
	return tags, nil
}

func ouPaths(c *config.Config) []string {
	out := []string{config.RootPath}
	for _, o := range c.OUs {
		out = append(out, o.Path)
	}
	return out
}

// Tags returns the account's tags: --tag values, then owner, env and
// system under the keys standards.requiredTags spells for them (Owner,
// Environment and System when it names none).
func Tags(c *config.Config, req Request) map[string]string {
	out := maps.Clone(req.Tags)
	if out == nil {
		out = map[string]string{}
	}
	set := func(value string, names ...string) {
		if value == "" {
			return
		}
		key := names[0]
		for _, k := range c.Standards.RequiredTags {
			if slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(k, n) }) {
				key = k
				break
			}
		}
		out[key] = value
	}
	set(req.Owner, "Owner")
	set(req.Env, "Environment", "Env")
	set(req.System, "System")
	return out
}

// Run vends the account of req: a new run, or the rest of an earlier
// one for the same email. The report is returned whenever the run got
// as far as opening its journal, with the error of the step that
// stopped it.
func Run(ctx context.Context, awsCfg aws.Config, st *store.Store, c *config.Config, req Request, opts Options) (*Report, error) {
	tags, err := Check(c, req)
	if err != nil {
		return nil, err
	}
	r, err := newRun(ctx, awsCfg, st, c, req, tags, opts)
	if err != nil {
		return nil, err
	}
	err = r.execute(ctx)
	r.rep.finish()
	status := "done"
	switch {
	case err != nil:
		status = "failed"
	case len(r.rep.Pending) > 0:
		status = "running"
	}
	if ferr := r.j.finish(context.WithoutCancel(ctx), status, r.rep); ferr != nil && err == nil {
		err = ferr
	}
	return r.rep, err
}
