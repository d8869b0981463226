package apply

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// retryable are the error codes an Organizations call is tried again
// on: throttling, a concurrent change of the same object, and an object
// created moments ago that AWS does not see yet (eventual consistency).
var retryable = map[string]bool{
	"TooManyRequestsException":             true,
	"ThrottlingException":                  true,
	"ConcurrentModificationException":      true,
	"TargetNotFoundException":              true,
	"PolicyNotFoundException":              true,
	"ParentNotFoundException":              true,
	"DestinationParentNotFoundException":   true,
	"OrganizationalUnitNotFoundException":  true,
	"AccountNotFoundException":             true,
	"ServiceException":                     true,
	"AWSOrganizationsNotInUseException":    false,
	"CreateAccountStatusNotFoundException": true,
}

// limiter spaces calls to a rate (a token bucket with burst 1..n).
type limiter struct {
	mu     sync.Mutex
	every  time.Duration
	burst  int
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int) *limiter {
	if rate <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return &limiter{every: time.Duration(float64(time.Second) / rate), burst: burst, tokens: float64(burst), last: time.Now()}
}

// wait blocks until a call may be made.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	t := time.Now()
	l.tokens = min(float64(l.burst), l.tokens+float64(t.Sub(l.last))/float64(l.every))
	l.last = t
	l.tokens--
	var d time.Duration
	if l.tokens < 0 {
		d = time.Duration(-l.tokens * float64(l.every))
	}
	l.mu.Unlock()
	if d == 0 {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// withRetry calls fn until it succeeds, fails with an error that is not
// retryable, or attempts run out; waits grow exponentially with jitter.
func withRetry(ctx context.Context, lim *limiter, attempts int, base time.Duration, fn func() (Outcome, error)) (Outcome, int, error) {
	wait := base
	for i := 1; ; i++ {
		if err := lim.wait(ctx); err != nil {
			return Outcome{}, i, err
		}
		o, err := fn()
		if err == nil || !retryable[errorCode(err)] || i >= attempts || ctx.Err() != nil {
			return o, i, err
		}
		d := wait/2 + time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return Outcome{}, i, ctx.Err()
		case <-time.After(d):
		}
		wait = min(wait*2, 10*time.Second)
	}
}
