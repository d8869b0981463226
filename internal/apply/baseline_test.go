package apply

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
)

// baselineEnv is the example landing zone with a baseline section, on
// an empty local organization.
func baselineEnv(t *testing.T) (*env, *baseline.AWS) {
	t.Helper()
	dir := copyExample(t)
	if err := os.WriteFile(filepath.Join(dir, "baseline.yaml"), []byte("baseline:\n  targets: [Workloads, Sandbox]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, dir)
	ctx := context.Background()
	b := &baseline.AWS{Management: e.srv.Config(ctx, e.srv.AdminCredentials()), Poll: 1,
		For: func(account string) aws.Config { return e.srv.Config(ctx, e.srv.AccountCredentials(account)) }}
	return e, b
}

func copyExample(t *testing.T) string {
	t.Helper()
	src, dst := "../../examples/landing-zone", t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// planBaseline plans with the baseline's state read through the SDK.
func planBaseline(t *testing.T, e *env, b *baseline.AWS) *plan.Plan {
	t.Helper()
	o := e.read(t)
	var st *baseline.State
	if s, _ := baseline.Resolve(e.cfg, o); s != nil && s.AuditID != "" {
		var err error
		if st, err = b.Read(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	p, diags := plan.NewWithBaseline(e.cfg, o, st, plan.Options{})
	for _, d := range diags {
		if d.Severity.Reaches(severity.High) && d.Code != plan.CodeLint {
			t.Fatalf("plan: %v", d)
		}
	}
	return p
}

// TestApplyBaseline builds the example landing zone, then its baseline,
// on the local AWS through the SDK: StackSets with their instances, the
// organization trail, the services' delegated administrators and
// auto-enable, the aggregator and the analyzers. Planning again finds
// nothing to do, and the account baseline StackSet reaches every
// account of its target OUs.
func TestApplyBaseline(t *testing.T) {
	e, b := baselineEnv(t)
	ctx := context.Background()
	first := planBaseline(t, e, b)
	if _, err := e.apply(ctx, first, Options{BaselineAWS: b}); err != nil {
		t.Fatalf("first apply: %v", err)
	}
	p := planBaseline(t, e, b)
	n := 0
	for _, ch := range p.Changes {
		if ch.Kind == plan.KindBaseline {
			n++
		}
	}
	if n != 13 {
		t.Fatalf("%d baseline changes, want 13: %v", n, keysOf(p))
	}
	var progress strings.Builder
	rep, err := e.apply(ctx, p, Options{BaselineAWS: b, Progress: &progress})
	if err != nil || rep.Failed != 0 {
		t.Fatalf("baseline apply: %v %+v\n%s", err, rep, progress.String())
	}
	if again := planBaseline(t, e, b); !again.Empty() {
		t.Fatalf("plan after the baseline: %v", keysOf(again))
	}
	home := b.Management.Copy()
	home.Region = e.cfg.Organization.HomeRegion
	cf := cloudformation.NewFromConfig(home)
	out, err := cf.ListStackInstances(ctx, &cloudformation.ListStackInstancesInput{StackSetName: aws.String(baseline.StackSetAccount)})
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]bool{}
	for _, in := range out.Summaries {
		accounts[aws.ToString(in.Account)] = true
	}
	o := e.read(t)
	want := 0
	for _, a := range o.Accounts {
		path := o.PathNames(a.Id)
		if strings.Contains(path, "Workloads") || strings.Contains(path, "Sandbox") {
			want++
			if !accounts[a.Id] {
				t.Errorf("account %s (%s) has no baseline instance", a.Name, path)
			}
		}
	}
	if want == 0 || len(out.Summaries) != want*3 {
		t.Errorf("%d instances for %d accounts in 3 regions", len(out.Summaries), want)
	}
}

// TestApplyBaselineResumes interrupts the baseline's apply at journal
// writes chosen by a seeded random stride (over 20 kill points in all,
// some in the middle of a step that made a StackSet but not yet its
// instances), applies again until done, and checks that planning
// afterwards finds nothing to do.
func TestApplyBaselineResumes(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2026))
	kills := 0
	for round := 0; round < 2; round++ {
		e, b := baselineEnv(t)
		ctx := context.Background()
		if _, err := e.apply(ctx, planBaseline(t, e, b), Options{BaselineAWS: b}); err != nil {
			t.Fatal(err)
		}
		p := planBaseline(t, e, b)
		writes, next := 0, 1+rng.IntN(3)
		for runs := 1; ; runs++ {
			if runs > 60 {
				t.Fatalf("round %d: not done after %d runs", round, runs)
			}
			rctx, cancel := context.WithCancel(ctx)
			_, err := e.apply(rctx, p, Options{BaselineAWS: b, AfterStep: func(int) {
				writes++
				if writes == next {
					next += 1 + rng.IntN(3)
					cancel()
				}
			}})
			cancel()
			if err == nil {
				break
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("round %d, run %d: %v", round, runs, err)
			}
			kills++
		}
		if again := planBaseline(t, e, b); !again.Empty() {
			t.Fatalf("round %d: plan after the resumed apply: %v", round, keysOf(again))
		}
	}
	t.Logf("%d kill points", kills)
	if kills < 20 {
		t.Errorf("only %d kill points", kills)
	}
}

// TestApplyRootAccess turns on centralized root access in the example
// landing zone: IAM's trusted access, the two IAM features, then one
// root session per member account removing the root credentials
// planted there. The outcome of each account's step is its report; a
// second plan finds nothing, and the local AWS holds no root credentials.
func TestApplyRootAccess(t *testing.T) {
	dir := copyExample(t)
	if err := os.WriteFile(filepath.Join(dir, "baseline.yaml"), []byte("baseline:\n  targets: [Workloads]\n  rootAccess:\n    centralize: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, dir)
	ctx := context.Background()
	b := &baseline.AWS{Management: e.srv.Config(ctx, e.srv.AdminCredentials()), Poll: 1,
		For: func(account string) aws.Config { return e.srv.Config(ctx, e.srv.AccountCredentials(account)) }}
	if _, err := e.apply(ctx, planBaseline(t, e, b), Options{BaselineAWS: b}); err != nil {
		t.Fatal(err)
	}
	o := e.read(t)
	var members []string
	for _, a := range o.Accounts {
		if a.Id != o.MasterAccountId {
			members = append(members, a.Id)
		}
	}
	if len(members) < 2 {
		t.Fatalf("members: %v", members)
	}
	planted := members[0]
	e.srv.SetRootCredentials(planted, awstest.RootCredentials{LoginProfile: true, AccessKeys: []string{"AKIAROOTKEY"}, MFADevices: []string{"arn:aws:iam::" + planted + ":mfa/root"}})
	p := planBaseline(t, e, b)
	want := map[string]bool{"baseline:root-access:features": true}
	for _, m := range members {
		want["baseline:root-credentials:"+m] = true
	}
	for _, ch := range p.Changes {
		delete(want, ch.Key)
	}
	if len(want) != 0 {
		t.Fatalf("plan lacks %v: %v", want, keysOf(p))
	}
	rep, err := e.apply(ctx, p, Options{BaselineAWS: b})
	if err != nil || rep.Failed != 0 {
		t.Fatalf("apply: %v %+v", err, rep)
	}
	found := false
	for _, s := range rep.Steps {
		if s.Key == "baseline:root-credentials:"+planted {
			found = s.ObjectID == "removed: password, 1 access key, 1 MFA device"
			if !found {
				t.Errorf("report of %s: %+v", planted, s)
			}
		}
	}
	if !found {
		t.Fatalf("no step for %s: %+v", planted, rep.Steps)
	}
	if c := e.srv.RootCredentialsOf(planted); c.LoginProfile || len(c.AccessKeys)+len(c.MFADevices) != 0 {
		t.Fatalf("root credentials left: %+v", c)
	}
	if f := e.srv.RootFeatures(); len(f) != 2 {
		t.Fatalf("features: %v", f)
	}
	if again := planBaseline(t, e, b); !again.Empty() {
		t.Fatalf("plan after: %v", keysOf(again))
	}
	reps := b.RootReports(ctx, e.cfg.Organization.HomeRegion, members)
	for _, r := range reps {
		if r.Remaining != "none" || r.Error != "" {
			t.Errorf("report %+v", r)
		}
	}
}
