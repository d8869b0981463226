package apply

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

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
