package bench

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/collect"
)

// bucketKey is one of the collector's rate-limit buckets: an account,
// a region (the client's: us-east-1 for global services) and a service
// (the SDK package name, which is also the local AWS's service name).
type bucketKey struct{ account, region, service string }

// bucketCalls counts the calls the local AWS answered per rate-limit
// bucket, through awstest.Options.Observe.
type bucketCalls struct {
	mu sync.Mutex
	n  map[bucketKey]int
}

func newBucketCalls() *bucketCalls { return &bucketCalls{n: map[bucketKey]int{}} }

func (c *bucketCalls) reset() {
	c.mu.Lock()
	c.n = map[bucketKey]int{}
	c.mu.Unlock()
}

// observe counts one call. sts:AssumeRole is left out: the server logs
// it under the caller's account while the collector's limiter counts it
// in the target account's bucket, one call per account, inside any
// burst.
func (c *bucketCalls) observe(e awstest.LogEntry) {
	if e.Account == "" || e.Service == "sts" && e.Operation == "AssumeRole" {
		return
	}
	c.mu.Lock()
	c.n[bucketKey{e.Account, e.Region, e.Service}]++
	c.mu.Unlock()
}

// rateFloor is what the collector's own rate limits impose at minimum.
type rateFloor struct {
	// floor is the largest over buckets of (calls - burst) / rate: no
	// collector keeping to those rates can finish sooner, whatever its
	// concurrency, since every call of a bucket waits on that bucket.
	floor time.Duration
	// worst names the bucket that sets the floor.
	worst string
	// services is a table, one line per service: calls, buckets, and
	// the slowest bucket's calls and floor.
	services string
}

func bucketFloor(n int, r collect.Rate) time.Duration {
	if n <= r.Burst || r.PerSecond <= 0 {
		return 0
	}
	return time.Duration(float64(n-r.Burst) / r.PerSecond * float64(time.Second))
}

func (c *bucketCalls) rateFloor(rates map[string]collect.Rate) rateFloor {
	c.mu.Lock()
	defer c.mu.Unlock()
	type svc struct {
		name           string
		calls, buckets int
		worstN         int
		worst          time.Duration
		rate           collect.Rate
	}
	per := map[string]*svc{}
	var out rateFloor
	for k, n := range c.n {
		r, ok := rates[k.service]
		if !ok {
			r = collect.Rate{PerSecond: 10, Burst: 20} // the collector's default for unlisted services
		}
		s := per[k.service]
		if s == nil {
			s = &svc{name: k.service, rate: r}
			per[k.service] = s
		}
		s.calls += n
		s.buckets++
		f := bucketFloor(n, r)
		if n > s.worstN {
			s.worstN = n
		}
		s.worst = max(s.worst, f)
		if f > out.floor || out.worst == "" {
			out.floor = f
			out.worst = fmt.Sprintf("%s in %s %s: %d calls at %g/s burst %d", k.service, k.account, k.region, n, r.PerSecond, r.Burst)
		}
	}
	list := make([]*svc, 0, len(per))
	for _, s := range per {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].worst != list[j].worst {
			return list[i].worst > list[j].worst
		}
		return list[i].calls > list[j].calls
	})
	var b strings.Builder
	fmt.Fprintf(&b, "  %-26s %8s %8s %12s %10s %8s\n", "service", "calls", "buckets", "max/bucket", "rate", "floor")
	for _, s := range list {
		fmt.Fprintf(&b, "  %-26s %8d %8d %12d %6g/%-3d %7.1fs\n", s.name, s.calls, s.buckets, s.worstN, s.rate.PerSecond, s.rate.Burst, s.worst.Seconds())
	}
	out.services = b.String()
	return out
}
