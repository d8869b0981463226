package collect

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// scopeFiles lists the files a collection of want in these regions and
// services must produce.
func scopeFiles(t *testing.T, want *snapshot.Snapshot, regions, services []string) []string {
	t.Helper()
	all, err := want.Files()
	if err != nil {
		t.Fatal(err)
	}
	in := func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	var out []string
	for _, f := range all {
		parts := strings.Split(filepath.ToSlash(f), "/") // accounts/<id>/<region>/<svc>.json.gz
		if len(parts) != 4 || parts[1] == snapshot.AWSAccount {
			continue
		}
		svc := strings.TrimSuffix(parts[3], ".json.gz")
		if in(services, svc) && (parts[2] == snapshot.Global || in(regions, parts[2])) {
			out = append(out, f)
		}
	}
	return out
}

func checkHasAll(t *testing.T, dir string, files []string) {
	t.Helper()
	missing := 0
	for _, f := range files {
		if _, err := snapshot.ReadServiceFile(filepath.Join(dir, f)); err != nil {
			if missing++; missing < 5 {
				t.Errorf("missing %s: %v", f, err)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d files missing", missing, len(files))
	}
}

// TestThrottledCollectionIsComplete throttles EC2 in every account far
// below the collector's default rate: the collection still completes,
// and the throttles are counted.
func TestThrottledCollectionIsComplete(t *testing.T) {
	t.Parallel()
	srv, want := demoServer(t)
	for _, a := range want.Org.Accounts {
		srv.Faults.Add(awstest.Fault{Kind: awstest.Throttle, Service: "ec2", Account: a.Id, Rate: 20, Burst: 4})
		// A busy machine may call slower than 20/s and never meet the
		// rate: an empty bucket that never refills throttles the three
		// calls after each account's first, however fast they come.
		srv.Faults.Add(awstest.Fault{Kind: awstest.Throttle, Service: "ec2", Account: a.Id, Rate: 0, Burst: 1, Times: 3})
	}
	scope := Options{Regions: []string{"us-east-1"}, Services: []string{"ec2regions", "ec2"}}
	res := collectFrom(t, srv, scope)
	if res.Partial() {
		t.Fatalf("throttling must not leave gaps: %+v", res.Manifest.Gaps)
	}
	if res.Throttles == 0 {
		t.Error("no throttle counted")
	}
	throttled := 0
	for _, e := range srv.Log() {
		if e.ErrorCode == "RequestLimitExceeded" {
			throttled++
		}
	}
	if int64(throttled) != res.Throttles {
		t.Errorf("collector counted %d throttles, the server answered %d", res.Throttles, throttled)
	}
	checkHasAll(t, res.Dir, scopeFiles(t, want, scope.Regions, scope.Services))
	t.Logf("%d calls, %d throttled", res.Calls, res.Throttles)
}

// TestInterruptedCollectionResumes cancels a collection midway (Ctrl-C):
// the snapshot is committed, opens, names the interrupted accounts, and
// --resume completes it without collecting again what was written.
func TestInterruptedCollectionResumes(t *testing.T) {
	t.Parallel()
	srv, want := demoServer(t)
	slow := srv.Faults.Add(awstest.Fault{Kind: awstest.Latency, Latency: 20 * time.Millisecond})
	out := t.TempDir()
	scope := Options{Out: out, Regions: []string{"us-east-1", "us-west-2"}, Services: []string{"ec2regions", "iam", "kms", "guardduty"}, Concurrency: 8}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	opts := scope
	opts.Progress = func(p Progress) {
		if p.TasksDone >= 6 {
			once.Do(cancel)
		}
	}
	res, err := Run(ctx, srv.Config(ctx, srv.AdminCredentials()), opts)
	if err != nil {
		t.Fatalf("an interrupted run must still commit: %v", err)
	}
	if !res.Partial() {
		t.Fatal("want an interrupted, partial snapshot")
	}
	for _, g := range res.Manifest.Gaps {
		if g.Error != "interrupted" {
			t.Errorf("unexpected gap %s", g)
		}
	}
	if _, err := snapshot.Open(res.Dir); err != nil {
		t.Fatalf("interrupted snapshot must open: %v", err)
	}
	written, _ := (&snapshot.Snapshot{Dir: res.Dir}).Files()
	slow()
	resumed := time.Now() // calls cancelled by the first run may still be logged: count from here
	scope.Resume = true
	res = collectFrom(t, srv, scope)
	if res.Partial() {
		t.Fatalf("resume left gaps: %+v", res.Manifest.Gaps)
	}
	checkHasAll(t, res.Dir, scopeFiles(t, want, scope.Regions, scope.Services))
	if _, err := snapshot.ReadServiceFile(filepath.Join(res.Dir, snapshot.Path(snapshot.AWSAccount, snapshot.Global, "iam"))); err != nil {
		t.Errorf("resume did not collect the AWS-managed policies: %v", err)
	}
	// What the first run wrote is not asked for again: count the KMS
	// ListKeys calls against the KMS files still missing.
	had := map[string]bool{}
	for _, f := range written {
		had[f] = true
	}
	need := 0
	for _, f := range scopeFiles(t, want, scope.Regions, []string{"kms"}) {
		if !had[f] {
			need++
		}
	}
	got := 0
	for _, e := range srv.Calls("kms", "ListKeys") {
		if e.Time.After(resumed) {
			got++
		}
	}
	if got != need {
		t.Errorf("resume called kms ListKeys %d times for %d missing files", got, need)
	}
}
