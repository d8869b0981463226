package collect

import (
	"context"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// acctTasks counts the tasks of one account still to run.
type acctTasks struct {
	id   string
	left atomic.Int32
}

// task is one service in one account and region.
type task struct {
	cfg    aws.Config
	acct   *acctTasks
	region string
	svc    snapshot.Service
}

// schedule runs the collection: a few account workers enter accounts
// (assume the role, read the enabled regions) and queue their tasks;
// Concurrency task workers run them. Each task makes its calls one after
// another, so the task workers keep about Concurrency calls in flight and
// the accounts finish roughly in order.
func (r *run) schedule(ctx context.Context, accounts []*org.Account) {
	queue := make(chan task, r.opts.Concurrency)
	var tw sync.WaitGroup
	for i := 0; i < r.opts.Concurrency; i++ {
		tw.Add(1)
		go func() {
			defer tw.Done()
			for t := range queue {
				r.task(ctx, t)
			}
		}()
	}
	next := make(chan *org.Account)
	var aw sync.WaitGroup
	for i := 0; i < accountWorkers(r.opts.Concurrency, len(accounts)); i++ {
		aw.Add(1)
		go func() {
			defer aw.Done()
			for a := range next {
				r.account(ctx, a, queue)
			}
		}()
	}
	for _, a := range managementFirst(accounts, r.org.MasterAccountId) {
		next <- a
	}
	close(next)
	aw.Wait()
	close(queue)
	tw.Wait()
}

// managementFirst puts the management account first: it holds the
// organization-wide reads (Identity Center assignments for every account,
// the organization's policies), the longest chains of calls of the run,
// which must start early to end with the rest rather than after it.
func managementFirst(accounts []*org.Account, mgmt string) []*org.Account {
	out := make([]*org.Account, 0, len(accounts))
	for _, a := range accounts {
		if a.Id == mgmt {
			out = append(out, a)
		}
	}
	for _, a := range accounts {
		if a.Id != mgmt {
			out = append(out, a)
		}
	}
	return out
}

// accountWorkers is how many accounts are entered at once: enough to
// keep the task queue full while roles are assumed.
func accountWorkers(concurrency, accounts int) int {
	n := max(2, concurrency/16)
	return min(n, max(accounts, 1))
}

// account enters one account: it checks that the role can be assumed,
// reads the enabled regions, then queues every service in every region.
func (r *run) account(ctx context.Context, a *org.Account, queue chan<- task) {
	r.mu.Lock()
	r.prog.AccountsStarted++
	r.mu.Unlock()
	if ctx.Err() != nil {
		r.markInterrupted(a.Id)
		r.accountDone()
		return
	}
	cfg := r.creds.For(r.org.Partition(), a.Id)
	actx := withAccount(ctx, a.Id)
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(actx, &sts.GetCallerIdentityInput{})
	if err != nil {
		r.accountGap(ctx, snapshot.Gap{Account: a.Id, Error: "cannot enter account: " + shortError(err), Code: errorCode(err)})
		return
	}
	regions, disabled, err := r.regions(actx, cfg, a.Id)
	if err != nil {
		r.accountGap(ctx, snapshot.Gap{Account: a.Id, Service: "ec2regions", Operation: "DescribeRegions", Error: shortError(err), Code: errorCode(err)})
		return
	}
	r.cover(a.Id, "", "")
	r.mu.Lock()
	c := r.coverage[a.Id]
	c.DisabledRegions = disabled
	for _, reg := range regions {
		if !contains(c.Regions, reg) {
			c.Regions = append(c.Regions, reg)
		}
	}
	r.mu.Unlock()
	var tasks []task
	at := &acctTasks{id: a.Id}
	for _, svc := range r.services {
		if svc.Name == "ec2regions" {
			continue // written by regions
		}
		targets := regions
		if svc.Global {
			targets = []string{snapshot.Global}
		}
		for _, region := range targets {
			tasks = append(tasks, task{cfg: cfg, acct: at, region: region, svc: svc})
		}
	}
	if len(tasks) == 0 {
		r.accountDone()
		return
	}
	at.left.Store(int32(len(tasks)))
	r.mu.Lock()
	r.prog.Tasks += len(tasks)
	r.mu.Unlock()
	for _, t := range tasks {
		queue <- t
	}
}

// accountGap records why an account could not be entered; a failure
// caused by cancellation is an interruption instead.
func (r *run) accountGap(ctx context.Context, g snapshot.Gap) {
	if ctx.Err() != nil {
		r.markInterrupted(g.Account)
	} else {
		r.addGap(g)
	}
	r.accountDone()
}

func (r *run) markInterrupted(account string) {
	r.mu.Lock()
	r.interrupted[account] = true
	r.mu.Unlock()
}

func (r *run) accountDone() {
	r.mu.Lock()
	r.prog.AccountsDone++
	r.mu.Unlock()
	r.report()
}

// regions returns the account's enabled regions, restricted to
// Options.Regions, and the regions left out because they are not enabled.
// The DescribeRegions answer is also kept as the ec2regions service file.
func (r *run) regions(ctx context.Context, cfg aws.Config, account string) (enabled, disabled []string, err error) {
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		return nil, nil, err
	}
	if r.wants("ec2regions") && !(r.opts.Resume && r.w.Has(account, snapshot.Global, "ec2regions")) {
		f := snapshot.NewServiceFile(account, snapshot.Global, "ec2regions")
		if err := f.Set("DescribeRegions", out); err != nil {
			return nil, nil, err
		}
		if err := r.w.WriteService(f); err != nil {
			return nil, nil, err
		}
		r.cover(account, "", "ec2regions")
	}
	want := map[string]bool{}
	for _, reg := range r.opts.Regions {
		want[reg] = true
	}
	for _, reg := range out.Regions {
		name := aws.ToString(reg.RegionName)
		switch aws.ToString(reg.OptInStatus) {
		case "opt-in-not-required", "opted-in", "":
			if len(want) == 0 || want[name] {
				enabled = append(enabled, name)
			}
		default:
			disabled = append(disabled, name)
		}
	}
	sort.Strings(disabled)
	return enabled, disabled, nil
}

func (r *run) wants(service string) bool {
	for _, s := range r.services {
		if s.Name == service {
			return true
		}
	}
	return false
}

func (r *run) acquire(ctx context.Context) error {
	select {
	case r.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *run) release() { <-r.sem }

// task collects one service in one account and region and writes its
// file. A failed operation becomes a gap of that operation: the manifest
// lists it, the file names it (ServiceFile.Gaps) beside what was
// collected, and --resume collects such a file again. A task reached
// after cancellation is skipped and its account marked interrupted.
func (r *run) task(ctx context.Context, t task) {
	defer func() {
		r.mu.Lock()
		r.prog.TasksDone++
		r.mu.Unlock()
		if t.acct.left.Add(-1) == 0 {
			r.accountDone()
		} else {
			r.report()
		}
	}()
	account, region, svc := t.acct.id, t.region, t.svc
	if r.opts.Resume && r.w.Has(account, region, svc.Name) {
		r.cover(account, region, svc.Name)
		if svc.Name == "iam" {
			r.noteManagedFromFile(account)
		}
		return
	}
	if ctx.Err() != nil {
		r.markInterrupted(account)
		return
	}
	fn := collectors[svc.Name]
	if fn == nil {
		return
	}
	c := t.cfg.Copy()
	if region != snapshot.Global {
		c.Region = region
	}
	j := &job{run: r, ctx: withAccount(ctx, account), cfg: c, account: account, region: region, svc: svc,
		file: snapshot.NewServiceFile(account, region, svc.Name)}
	fn(j)
	if j.failed && ctx.Err() != nil {
		return // interrupted: collected again on --resume
	}
	// A failed operation is a gap of that operation only: the file keeps
	// what was collected and names what was not (ServiceFile.Gaps), so
	// rules that do not read it still evaluate.
	if err := r.w.WriteService(j.file); err != nil {
		r.addGap(snapshot.Gap{Account: account, Region: region, Service: svc.Name, Error: "writing snapshot: " + err.Error()})
		return
	}
	r.cover(account, region, svc.Name)
}

// noteManagedFromFile reads the AWS-managed policies attached in an
// account from its already collected IAM file (resume), so their
// documents are still collected.
func (r *run) noteManagedFromFile(account string) {
	f, err := snapshot.ReadServiceFile(filepath.Join(r.w.Dir, snapshot.Path(account, snapshot.Global, "iam")))
	if err != nil {
		return
	}
	var d iam.GetAccountAuthorizationDetailsOutput
	if ok, err := f.Get("GetAccountAuthorizationDetails", &d); ok && err == nil {
		r.noteManaged(&d)
	}
}
