// Package collect turns AWS into a snapshot: it discovers the
// organization, reaches every account through assumed roles (role chains
// included), finds each account's enabled regions and calls, per account,
// region and service, exactly the operations that snapshot.Catalog lists.
//
// Collection is honest about gaps: an account whose role cannot be
// assumed, a region that times out, an API that answers AccessDenied are
// recorded in the manifest and the run goes on. Service files are written
// only when whole, so an interrupted run leaves a consistent snapshot
// that Resume completes.
package collect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Options configure a collection. The zero value collects every account,
// every enabled region and every catalog service with the
// OrganizationAccountAccessRole.
type Options struct {
	Out             string   // snapshot directory (DIR/snapshot is used when Out is a parent)
	Accounts        []string // account ids to collect; empty means all
	OUs             []string // OU ids or name paths ("Workloads/Prod"); accounts below them
	Regions         []string // regions to collect; empty means every enabled region
	Services        []string // catalog service names; empty means all
	RoleName        string
	RoleARNTemplate string // e.g. arn:aws:iam::{account}:role/Audit
	RoleChain       []string
	ExternalID      string
	SessionName     string
	Duration        time.Duration
	Concurrency     int // API calls in flight; default DefaultConcurrency
	// Rates overrides DefaultRates, per service (SDK package name).
	Rates map[string]Rate
	// CallTimeout bounds each attempt of each call (default 60 s): a
	// region or endpoint that does not answer becomes a gap.
	CallTimeout time.Duration
	Resume      bool // collect only what the snapshot in Out lacks
	HomeRegion  string
	Version     string // orgrail version for the manifest

	// Standalone lists accounts to collect without AWS Organizations
	// (reached through RoleChain from a jump account). When set, the
	// organization is not read.
	Standalone []org.Account

	// Progress, when set, receives progress after every task.
	Progress func(Progress)
}

// Progress is a running count, reported as the collection goes.
type Progress struct {
	AccountsTotal   int           `json:"accountsTotal"`
	AccountsStarted int           `json:"accountsStarted"`
	AccountsDone    int           `json:"accountsDone"`
	Tasks           int           `json:"tasks"`
	TasksDone       int           `json:"tasksDone"`
	Calls           int64         `json:"calls"`
	Throttles       int64         `json:"throttles"`
	Errors          int64         `json:"errors"`
	Elapsed         time.Duration `json:"-"`
}

// ETA estimates the time left from the tasks done so far, extrapolating
// the tasks of the accounts not yet started from those started.
func (p Progress) ETA() (time.Duration, bool) {
	if p.TasksDone == 0 || p.AccountsStarted == 0 {
		return 0, false
	}
	total := float64(p.Tasks) * float64(p.AccountsTotal) / float64(p.AccountsStarted)
	left := total - float64(p.TasksDone)
	if left < 0 {
		left = 0
	}
	return time.Duration(float64(p.Elapsed) / float64(p.TasksDone) * left), true
}

// Result is what a collection produced.
type Result struct {
	Dir       string
	Manifest  *snapshot.Manifest
	Calls     int64 // API calls made, every attempt counted
	Throttles int64 // attempts AWS throttled (and the SDK retried)
	Elapsed   time.Duration
}

// Partial reports whether the snapshot has gaps.
func (r *Result) Partial() bool { return r.Manifest.Partial() }

// run is the state of one collection.
type run struct {
	opts      *Options
	creds     *Credentials
	org       *org.Organization
	w         *snapshot.Writer
	services  []snapshot.Service
	sem       chan struct{}
	start     time.Time
	calls     atomic.Int64
	throttles atomic.Int64
	errs      atomic.Int64
	limits    *limits

	mu       sync.Mutex
	gaps     []snapshot.Gap
	coverage map[string]*snapshot.Coverage
	managed  map[string]bool // AWS-managed policy ARNs attached somewhere
	// managedFetch reads their documents as they are found (nil when
	// resuming a snapshot that has them).
	managedFetch *managedFetch
	interrupted  map[string]bool // accounts left incomplete by cancellation
	prog         Progress

	sharedMu    sync.Mutex
	sharedCalls map[string]*sharedCall
}

// Run collects into opts.Out using base (the starting identity from the
// standard credential chain). It returns a result even when the context
// is cancelled: the snapshot is then committed with "interrupted" gaps.
func Run(ctx context.Context, base aws.Config, opts Options) (*Result, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 60 * time.Second
	}
	if opts.HomeRegion == "" {
		opts.HomeRegion = base.Region
	}
	if opts.HomeRegion == "" {
		opts.HomeRegion = "us-east-1"
	}
	base.Region = opts.HomeRegion
	services, err := selectServices(opts.Services)
	if err != nil {
		return nil, err
	}
	dir := snapshotDir(opts.Out)
	r := &run{opts: &opts, services: services, sem: make(chan struct{}, opts.Concurrency), start: time.Now(),
		coverage: map[string]*snapshot.Coverage{}, managed: map[string]bool{}, limits: newLimits(opts.Rates),
		interrupted: map[string]bool{}}
	base.APIOptions = append(append([]func(*middleware.Stack) error{}, base.APIOptions...), r.instrument)
	base.HTTPClient = keepConnections(base.HTTPClient, opts.Concurrency)
	var prev *snapshot.Manifest
	if opts.Resume {
		prev = readPrevious(dir)
	}
	if r.creds, err = newCredentials(ctx, base, &opts); err != nil {
		return nil, err
	}
	var details func() error
	if len(opts.Standalone) > 0 {
		r.org = standaloneOrg(opts.Standalone)
	} else {
		dcfg := r.creds.For(r.creds.Partition(), r.creds.Caller())
		if r.org, err = discoverStructure(ctx, dcfg); err != nil {
			return nil, err
		}
		details = r.discoverDetailsAsync(ctx, dcfg)
	}
	accounts, err := r.selectAccounts()
	if err != nil {
		return nil, err
	}
	if err := clearPrevious(dir, opts.Resume); err != nil {
		return nil, err
	}
	if r.w, err = snapshot.Create(dir, r.org); err != nil {
		return nil, err
	}
	if prev != nil {
		r.keepPrevious(prev)
	}
	r.prog.AccountsTotal = len(accounts)
	r.managedFetch = r.startManaged(ctx)
	r.schedule(ctx, accounts)
	if details != nil {
		if err := details(); err != nil {
			r.addGap(snapshot.Gap{Account: r.org.MasterAccountId, Service: "organizations", Error: shortError(err), Code: errorCode(err)})
		}
		if err := r.w.WriteOrg(r.org); err != nil {
			return nil, err
		}
	}
	r.finishManaged(ctx)
	return r.commit()
}

// discoverDetailsAsync reads the organization's tags, policies and
// delegations while the accounts are collected; the returned function
// waits for them and applies them to r.org.
func (r *run) discoverDetailsAsync(ctx context.Context, cfg aws.Config) func() error {
	type result struct {
		d   *orgDetails
		err error
	}
	ch := make(chan result, 1)
	o := *r.org
	go func() {
		d, err := discoverDetails(ctx, cfg, &o)
		ch <- result{d, err}
	}()
	return func() error {
		res := <-ch
		if res.err != nil {
			return res.err
		}
		return res.d.apply(r.org)
	}
}

// keepConnections raises the idle connections the SDK's default HTTP
// client keeps (10 per host, 100 in all) to the calls the collector keeps
// in flight: with fewer, most calls to a busy endpoint (EC2 in one region,
// IAM) would close their connection after the answer and the next call
// would open, and TLS-handshake, a new one. A client the caller built
// itself is left as it is.
func keepConnections(c aws.HTTPClient, concurrency int) aws.HTTPClient {
	if c == nil {
		c = awshttp.NewBuildableClient()
	}
	b, ok := c.(*awshttp.BuildableClient)
	if !ok {
		return c
	}
	return b.WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, concurrency)
		t.MaxIdleConns = max(t.MaxIdleConns, 4*concurrency)
	})
}

// DefaultConcurrency is the number of API calls in flight when
// Options.Concurrency is not set.
const DefaultConcurrency = 256

func snapshotDir(out string) string {
	if filepath.Base(out) != "snapshot" {
		return filepath.Join(out, "snapshot")
	}
	return out
}

// commit writes the manifest: the commit point of the snapshot.
func (r *run) commit() (*Result, error) {
	for a := range r.interrupted {
		r.gaps = append(r.gaps, snapshot.Gap{Account: a, Error: "interrupted"})
	}
	m := &snapshot.Manifest{
		OrgID: r.org.Id, CollectedAt: time.Now().UTC(), OrgrailVersion: r.opts.Version,
		Source: "collect", Partition: r.org.Partition(), Gaps: r.gaps,
	}
	m.SortGaps()
	for _, c := range r.coverage {
		sort.Strings(c.Regions)
		sort.Strings(c.Services)
		m.Coverage = append(m.Coverage, *c)
	}
	sort.Slice(m.Coverage, func(i, j int) bool { return m.Coverage[i].Account < m.Coverage[j].Account })
	if err := r.w.Commit(m); err != nil {
		return nil, err
	}
	return &Result{Dir: r.w.Dir, Manifest: m, Calls: r.calls.Load(), Throttles: r.throttles.Load(), Elapsed: time.Since(r.start)}, nil
}

func selectServices(names []string) ([]snapshot.Service, error) {
	if len(names) == 0 {
		return snapshot.Catalog, nil
	}
	var out []snapshot.Service
	for _, n := range names {
		s, ok := snapshot.LookupService(strings.TrimSpace(n))
		if !ok {
			return nil, fmt.Errorf("unknown service %q (known: %s)", n, strings.Join(snapshot.ServiceNames(), ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

func standaloneOrg(accts []org.Account) *org.Organization {
	o := &org.Organization{Id: "standalone", Accounts: accts}
	_ = o.Index()
	return o
}

// selectAccounts applies --accounts and --ous, and leaves out accounts
// that cannot be entered (suspended or closing).
func (r *run) selectAccounts() ([]*org.Account, error) {
	want := map[string]bool{}
	for _, id := range r.opts.Accounts {
		if r.org.Account(id) == nil {
			return nil, fmt.Errorf("account %s is not in organization %s", id, r.org.Id)
		}
		want[id] = true
	}
	for _, ou := range r.opts.OUs {
		id := r.resolveOU(ou)
		if id == "" {
			return nil, fmt.Errorf("OU %q is not in organization %s", ou, r.org.Id)
		}
		for _, a := range r.org.AccountsUnder(id) {
			want[a.Id] = true
		}
	}
	var out []*org.Account
	for i := range r.org.Accounts {
		a := &r.org.Accounts[i]
		if len(want) > 0 && !want[a.Id] {
			continue
		}
		if a.Status == org.StatusSuspended || a.Status == org.StatusPendingClosure {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// resolveOU accepts an OU id or a name path below the root.
func (r *run) resolveOU(s string) string {
	if r.org.OU(s) != nil {
		return s
	}
	for _, ou := range r.org.OrganizationalUnits {
		p := r.org.PathNames(ou.Id)
		if i := strings.IndexByte(p, '/'); i >= 0 && p[i+1:] == strings.Trim(s, "/") {
			return ou.Id
		}
	}
	return ""
}

// clearPrevious prepares an existing snapshot directory: the manifest is
// removed first, so that until this run commits the directory reads as
// incomplete (a killed run is then resumable, never mistaken for whole);
// without --resume the previous service files go too, so nothing from an
// older collection is mixed into this one.
func clearPrevious(dir string, resume bool) error {
	if err := os.Remove(filepath.Join(dir, "manifest.json")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("snapshot %s: %w", dir, err)
	}
	if resume {
		return nil
	}
	if err := os.RemoveAll(filepath.Join(dir, "accounts")); err != nil {
		return fmt.Errorf("snapshot %s: removing the previous collection: %w", dir, err)
	}
	return nil
}

func readPrevious(dir string) *snapshot.Manifest {
	s, err := snapshot.Open(dir)
	if err != nil {
		return nil
	}
	return &s.Manifest
}

// keepPrevious carries forward the coverage of a resumed snapshot; its
// gaps are dropped because what they name is collected again.
func (r *run) keepPrevious(m *snapshot.Manifest) {
	for _, c := range m.Coverage {
		c := c
		r.coverage[c.Account] = &c
	}
}

func (r *run) addGap(g snapshot.Gap) {
	r.errs.Add(1)
	r.mu.Lock()
	r.gaps = append(r.gaps, g)
	r.mu.Unlock()
}

func (r *run) cover(account, region, service string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.coverage[account]
	if c == nil {
		c = &snapshot.Coverage{Account: account}
		r.coverage[account] = c
	}
	if region != "" && region != snapshot.Global && !contains(c.Regions, region) {
		c.Regions = append(c.Regions, region)
	}
	if service != "" && !contains(c.Services, service) {
		c.Services = append(c.Services, service)
	}
}

func (r *run) report() {
	if r.opts.Progress == nil {
		return
	}
	r.mu.Lock()
	p := r.prog
	r.mu.Unlock()
	p.Calls, p.Throttles, p.Errors, p.Elapsed = r.calls.Load(), r.throttles.Load(), r.errs.Load(), time.Since(r.start)
	r.opts.Progress(p)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
