package apply

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/plan"
)

// overlapRT holds each MoveAccount call until another one is in flight
// (or a long timeout passes), and counts the calls that met another.
type overlapRT struct {
	base     http.RoundTripper
	mu       sync.Mutex
	inFlight int
	arrived  chan struct{}
	overlaps int
}

func (o *overlapRT) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.Header.Get("X-Amz-Target"), ".MoveAccount") {
		return o.base.RoundTrip(req)
	}
	o.mu.Lock()
	o.inFlight++
	met := o.inFlight > 1
	if met {
		o.overlaps++
		close(o.arrived) // release the call that waits
		o.arrived = make(chan struct{})
	}
	wait := o.arrived
	o.mu.Unlock()
	if !met {
		select {
		case <-wait:
		case <-time.After(5 * time.Second): // a serial apply: no other call comes
		}
	}
	resp, err := o.base.RoundTrip(req)
	o.mu.Lock()
	o.inFlight--
	o.mu.Unlock()
	return resp, err
}

// TestApplyConcurrent applies the example with four changes at a time:
// account moves meet each other in flight (decided by the transport,
// not by timing); the first eight moves are refused with
// ConcurrentModificationException and retried; the end state is the
// configuration and the report lists every change in plan order.
func TestApplyConcurrent(t *testing.T) {
	e := newEnv(t, "../../examples/landing-zone")
	p := e.plan(t)
	e.srv.Faults.Add(awstest.Fault{Service: "organizations", Operation: "MoveAccount", Kind: awstest.ServerError,
		Status: http.StatusBadRequest, Code: "ConcurrentModificationException", Times: 8})
	ctx := context.Background()
	cfg := e.srv.Config(ctx, e.srv.AdminCredentials())
	rt := &overlapRT{base: cfg.HTTPClient.(*http.Client).Transport, arrived: make(chan struct{})}
	cfg.HTTPClient = &http.Client{Transport: rt}
	rep, err := Run(ctx, cfg, e.st, p, Options{Parallel: 4, PollEvery: 10 * time.Millisecond, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if rt.overlaps == 0 {
		t.Error("no two MoveAccount calls were in flight together")
	}
	retried := 0
	for i, s := range rep.Steps {
		if s.Key != p.Changes[i].Key {
			t.Fatalf("report step %d is %s, want %s", i, s.Key, p.Changes[i].Key)
		}
		if s.Attempts > 1 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("no step was retried after ConcurrentModificationException")
	}
	if again := e.plan(t); !again.Empty() {
		t.Fatalf("plan after apply: %v", keysOf(again))
	}
	checkNoDuplicates(t, e.read(t))
}

// TestWaitsFor checks the scheduling rules on the example's plan: every
// change waits for the whole previous phase and for its DependsOn, and
// changes of one phase on one object wait for each other.
func TestWaitsFor(t *testing.T) {
	e := newEnv(t, "../../examples/landing-zone")
	p := e.plan(t)
	ws := waitsFor(p.Changes)
	idx := map[string]int{}
	for i, c := range p.Changes {
		idx[c.Key] = i
	}
	for i, c := range p.Changes {
		for _, d := range c.DependsOn {
			if !waitsTransitively(ws, i, idx[d]) {
				t.Errorf("%s does not wait for %s", c.Key, d)
			}
		}
		for j := range i {
			if plan.Phase(p.Changes[j]) < plan.Phase(c) && !waitsTransitively(ws, i, j) {
				t.Errorf("%s does not wait for the earlier phase's %s", c.Key, p.Changes[j].Key)
			}
			if plan.Phase(p.Changes[j]) == plan.Phase(c) && objectOf(p.Changes[j]) == objectOf(c) && !slices.Contains(ws[i], j) && !waitsTransitively(ws, i, j) {
				t.Errorf("%s and %s change one object at once", c.Key, p.Changes[j].Key)
			}
		}
	}
}

func waitsTransitively(ws [][]int, i, j int) bool {
	seen := map[int]bool{}
	stack := []int{i}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range ws[k] {
			if d == j {
				return true
			}
			if !seen[d] {
				seen[d] = true
				stack = append(stack, d)
			}
		}
	}
	return false
}
