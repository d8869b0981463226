package collect

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// job is one service in one account and region.
type job struct {
	run     *run
	ctx     context.Context
	cfg     aws.Config
	account string
	region  string
	svc     snapshot.Service
	file    *snapshot.ServiceFile
	failed  bool

	mu sync.Mutex // guards file and failed under fanOut
}

// collectors maps a catalog service name to the function that calls its
// operations. Each lives in a services_<name>.go file.
var collectors = map[string]func(*job){}

func (j *job) benign(op string) []string {
	if j.account == snapshot.AWSAccount {
		// An AWS-managed policy that IAM does not know (retired, or a
		// typo in an ARN attached by a template) is an answer about
		// that policy, not a failure to collect: see docs/collect.md.
		return []string{"NoSuchEntity"}
	}
	for _, o := range j.svc.Operations {
		if o.Name == op {
			return o.Benign
		}
	}
	return nil
}

// call runs fn and classifies its error: nil → ok; a benign code →
// recorded in the file, not ok; anything else → a gap, the job failed.
// Calls are limited and counted by the instrument middleware; an
// operation still throttled after the SDK's own retries is tried again
// here, after a pause, up to throttleRetries times.
func (j *job) call(op, key string, fn func(context.Context) error) bool {
	var err error
	for i := 0; ; i++ {
		if err = fn(j.ctx); err == nil {
			return true
		}
		if !isThrottle(errorCode(err)) || i >= throttleRetries || !pause(j.ctx, i) {
			break
		}
	}
	code := errorCode(err)
	if isBenign(code, j.benign(op)) && benignMessage(j.svc.Name, op, code, err) {
		j.mu.Lock()
		if key == "" {
			j.file.SetError(op, code)
		} else {
			j.file.SetResourceError(op, key, code)
		}
		j.mu.Unlock()
		return false
	}
	j.gap(op, err)
	return false
}

// throttleRetries is how many times an operation still throttled after
// the SDK's retries is tried again.
const throttleRetries = 6

// pause waits before the i-th collector-level retry (250 ms, 500 ms,
// 1 s, … up to 8 s, with jitter); it reports false when ctx ends first.
func pause(ctx context.Context, i int) bool {
	d := 250 * time.Millisecond << min(i, 5)
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// gap records a failed operation. A failure caused by cancellation marks
// the account interrupted instead (one gap per account, not per call).
func (j *job) gap(op string, err error) {
	j.mu.Lock()
	j.failed = true
	j.file.SetGap(op, shortError(err))
	j.mu.Unlock()
	if j.ctx.Err() != nil {
		j.run.markInterrupted(j.account)
		return
	}
	j.run.addGap(snapshot.Gap{Account: j.account, Region: j.region, Service: j.svc.Name, Operation: op,
		Error: shortError(err), Code: errorCode(err)})
}

// set stores an operation's output.
func (j *job) set(op string, out any) {
	j.mu.Lock()
	err := j.file.Set(op, out)
	j.mu.Unlock()
	if err != nil {
		j.gap(op, err)
	}
}

// setResource stores a per-resource output.
func (j *job) setResource(op, key string, out any) {
	j.mu.Lock()
	err := j.file.SetResource(op, key, out)
	j.mu.Unlock()
	if err != nil {
		j.gap(op, err)
	}
}

// once calls a single-call operation and stores its output.
func once[T any](j *job, op string, fn func(context.Context) (*T, error)) *T {
	var out *T
	ok := j.call(op, "", func(ctx context.Context) error {
		var err error
		out, err = fn(ctx)
		return err
	})
	if !ok {
		return nil
	}
	j.set(op, out)
	return out
}

// each calls a per-resource operation and stores its output.
func each[T any](j *job, op, key string, fn func(context.Context) (*T, error)) *T {
	var out *T
	ok := j.call(op, key, func(ctx context.Context) error {
		var err error
		out, err = fn(ctx)
		return err
	})
	if !ok {
		return nil
	}
	j.setResource(op, key, out)
	return out
}

func isThrottle(code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
		"TooManyRequestsException", "SlowDown", "RequestThrottled", "RequestThrottledException":
		return true
	}
	return false
}

// fanOutWidth is how many per-resource reads of one task run at once.
// The in-flight limit and the rate limits still apply to each call; the
// fan-out only keeps one account's long lists (IAM users, buckets, keys)
// from becoming a chain of calls one latency apart.
const fanOutWidth = 8

// fanOut runs fn for every item, fanOutWidth at a time, and waits.
func fanOut[T any](j *job, items []T, fn func(T)) {
	if len(items) <= 1 {
		for _, it := range items {
			fn(it)
		}
		return
	}
	sem := make(chan struct{}, fanOutWidth)
	var wg sync.WaitGroup
	for _, it := range items {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(it)
		}()
	}
	wg.Wait()
}
