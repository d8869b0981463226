package apply

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

// emptyOrg is an organization as CreateOrganization leaves it.
func emptyOrg() *org.Organization {
	return &org.Organization{Id: "o-exampleorg01", Arn: "arn:aws:organizations::111111111111:organization/o-exampleorg01",
		MasterAccountId: "111111111111", FeatureSet: "ALL", MasterAccountEmail: "aws+management@example.com",
		Roots: []org.Root{{Id: "r-ab12", Name: "Root", Arn: "arn:aws:organizations::111111111111:root/o-exampleorg01/r-ab12"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "aws+management@example.com", Status: "ACTIVE",
			ParentId: "r-ab12", JoinedMethod: "INVITED"}}}
}

type env struct {
	srv *awstest.Server
	st  *store.Store
	cfg *config.Config
}

func newEnv(t *testing.T, dir string) *env {
	t.Helper()
	ctx := context.Background()
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: &snapshot.Snapshot{Dir: t.TempDir(), Org: emptyOrg()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, diags, err := config.Load(dir)
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatalf("config: %v %v", err, diags)
	}
	return &env{srv: srv, st: st, cfg: c}
}

func (e *env) read(t *testing.T) *org.Organization {
	t.Helper()
	o, err := collect.Discover(context.Background(), e.srv.Config(context.Background(), e.srv.AdminCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (e *env) plan(t *testing.T) *plan.Plan {
	t.Helper()
	p, diags := plan.New(e.cfg, e.read(t), plan.Options{})
	for _, d := range diags {
		if d.Severity.Reaches(severity.High) && d.Code != plan.CodeLint {
			t.Fatalf("plan: %v", d)
		}
	}
	return p
}

func (e *env) apply(ctx context.Context, p *plan.Plan, opts Options) (*Report, error) {
	opts.PollEvery = 10 * time.Millisecond
	opts.Backoff = time.Millisecond
	return Run(ctx, e.srv.Config(ctx, e.srv.AdminCredentials()), e.st, p, opts)
}

// TestApplyExample builds the example landing zone on an empty local
// organization, then plans again and finds nothing to do.
func TestApplyExample(t *testing.T) {
	e := newEnv(t, "../../examples/landing-zone")
	p := e.plan(t)
	var progress strings.Builder
	rep, err := e.apply(context.Background(), p, Options{Progress: &progress})
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, progress.String())
	}
	if rep.Failed != 0 || rep.Done+rep.Already != len(p.Changes) {
		t.Fatalf("report: %+v", rep)
	}
	for _, s := range rep.Steps {
		if s.Status == StatusDone && s.RequestID == "" && s.Action != "tag" {
			t.Errorf("%s: no request id", s.Key)
		}
	}
	if again := e.plan(t); !again.Empty() {
		t.Fatalf("plan after apply: %v", keysOf(again))
	}
	last, err := LastApplied(context.Background(), e.st, p.OrgID)
	if err != nil || last == nil || last.Plan.ID() != p.ID() {
		t.Fatalf("last applied: %v %v", last, err)
	}
}

func keysOf(p *plan.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, c.Key)
	}
	return out
}

// TestApplyResumes interrupts apply at a journal write (counted over
// all runs: the first interruption at stopAt, another at 2*stopAt+3),
// applies again until done, and checks that the end state is the
// configuration with no duplicate object.
func TestApplyResumes(t *testing.T) {
	for _, stopAt := range []int{1, 2, 7, 30, 61, 100, 150} {
		e := newEnv(t, "../../examples/landing-zone")
		p := e.plan(t)
		writes, runs := 0, 0
		for {
			runs++
			if runs > 5 {
				t.Fatalf("stop at %d: not done after 5 runs", stopAt)
			}
			ctx, cancel := context.WithCancel(context.Background())
			_, err := e.apply(ctx, p, Options{AfterStep: func(int) {
				writes++
				if writes == stopAt || writes == 2*stopAt+3 {
					cancel()
				}
			}})
			cancel()
			if err == nil {
				break
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("stop at %d, run %d: %v", stopAt, runs, err)
			}
		}
		if again := e.plan(t); !again.Empty() {
			t.Fatalf("stop at %d: plan after apply: %v", stopAt, keysOf(again))
		}
		checkNoDuplicates(t, e.read(t))
	}
}

func checkNoDuplicates(t *testing.T, o *org.Organization) {
	t.Helper()
	seen := map[string]bool{}
	for _, u := range o.OrganizationalUnits {
		k := "ou " + u.ParentId + "/" + u.Name
		if seen[k] {
			t.Errorf("duplicate %s", k)
		}
		seen[k] = true
	}
	for _, a := range o.Accounts {
		k := "account " + strings.ToLower(a.Email)
		if seen[k] {
			t.Errorf("duplicate %s", k)
		}
		seen[k] = true
	}
	for _, p := range o.Policies {
		k := "policy " + p.Type + "/" + p.Name
		if seen[k] {
			t.Errorf("duplicate %s", k)
		}
		seen[k] = true
	}
}

// TestStalePlan refuses a plan whose policy changed since planning.
func TestStalePlan(t *testing.T) {
	e := newEnv(t, "../../examples/landing-zone")
	if _, err := e.apply(context.Background(), e.plan(t), Options{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyConfig(t, "../../examples/landing-zone", dir)
	f := filepath.Join(dir, "policies", "deny-all.json")
	os.WriteFile(f, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:Get*","Resource":"*"}]}`), 0o644)
	c, _, _ := config.Load(dir)
	p, _ := plan.New(c, e.read(t), plan.Options{})
	if len(p.Changes) != 1 {
		t.Fatalf("want one change: %v", keysOf(p))
	}
	// Someone else edits the policy between plan and apply.
	o := e.read(t)
	v := plan.NewView(o, c)
	pol := v.Policy(org.SCP, "deny-all")
	ctx := context.Background()
	other := *p
	other.Changes = []plan.Change{p.Changes[0]}
	other.Changes[0].After = &plan.Attrs{Description: "edited by hand", Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`}
	other.Changes[0].Result = "x"
	if _, err := e.apply(ctx, &other, Options{}); err != nil {
		t.Fatal(err)
	}
	_ = pol
	_, err := e.apply(ctx, p, Options{})
	if !IsStale(err) {
		t.Fatalf("want a stale plan error, got %v", err)
	}
}

func copyConfig(t *testing.T, src, dst string) {
	t.Helper()
	filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, _ := os.ReadFile(p)
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}
