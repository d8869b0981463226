package vending

import (
	"context"
	"net/netip"
	"sync"
	"testing"
)

func TestFirstFree(t *testing.T) {
	p := netip.MustParsePrefix
	pool := p("10.64.0.0/12")
	cases := []struct {
		used []netip.Prefix
		bits int
		want string
	}{
		{nil, 20, "10.64.0.0/20"},
		// A reserved block larger than a VPC is skipped whole.
		{[]netip.Prefix{p("10.64.0.0/16"), p("10.65.0.0/20")}, 20, "10.65.16.0/20"},
		// A reserved block smaller than a VPC still rules out the VPC around it.
		{[]netip.Prefix{p("10.64.4.0/24")}, 20, "10.64.16.0/20"},
		{[]netip.Prefix{p("10.64.0.0/12")}, 20, ""},
		{nil, 8, ""}, // larger than the pool
	}
	for _, c := range cases {
		got, ok := firstFree(pool, c.bits, c.used)
		if (c.want == "" && ok) || (c.want != "" && got.String() != c.want) {
			t.Errorf("firstFree(%v, /%d) = %v %v, want %q", c.used, c.bits, got, ok, c.want)
		}
	}
}

// TestAllocateConcurrently has eight runs allocate at once from one
// store: every one gets its own block, none overlapping.
func TestAllocateConcurrently(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	got := map[string]string{}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := testRequest
			req.Email = "aws+n" + string(rune('a'+i)) + "@example.com"
			j, steps, err := openJournal(context.Background(), e.st, req)
			if err != nil {
				t.Error(err)
				return
			}
			r := &run{cfg: e.cfg, req: req, j: j, steps: steps}
			cidr, err := r.allocate(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			again, err := r.allocate(context.Background())
			if err != nil || again != cidr {
				t.Errorf("second allocation for %s: %s %v, want %s", req.Email, again, err, cidr)
			}
			mu.Lock()
			got[req.Email] = cidr
			mu.Unlock()
		}()
	}
	wg.Wait()
	seen := map[string]bool{"10.64.0.0/20": true} // reserved in the test configuration
	for email, c := range got {
		if seen[c] {
			t.Errorf("%s got %s twice (or the reserved block)", email, c)
		}
		seen[c] = true
	}
	if len(got) != 8 {
		t.Fatalf("allocations: %v", got)
	}
}
