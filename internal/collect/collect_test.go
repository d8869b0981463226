package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/snapshot"
)

var demoOnce struct {
	sync.Once
	dir string
	err error
}

// demoDir writes the embedded demo organization once for the package's
// tests (they only read it).
func demoDir(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		demoOnce.dir, demoOnce.err = os.MkdirTemp("", "orgrail-collect-demo-")
		if demoOnce.err == nil {
			_, demoOnce.err = demo.WriteEmbedded(demoOnce.dir)
		}
	})
	if demoOnce.err != nil {
		t.Fatal(demoOnce.err)
	}
	return demoOnce.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoOnce.dir != "" {
		os.RemoveAll(demoOnce.dir)
	}
	os.Exit(code)
}

// demoServer serves the embedded demo organization.
func demoServer(t *testing.T) (*awstest.Server, *snapshot.Snapshot) {
	t.Helper()
	want, err := snapshot.Open(demoDir(t))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awstest.Start(context.Background(), awstest.Options{Snapshot: want})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, want
}

var fullOnce struct {
	sync.Once
	srv  *awstest.Server
	want *snapshot.Snapshot
	res  *Result
	err  error
}

// fullDemo collects the whole demo organization once, for the tests that
// inspect a complete collection.
func fullDemo(t *testing.T) (*awstest.Server, *snapshot.Snapshot, *Result) {
	t.Helper()
	fullOnce.Do(func() {
		want, err := snapshot.Open(demoDir(t))
		if err != nil {
			fullOnce.err = err
			return
		}
		srv, err := awstest.Start(context.Background(), awstest.Options{Snapshot: want})
		if err != nil {
			fullOnce.err = err
			return
		}
		out, err := os.MkdirTemp("", "orgrail-collect-full-")
		if err != nil {
			fullOnce.err = err
			return
		}
		ctx := context.Background()
		// The demo was collected in the organization's allowed regions, a
		// subset of the enabled ones: collect with the same scope.
		fullOnce.res, fullOnce.err = Run(ctx, srv.Config(ctx, srv.AdminCredentials()), Options{Out: out, Regions: coveredRegions(want)})
		fullOnce.srv, fullOnce.want = srv, want
	})
	if fullOnce.err != nil {
		t.Fatal(fullOnce.err)
	}
	return fullOnce.srv, fullOnce.want, fullOnce.res
}

func collectFrom(t *testing.T, srv *awstest.Server, opts Options) *Result {
	t.Helper()
	ctx := context.Background()
	if opts.Out == "" {
		opts.Out = t.TempDir()
	}
	res, err := Run(ctx, srv.Config(ctx, srv.AdminCredentials()), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// normal decodes a stored output for comparison, so that key order and
// whitespace do not matter. Times are compared at millisecond precision:
// AWS's wire formats (epoch seconds with three decimals, ISO 8601 with
// milliseconds) carry no more, so a stored nanosecond can never come back.
func normal(raw json.RawMessage) any {
	var v any
	json.Unmarshal(raw, &v)
	return truncTimes(v)
}

// sortArrays orders every array by its elements' JSON: org.json's lists
// (OUs, accounts, policies, targets, delegated administrators) are sets,
// in whatever order the Organizations API lists them.
func sortArrays(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = sortArrays(e)
		}
	case []any:
		for i, e := range x {
			x[i] = sortArrays(e)
		}
		sort.Slice(x, func(i, j int) bool {
			a, _ := json.Marshal(x[i])
			b, _ := json.Marshal(x[j])
			return string(a) < string(b)
		})
	}
	return v
}

func truncTimes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = truncTimes(e)
		}
	case []any:
		for i, e := range x {
			x[i] = truncTimes(e)
		}
	case string:
		if len(x) >= 20 && x[4] == '-' && x[10] == 'T' {
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return t.Truncate(time.Millisecond).UTC().Format(time.RFC3339Nano)
			}
		}
	}
	return v
}

// TestCollectReproducesDemoSnapshot is the collector's acceptance test:
// collecting the demo organization served by the local AWS gives back
// the demo snapshot, equal in everything but the manifest.
func TestCollectReproducesDemoSnapshot(t *testing.T) {
	t.Parallel()
	_, want, res := fullDemo(t)
	if res.Partial() {
		t.Fatalf("unexpected gaps: %+v", res.Manifest.Gaps)
	}
	got, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	wb, _ := json.Marshal(want.Org)
	gb, _ := json.Marshal(got.Org)
	if !reflect.DeepEqual(sortArrays(normal(wb)), sortArrays(normal(gb))) {
		t.Errorf("org.json differs:\nwant %s\ngot  %s", wb, gb)
	}
	wantFiles, _ := want.Files()
	gotFiles, _ := got.Files()
	if strings.Join(wantFiles, "\n") != strings.Join(gotFiles, "\n") {
		t.Errorf("files differ: want %d, got %d\nmissing: %v\nextra: %v", len(wantFiles), len(gotFiles), minus(wantFiles, gotFiles), minus(gotFiles, wantFiles))
	}
	diffs := 0
	for _, f := range wantFiles {
		a, err1 := snapshot.ReadServiceFile(filepath.Join(want.Dir, f))
		b, err2 := snapshot.ReadServiceFile(filepath.Join(got.Dir, f))
		if err1 != nil || err2 != nil {
			continue
		}
		for op, raw := range a.Operations {
			if !reflect.DeepEqual(normal(raw), normal(b.Operations[op])) {
				if diffs++; diffs < 10 {
					t.Errorf("%s %s:\nwant %s\ngot  %s", f, op, raw, b.Operations[op])
				}
			}
		}
		for op, byKey := range a.PerResource {
			for k, raw := range byKey {
				if !reflect.DeepEqual(normal(raw), normal(b.PerResource[op][k])) {
					if diffs++; diffs < 10 {
						t.Errorf("%s %s %s:\nwant %s\ngot  %s", f, op, k, raw, b.PerResource[op][k])
					}
				}
			}
		}
		if !reflect.DeepEqual(a.Errors, b.Errors) || !reflect.DeepEqual(a.ResourceErrors, b.ResourceErrors) {
			if diffs++; diffs < 10 {
				t.Errorf("%s errors: want %v %v got %v %v", f, a.Errors, a.ResourceErrors, b.Errors, b.ResourceErrors)
			}
		}
	}
	if diffs > 0 {
		t.Errorf("%d differences", diffs)
	}
}

// coveredRegions is every region some account of s covers.
func coveredRegions(s *snapshot.Snapshot) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range s.Manifest.Coverage {
		for _, r := range c.Regions {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}

func TestFaultsGivePartialSnapshotAndResumeCompletes(t *testing.T) {
	t.Parallel()
	srv, want := demoServer(t)
	var member string
	for _, a := range want.Org.Accounts {
		if a.Id != want.Org.MasterAccountId && a.Status == "ACTIVE" {
			member = a.Id
			break
		}
	}
	remove := []func(){
		srv.Faults.Add(awstest.Fault{Kind: awstest.Unassumable, Role: "arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole"}),
		srv.Faults.Add(awstest.Fault{Kind: awstest.Deny, Service: "kms", Operation: "ListKeys", Region: "us-west-2"}),
		srv.Faults.Add(awstest.Fault{Kind: awstest.ServerError, Status: 503, Service: "guardduty", Operation: "ListDetectors", Region: "ap-northeast-1"}),
		srv.Faults.Add(awstest.Fault{Kind: awstest.Timeout, Service: "kms", Operation: "ListAliases", Region: "ap-northeast-1", Account: want.Org.MasterAccountId}),
	}
	out := t.TempDir()
	scope := Options{Out: out, Regions: []string{"us-west-2", "ap-northeast-1"}, Services: []string{"ec2regions", "iam", "kms", "guardduty"},
		CallTimeout: 5 * time.Second}
	res := collectFrom(t, srv, scope)
	if !res.Partial() {
		t.Fatal("want a partial snapshot")
	}
	kinds := map[string]bool{}
	for _, g := range res.Manifest.Gaps {
		switch {
		case g.Account == member && g.Service == "":
			kinds["unassumable"] = true
		case g.Service == "kms" && strings.HasPrefix(g.Code, "AccessDenied"):
			kinds["denied"] = true
		case g.Service == "guardduty":
			kinds["5xx"] = true
		case g.Service == "kms" && g.Operation == "ListAliases":
			kinds["timeout"] = true
		}
	}
	for _, k := range []string{"unassumable", "denied", "5xx", "timeout"} {
		if !kinds[k] {
			t.Errorf("no %s gap in %+v", k, res.Manifest.Gaps)
		}
	}
	s, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatalf("partial snapshot must open: %v", err)
	}
	if _, err := s.Service(member, snapshot.Global, "iam"); err == nil {
		t.Fatal("unassumable account has data")
	}
	for _, r := range remove {
		r()
	}
	// The call timeout serves the one call that hangs until the client
	// gives up (one attempt: a cut attempt is not retried); it is ten
	// times what a busy machine was seen to need for an answered call
	// (500 ms cut answered calls there). With the faults gone, the resume
	// decides by answers, under the default timeout.
	scope.Resume, scope.CallTimeout = true, 0
	res = collectFrom(t, srv, scope)
	if res.Partial() {
		t.Fatalf("resume left gaps: %+v", res.Manifest.Gaps)
	}
	s, _ = snapshot.Open(res.Dir)
	if _, err := s.Service(member, snapshot.Global, "iam"); err != nil {
		t.Fatalf("resume did not fill the account: %v", err)
	}
}

// TestCredentialsNeverOnDisk greps a whole collection's output for the
// starting credentials and for every session credential the server
// issued for assumed roles.
func TestCredentialsNeverOnDisk(t *testing.T) {
	t.Parallel()
	srv, _, res := fullDemo(t)
	secrets := []string{srv.AdminCredentials().SecretAccessKey, srv.AdminCredentials().AccessKeyID}
	for _, e := range srv.Log() {
		if e.AccessKeyID != "" && e.AccessKeyID != srv.AdminCredentials().AccessKeyID {
			secrets = append(secrets, e.AccessKeyID)
			break
		}
	}
	if len(secrets) < 3 {
		t.Fatal("no assumed-role session seen in the server log")
	}
	err := filepath.Walk(filepath.Dir(res.Dir), func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".gz") {
			f, err := snapshot.ReadServiceFile(p)
			if err != nil {
				return err
			}
			if b, err = json.Marshal(f); err != nil {
				return err
			}
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a credential", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
