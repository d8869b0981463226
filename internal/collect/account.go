package collect

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// account collects one account: it checks that the role can be assumed,
// reads the enabled regions, then runs every service in every region.
func (r *run) account(ctx context.Context, a *org.Account) {
	cfg := r.creds.For(r.org.Partition(), a.Id)
	if err := r.acquire(ctx); err != nil {
		r.addGap(snapshot.Gap{Account: a.Id, Error: shortError(err)})
		return
	}
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	r.release()
	r.calls.Add(1)
	if err != nil {
		r.addGap(snapshot.Gap{Account: a.Id, Error: "cannot enter account: " + shortError(err), Code: errorCode(err)})
		return
	}
	regions, disabled, err := r.regions(ctx, cfg, a.Id)
	if err != nil {
		r.addGap(snapshot.Gap{Account: a.Id, Service: "ec2regions", Operation: "DescribeRegions", Error: shortError(err), Code: errorCode(err)})
		return
	}
	r.cover(a.Id, "", "")
	if len(disabled) > 0 {
		r.mu.Lock()
		r.coverage[a.Id].DisabledRegions = disabled
		r.mu.Unlock()
	}
	var wg sync.WaitGroup
	for _, svc := range r.services {
		targets := regions
		if svc.Global {
			targets = []string{snapshot.Global}
		}
		for _, region := range targets {
			r.mu.Lock()
			r.prog.Tasks++
			r.mu.Unlock()
			wg.Add(1)
			go func(svc snapshot.Service, region string) {
				defer wg.Done()
				r.task(ctx, cfg, a.Id, region, svc)
				r.mu.Lock()
				r.prog.TasksDone++
				r.mu.Unlock()
				r.report()
			}(svc, region)
		}
	}
	wg.Wait()
}

// regions returns the account's enabled regions, restricted to
// Options.Regions, and the regions left out because they are not enabled.
// The DescribeRegions answer is also kept as the ec2regions service file.
func (r *run) regions(ctx context.Context, cfg aws.Config, account string) (enabled, disabled []string, err error) {
	if err := r.acquire(ctx); err != nil {
		return nil, nil, err
	}
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	r.release()
	r.calls.Add(1)
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
		if len(want) > 0 && !want[name] {
			continue
		}
		switch aws.ToString(reg.OptInStatus) {
		case "opt-in-not-required", "opted-in", "":
			enabled = append(enabled, name)
		default:
			disabled = append(disabled, name)
		}
	}
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
// file when every operation answered (benign errors included). A failed
// operation becomes a gap and the file is not written, so --resume knows
// to collect it again.
func (r *run) task(ctx context.Context, cfg aws.Config, account, region string, svc snapshot.Service) {
	if svc.Name == "ec2regions" {
		return // written by regions
	}
	if r.opts.Resume && r.w.Has(account, region, svc.Name) {
		r.cover(account, region, svc.Name)
		return
	}
	fn := collectors[svc.Name]
	if fn == nil {
		return
	}
	c := cfg.Copy()
	if region != snapshot.Global {
		c.Region = region
	}
	j := &job{run: r, ctx: ctx, cfg: c, account: account, region: region, svc: svc,
		file: snapshot.NewServiceFile(account, region, svc.Name)}
	fn(j)
	if j.failed {
		return
	}
	if err := r.w.WriteService(j.file); err != nil {
		r.addGap(snapshot.Gap{Account: account, Region: region, Service: svc.Name, Error: "writing snapshot: " + err.Error()})
		return
	}
	r.cover(account, region, svc.Name)
}
