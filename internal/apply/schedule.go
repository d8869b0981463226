package apply

import (
	"context"
	"fmt"
	"sync"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
)

// DefaultParallel is how many changes apply runs at once by default.
// Organizations throttles per account and per API (the rate limiter
// keeps the pace); a few calls in flight hide each call's latency.
const DefaultParallel = 4

// execute runs the changes, at most Parallel at a time. A change starts
// once every change it waits for is done:
//
//   - the changes of the previous phase of the plan (plan.Phase: policy
//     types, trusted access, OUs, account creations, moves, ...), so the
//     plan's dependency order holds as when run one by one;
//   - the changes it lists in DependsOn (OU parents, in the same phase);
//   - the earlier changes of its phase on the same object (one account,
//     OU, policy, attachment target, service), which AWS would answer
//     with ConcurrentModificationException; OU deletions and account
//     closures run one at a time.
//
// After a failure no new change starts; the ones in flight finish and
// are journaled, the rest are reported skipped. The journal is the same
// as in a serial run, so a resumed apply needs nothing more.
func (r *run) execute(ctx context.Context) error {
	n := len(r.p.Changes)
	results := make([]StepResult, n)
	errs := make([]error, n)
	deps := waitsFor(r.p.Changes)
	if r.opts.Parallel <= 1 {
		for i := range deps {
			deps[i] = nil
			if i > 0 {
				deps[i] = []int{i - 1} // one by one, in plan order
			}
		}
	}
	done := make([]chan struct{}, n)
	for i := range done {
		done[i] = make(chan struct{})
	}
	ok := make([]bool, n)
	sem := make(chan struct{}, max(r.opts.Parallel, 1))
	var (
		mu       sync.Mutex
		stop     bool
		finished int
		wg       sync.WaitGroup
	)
	for i := range r.p.Changes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer close(done[i])
			ch := &r.p.Changes[i]
			for _, d := range deps[i] {
				<-done[d]
				if !ok[d] {
					results[i] = skipped(ch)
					return
				}
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			mu.Lock()
			halted := stop
			mu.Unlock()
			if halted {
				results[i] = skipped(ch)
				return
			}
			res, err := r.step(ctx, i, ch)
			results[i], errs[i], ok[i] = res, err, err == nil
			mu.Lock()
			finished++
			if err != nil {
				stop = true
			}
			r.progress("[%d/%d] %s %s %s: %s%s", finished, n, ch.Action.Symbol(), ch.Action, ch.Address, res.Status, detail(res))
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	r.rep.Steps = results
	var first error
	for i, res := range results {
		switch res.Status {
		case StatusDone:
			r.rep.Done++
		case StatusAlready:
			r.rep.Already++
		case StatusFailed:
			r.rep.Failed++
		}
		if errs[i] != nil && first == nil {
			ch := &r.p.Changes[i]
			first = fmt.Errorf("%s %s: %w", ch.Action, ch.Address, errs[i])
		}
	}
	return first
}

func skipped(ch *plan.Change) StepResult {
	return StepResult{Key: ch.Key, Address: ch.Address, Action: string(ch.Action), Status: StatusSkipped}
}

// waitsFor returns, for each change, the indexes of the changes it must
// wait for (see execute).
func waitsFor(chs []plan.Change) [][]int {
	idx := map[string]int{}
	for i, c := range chs {
		idx[c.Key] = i
	}
	out := make([][]int, len(chs))
	var prevGroup, group []int
	lastOn := map[string]int{}
	for i, c := range chs {
		if i > 0 && plan.Phase(c) != plan.Phase(chs[i-1]) {
			prevGroup, group = group, nil
			lastOn = map[string]int{}
		}
		ws := append([]int(nil), prevGroup...)
		for _, d := range c.DependsOn {
			if j, ok := idx[d]; ok && j < i {
				ws = append(ws, j)
			}
		}
		obj := objectOf(c)
		if j, ok := lastOn[obj]; ok {
			ws = append(ws, j)
		}
		lastOn[obj] = i
		group = append(group, i)
		out[i] = ws
	}
	return out
}

// objectOf names what a change modifies, for serialising changes of one
// phase on the same object.
func objectOf(c plan.Change) string {
	r := c.Ref
	switch c.Kind {
	case plan.KindOU:
		if c.Action == plan.Delete {
			return "ou-delete"
		}
		return "ou:" + r.OU
	case plan.KindAccount:
		if c.Action == plan.Close {
			return "account-close"
		}
		return "account:" + r.Account
	case plan.KindContact:
		return "contact:" + r.Account
	case plan.KindPolicy:
		return "policy:" + r.PolicyType + "/" + r.Policy
	case plan.KindAttachment:
		return "target:" + r.Target
	case plan.KindDelegatedAdm:
		return "delegated:" + r.Service
	case plan.KindTrustedAccess:
		return "trusted:" + r.Service
	case plan.KindBaseline:
		return "baseline" // one at a time: the steps share the baseline's state
	case plan.KindCatalog:
		return "catalog" // one at a time: the steps share the catalog's state
	}
	if plan.IsIdentity(c.Kind) {
		return "identity-center" // one at a time: the steps share the instance's state
	}
	return string(c.Kind) + ":" + r.PolicyType
}

// cloneOrg copies o deeply enough that plan.Effect on the copy leaves o
// as it was: every slice Effect edits in place is copied. The copy must
// be indexed.
func cloneOrg(o *org.Organization) *org.Organization {
	cp := *o
	cp.Roots = make([]org.Root, len(o.Roots))
	for i, r := range o.Roots {
		r.PolicyTypes = append([]org.PolicyTypeSummary(nil), r.PolicyTypes...)
		cp.Roots[i] = r
	}
	cp.OrganizationalUnits = append([]org.OU(nil), o.OrganizationalUnits...)
	cp.Accounts = make([]org.Account, len(o.Accounts))
	for i, a := range o.Accounts {
		a.AlternateContacts = append([]org.AlternateContact(nil), a.AlternateContacts...)
		cp.Accounts[i] = a
	}
	cp.Policies = make([]org.Policy, len(o.Policies))
	for i, p := range o.Policies {
		p.Targets = append([]string(nil), p.Targets...)
		cp.Policies[i] = p
	}
	cp.DelegatedAdministrators = make([]org.DelegatedAdministrator, len(o.DelegatedAdministrators))
	for i, d := range o.DelegatedAdministrators {
		d.ServicePrincipals = append([]string(nil), d.ServicePrincipals...)
		cp.DelegatedAdministrators[i] = d
	}
	cp.EnabledServicePrincipals = append([]org.ServicePrincipal(nil), o.EnabledServicePrincipals...)
	return &cp
}
