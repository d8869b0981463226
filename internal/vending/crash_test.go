package vending

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// killer is an HTTP transport that dies at its k-th request: that
// request reaches AWS (half the kill points) or not (the other half),
// the client never hears back, and every later request fails, as if the
// process had been killed there.
type killer struct {
	base  http.RoundTripper
	k     int
	after bool // the k-th request reaches AWS before the kill
	stop  context.CancelFunc

	mu   sync.Mutex
	n    int
	dead bool
}

func (kl *killer) RoundTrip(req *http.Request) (*http.Response, error) {
	kl.mu.Lock()
	kl.n++
	n, dead := kl.n, kl.dead
	if n == kl.k {
		kl.dead = true
	}
	kl.mu.Unlock()
	if dead || (n == kl.k && !kl.after) {
		kl.stop()
		return nil, errKilled
	}
	resp, err := kl.base.RoundTrip(req)
	if n == kl.k {
		if err == nil {
			resp.Body.Close()
		}
		kl.stop()
		return nil, errKilled
	}
	return resp, err
}

// calls counts the HTTP requests of one clean vending run.
func calls(t *testing.T) (int, []string) {
	e := newEnv(t)
	kl := &killer{base: e.aws.HTTPClient.(*http.Client).Transport, k: -1, stop: func() {}}
	cfg := e.aws.Copy()
	cfg.HTTPClient = &http.Client{Transport: kl}
	var waits int
	rep, err := Run(context.Background(), cfg, e.st, e.cfg, testRequest, fastOptions(&waits))
	if err != nil {
		t.Fatal(err)
	}
	return kl.n, readWorld(t, e, rep.AccountID)
}

// TestCrashResume kills account create at random points (at least 20,
// spread over the whole run) and checks that running the same command
// again reaches the end state of an uninterrupted run: one account, in
// its OU, tagged, one standard VPC with all its parts, one Elastic IP,
// no default VPC anywhere.
func TestCrashResume(t *testing.T) {
	total, want := calls(t)
	seed := rand.Uint64()
	t.Logf("a clean run makes %d requests; seed %d", total, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	points := map[int]bool{1: true, total: true}
	for len(points) < 24 && len(points) < total {
		points[1+rng.IntN(total)] = true
	}
	var ks []int
	for k := range points {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	for i, k := range ks {
		after := i%2 == 0
		e := newEnv(t)
		ctx, cancel := context.WithCancel(context.Background())
		kl := &killer{base: e.aws.HTTPClient.(*http.Client).Transport, k: k, after: after, stop: cancel}
		cfg := e.aws.Copy()
		cfg.HTTPClient = &http.Client{Transport: kl}
		var waits int
		if _, err := Run(ctx, cfg, e.st, e.cfg, testRequest, fastOptions(&waits)); err == nil && k < total {
			t.Errorf("kill at request %d/%d: the run did not notice", k, total)
		}
		cancel()
		rep, err := Run(context.Background(), e.aws, e.st, e.cfg, testRequest, fastOptions(&waits))
		if err != nil {
			t.Fatalf("resume after a kill at request %d/%d (after=%v): %v", k, total, after, err)
		}
		if got := readWorld(t, e, rep.AccountID); !slices.Equal(got, want) {
			t.Errorf("kill at request %d/%d (reached AWS: %v): end state differs\ngot:\n%s\nwant:\n%s", k, total, after,
				strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
