package rules

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Standards are the landing-zone standards some rules check (from the
// configuration's standards section).
type Standards struct {
	AllowedRegions   []string
	RequiredTags     []string
	LogRetentionDays int
	// ApprovedProductOUs are the OU paths (or Root) where EC2 instances
	// must come from a catalog product (catalog.requireApprovedProducts).
	ApprovedProductOUs []string
	// CrossAccountRoles are the roles the baseline and identity.roles
	// make in every member account under CrossAccountRoleOUs (Root
	// when empty).
	CrossAccountRoles   []ExpectedRole
	CrossAccountRoleOUs []string
}

// Options control an audit.
type Options struct {
	// Rules to run; nil means every built-in rule. Custom rules are
	// appended by the caller (see LoadCustom).
	Rules []*Rule
	// Framework keeps only the rules mapped to it (cis, fsbp, nist-csf,
	// control-tower); empty keeps all.
	Framework string
	Standards Standards
	// AuditAccount and LogArchiveAccount name (or give the id of) the
	// security accounts; empty means found from the organization
	// (delegated administrators, then account names).
	AuditAccount      string
	LogArchiveAccount string
	// Exceptions mute matching findings.
	Exceptions []Exception
	// Now decides which exceptions have expired; zero means time.Now.
	Now time.Time
	// Workers bounds parallel account evaluation; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called after each account is evaluated with
	// the accounts done and the total, from the evaluating goroutines
	// (it must be safe for concurrent use).
	Progress func(done, total int)
}

// Skipped is an account the audit did not evaluate, and why.
type Skipped struct {
	Account string `json:"account"`
	Name    string `json:"name"`
	Reason  string `json:"reason"`
}

// Result is an audit's outcome.
type Result struct {
	Report  *findings.Report
	Rules   []*Rule
	Skipped []Skipped
	// Partial is set when the snapshot has gaps or unreadable files.
	Partial bool
	// Unreadable lists the snapshot files that exist but could not be
	// read (corrupt or truncated): the audit is partial.
	Unreadable []Unreadable
}

// Summary returns compliance by framework, OU and account.
func (r *Result) Summary() *findings.Summary { return findings.Summarize(r.Report.Findings) }

// run is the state shared by every check of one audit.
type run struct {
	snap      *snapshot.Snapshot
	org       *org.Organization
	now       time.Time
	partition string
	std       Standards
	facts     *facts
	regions   map[string][]string
	ouPath    map[string]string
	bad       *badFiles
	edge      edgeFacts // the organization's bucket names (rules_cloudfront.go)
	// alarmChains memoizes alarmChain (rules_cloudwatch.go) per log
	// group and rule.
	alarmChains sync.Map
}

// view returns a view on one account's data that reports unreadable
// files to the run.
func (r *run) view(account string) *view {
	v := newView(r.snap, account)
	v.bad = r.bad
	return v
}

func (r *run) orgArn() string {
	if r.org.Arn != "" {
		return r.org.Arn
	}
	return fmt.Sprintf("arn:%s:organizations::%s:organization/%s", r.partition, r.org.MasterAccountId, r.org.Id)
}

func (r *run) regionsOf(account string) []string { return r.regions[account] }

// Audit runs the rules over a snapshot and returns every finding, muted
// where an exception matches.
func Audit(snap *snapshot.Snapshot, opt Options) (*Result, error) {
	rs := opt.Rules
	if rs == nil {
		rs = Builtin()
	}
	if opt.Framework != "" && !findings.ValidFramework(opt.Framework) {
		return nil, fmt.Errorf("unknown framework %q (want cis, fsbp, nist-csf or control-tower)", opt.Framework)
	}
	var selected []*Rule
	for _, r := range rs {
		if r.InFramework(opt.Framework) {
			selected = append(selected, r)
		}
	}
	if err := checkCatalogue(selected); err != nil {
		return nil, err
	}
	r := newRun(snap, opt)
	res := &Result{Rules: selected, Partial: snap.Manifest.Partial()}
	var all []findings.Finding
	for _, rule := range selected {
		if rule.Scope == ScopeOrg {
			c := &Ctx{run: r, rule: rule, Region: snapshot.Global, Account: r.org.Account(r.org.MasterAccountId)}
			all = append(all, r.eval(c)...)
		}
	}
	var accounts []*org.Account
	for i := range r.org.Accounts {
		a := &r.org.Accounts[i]
		if a.Status == org.StatusSuspended || a.Status == org.StatusPendingClosure || a.State == "SUSPENDED" || a.State == "CLOSED" {
			res.Skipped = append(res.Skipped, Skipped{Account: a.Id, Name: a.Name,
				Reason: "account is " + nonEmpty(a.State, a.Status) + ": AWS does not evaluate closed accounts"})
			continue
		}
		accounts = append(accounts, a)
	}
	all = r.evalAccounts(all, accounts, selected, opt.Workers, opt.Progress)
	r.finish(all, selected)
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	if res.Unreadable = r.bad.list(); len(res.Unreadable) > 0 {
		res.Partial = true
	}
	applyExceptions(all, opt.Exceptions, r.org, now)
	findings.Sort(all)
	infos := make(map[string]findings.RuleInfo, len(selected))
	for _, rule := range selected {
		infos[rule.ID] = rule.Info()
	}
	res.Report = &findings.Report{
		OrgID: r.org.Id, Partition: r.partition, ManagementAccount: r.org.MasterAccountId,
		SnapshotAt: snap.Manifest.CollectedAt, GeneratedAt: now.UTC(), Framework: opt.Framework,
		Rules: infos, Findings: all,
	}
	return res, nil
}

func newRun(snap *snapshot.Snapshot, opt Options) *run {
	r := &run{snap: snap, org: snap.Org, now: snap.Manifest.CollectedAt, std: opt.Standards,
		partition: snap.Org.Partition(), regions: map[string][]string{}, ouPath: map[string]string{}, bad: &badFiles{}}
	if snap.Manifest.Partition != "" {
		r.partition = snap.Manifest.Partition
	}
	if r.now.IsZero() {
		r.now = time.Now().UTC()
	}
	for _, c := range snap.Manifest.Coverage {
		r.regions[c.Account] = append([]string(nil), c.Regions...)
		sort.Strings(r.regions[c.Account])
	}
	for _, a := range snap.Org.Accounts {
		if _, ok := r.regions[a.Id]; !ok {
			r.regions[a.Id] = snap.Regions(a.Id)
		}
		r.ouPath[a.Id] = snap.Org.OUPath(a.Id)
	}
	r.facts = gatherFacts(r, opt)
	return r
}

// evalAccounts runs account and region rules for every account, the
// accounts spread over workers; each worker holds one account's data at
// a time.
//
// The findings are appended to out, grown once to the total: at 1,000
// accounts they are 665,000 findings of 300 bytes, and growing the slice
// by doubling, then copying it onto the organization rules' findings,
// held three copies at once.
func (r *run) evalAccounts(out []findings.Finding, accounts []*org.Account, rs []*Rule, workers int, progress func(done, total int)) []findings.Finding {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([][]findings.Finding, len(accounts))
	next := make(chan int)
	var wg sync.WaitGroup
	var done atomic.Int64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = r.evalAccount(accounts[i], rs)
				if progress != nil {
					progress(int(done.Add(1)), len(accounts))
				}
			}
		}()
	}
	for i := range accounts {
		next <- i
	}
	close(next)
	wg.Wait()
	n := 0
	for _, fs := range results {
		n += len(fs)
	}
	out = slices.Grow(out, n)
	for i, fs := range results {
		out = append(out, fs...)
		results[i] = nil // the account's own slice can go
	}
	return out
}

func (r *run) evalAccount(a *org.Account, rs []*Rule) []findings.Finding {
	v := r.view(a.Id)
	var out []findings.Finding
	for _, rule := range rs {
		v.rule = rule
		switch rule.Scope {
		case ScopeAccount:
			out = append(out, r.eval(&Ctx{run: r, rule: rule, Account: a, Region: snapshot.Global, v: v})...)
		case ScopeRegion:
			for _, region := range r.regionsOf(a.Id) {
				out = append(out, r.eval(&Ctx{run: r, rule: rule, Account: a, Region: region, v: v})...)
			}
		}
	}
	return out
}

// eval runs one check. An error returned by the check, or a panic,
// becomes an ERROR finding: nothing is silently PASSED.
func (r *run) eval(c *Ctx) (out []findings.Finding) {
	defer func() {
		if p := recover(); p != nil {
			c.Err("", fmt.Errorf("internal error in rule %s: %v", c.rule.ID, p))
			out = c.out
		}
	}()
	if err := c.rule.check(c); err != nil {
		c.Err("", err)
	}
	return c.out
}

// finish fills the fields every finding of a rule shares.
func (r *run) finish(fs []findings.Finding, rs []*Rule) {
	byID := make(map[string]*Rule, len(rs))
	for _, rule := range rs {
		byID[rule.ID] = rule
	}
	for i := range fs {
		f := &fs[i]
		rule := byID[f.RuleID]
		f.Title, f.Severity, f.Mappings = rule.Title, rule.Severity, rule.Mappings
		if f.Account != "" {
			f.AccountName = r.org.Name(f.Account)
			f.OU = r.ouPath[f.Account]
		}
		f.ID = findings.StableID(f.RuleID, f.Account, f.Region, f.ResourceArn)
	}
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
