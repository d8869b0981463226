package access

import (
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Answer is the engine's decision for one principal, action and
// resource, with the decision path.
type Answer struct {
	Principal         string               `json:"principal"`
	Kind              string               `json:"kind"`
	Account           string               `json:"account"`
	AccountName       string               `json:"accountName"`
	OU                string               `json:"ou"`
	Action            string               `json:"action"`
	Resource          string               `json:"resource"`
	Decision          authz.Decision       `json:"decision"`
	DecidedBy         authz.Layer          `json:"decidedBy"`
	MatchedStatements []authz.StatementRef `json:"matchedStatements"`
	MissingAllow      authz.Layer          `json:"missingAllow,omitempty"`
	Level             string               `json:"level,omitempty"`
	Explanation       []string             `json:"explanation,omitempty"`
}

// Query is a who-can or can question.
type Query struct {
	Action   string
	Resource string
	// Context is added to every request; aws:RequestedRegion defaults to
	// the resource's region and aws:SecureTransport to true.
	Context map[string][]string
	// All keeps denied answers too.
	All bool
}

// Stats counts what a question asked the engine.
type Stats struct {
	Principals int `json:"principals"`
	Decisions  int `json:"decisions"`
	Allowed    int `json:"allowed"`
}

// Principals lists every IAM principal of every account in the
// snapshot: each account's root user, its users and its roles.
func Principals(src *orgsnap.Source) ([]policy.Subject, error) {
	ids := src.Snap.Org.AccountIDs()
	details := make([]*accountPrincipals, len(ids))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, id string) {
			defer func() { <-sem; wg.Done() }()
			ap, err := principalsOf(src, id)
			mu.Lock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			details[i] = ap
			mu.Unlock()
		}(i, id)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	var out []policy.Subject
	for _, ap := range details {
		out = append(out, ap.subs...)
	}
	return out, nil
}

type accountPrincipals struct{ subs []policy.Subject }

func principalsOf(src *orgsnap.Source, acct string) (*accountPrincipals, error) {
	d, err := src.AuthDetails(acct)
	if err != nil {
		return nil, err
	}
	ap := &accountPrincipals{}
	root, _ := authz.ParsePrincipal(acct, "")
	ap.subs = append(ap.subs, root)
	for _, u := range d.UserDetailList {
		if u.Arn != nil {
			if s, ok := authz.ParsePrincipal(*u.Arn, ""); ok {
				ap.subs = append(ap.subs, s)
			}
		}
	}
	for _, r := range d.RoleDetailList {
		if r.Arn != nil {
			if s, ok := authz.ParsePrincipal(*r.Arn, ""); ok {
				ap.subs = append(ap.subs, s)
			}
		}
	}
	return ap, nil
}

// locator finds the account and region of a resource ARN, looking up
// S3 buckets (whose ARNs name neither) in the snapshot.
type locator struct {
	once    sync.Once
	buckets map[string][2]string // name → account, region
}

func (l *locator) locate(src *orgsnap.Source, arn string) (account, region string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return "", ""
	}
	account, region = parts[4], parts[3]
	if parts[2] == "s3" && account == "" {
		l.once.Do(func() { l.buckets = bucketIndex(src.Snap) })
		name, _, _ := strings.Cut(parts[5], "/")
		b := l.buckets[name]
		account, region = b[0], b[1]
	}
	return account, region
}

func bucketIndex(snap *snapshot.Snapshot) map[string][2]string {
	m := map[string][2]string{}
	for _, acct := range snap.Org.AccountIDs() {
		f := service(snap, acct, snapshot.Global, "s3")
		if f == nil {
			continue
		}
		var list struct{ Buckets []struct{ Name *string } }
		if _, err := f.Get("ListBuckets", &list); err != nil {
			continue
		}
		for _, b := range list.Buckets {
			if b.Name == nil {
				continue
			}
			region := "us-east-1"
			var loc struct{ LocationConstraint string }
			if ok, _ := f.GetResource("GetBucketLocation", *b.Name, &loc); ok && loc.LocationConstraint != "" {
				region = loc.LocationConstraint
			}
			m[*b.Name] = [2]string{acct, region}
		}
	}
	return m
}

// asker decides questions against one snapshot.
type asker struct {
	src *orgsnap.Source
	eng *authz.Engine
	loc locator
}

// ask decides one request for sub, filling in the snapshot's policies.
func (k *asker) ask(sub policy.Subject, action, resource string, ctx map[string][]string, explainAllowed, all bool) (*Answer, bool, error) {
	acct, region := k.loc.locate(k.src, resource)
	in := &authz.Input{Principal: sub, Action: action, Resource: resource, ResourceAccount: acct, Context: authz.NewContext(ctx)}
	if region == "" {
		region = "us-east-1"
	}
	in.Context.SetDefault("aws:RequestedRegion", region)
	in.Context.SetDefault("aws:SecureTransport", "true")
	if err := k.src.Fill(in); err != nil {
		return nil, false, err
	}
	d := k.eng.Decide(in)
	if d != authz.Allowed && !all {
		return nil, false, nil
	}
	res := k.eng.Evaluate(in, explainAllowed || d != authz.Allowed)
	o := k.src.Snap.Org
	return &Answer{Principal: sub.ARN, Kind: sub.Kind.String(), Account: sub.Account, AccountName: o.Name(sub.Account), OU: o.OUPath(sub.Account),
		Action: action, Resource: resource, Decision: res.Decision, DecidedBy: res.DecidedBy, MatchedStatements: res.MatchedStatements,
		MissingAllow: res.MissingAllow, Level: res.Level, Explanation: res.Explanation}, d == authz.Allowed, nil
}

// WhoCan asks the engine, for every principal of every account, whether
// it may perform q.Action on q.Resource, and returns the allowed ones
// (every one with q.All) with their decision path.
func WhoCan(src *orgsnap.Source, eng *authz.Engine, q Query) ([]Answer, Stats, error) {
	subs, err := Principals(src)
	if err != nil {
		return nil, Stats{}, err
	}
	k := &asker{src: src, eng: eng}
	st := Stats{Principals: len(subs), Decisions: len(subs)}
	answers := make([]*Answer, len(subs))
	errs := make([]error, len(subs))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(subs); i += workers {
				answers[i], _, errs[i] = k.ask(subs[i], q.Action, q.Resource, q.Context, true, q.All)
			}
		}(w)
	}
	wg.Wait()
	var out []Answer
	for i, a := range answers {
		if errs[i] != nil {
			return nil, st, errs[i]
		}
		if a != nil {
			out = append(out, *a)
			if a.Decision == authz.Allowed {
				st.Allowed++
			}
		}
	}
	sortAnswers(out)
	return out, st, nil
}

func sortAnswers(out []Answer) {
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if (a.Decision == authz.Allowed) != (b.Decision == authz.Allowed) {
			return a.Decision == authz.Allowed
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Principal != b.Principal {
			return a.Principal < b.Principal
		}
		return a.Resource < b.Resource
	})
}
