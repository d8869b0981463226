package awstest

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// FaultKind is what a fault does to a matching call.
type FaultKind int

// Fault kinds.
const (
	// Latency delays the call by Fault.Latency, then answers normally.
	Latency FaultKind = iota + 1
	// Throttle answers with the service's throttling error
	// (ThrottlingException, Throttling, RequestLimitExceeded, SlowDown, …)
	// once a token bucket of Rate calls/s and Burst is empty.
	Throttle
	// ServerError answers with HTTP Status (default 500) and
	// InternalFailure (or Code).
	ServerError
	// Reset closes the connection without an answer.
	Reset
	// Timeout holds the call until the client gives up (or Latency,
	// when set, then answers with a 504-class error).
	Timeout
	// Deny answers AccessDenied (or Code) as an explicit deny would.
	Deny
	// Unassumable makes sts:AssumeRole of Role fail with AccessDenied.
	Unassumable
)

// Fault injects a failure into matching calls. Empty match fields
// match anything.
type Fault struct {
	Service   string // server service name: "iam", "s3", ...
	Operation string
	Account   string // the caller's account
	Region    string
	// Role matches the RoleArn of sts:AssumeRole (Unassumable).
	Role string

	Kind    FaultKind
	Latency time.Duration
	Rate    float64 // Throttle: tokens per second
	Burst   int     // Throttle: bucket size (default 1)
	Status  int     // ServerError: HTTP status
	Code    string  // error code override
	// Times limits how many calls the fault affects (0: unlimited).
	Times int
	// Probability, when in (0, 1), makes the fault fire on that share
	// of matching calls only (flaky services).
	Probability float64
}

// Faults is the set of active faults. Safe for concurrent use.
//
// Faults are indexed by their service, account and region (an empty field
// is its own key), so a call looks at the few faults that can match it —
// at most eight index entries — however many faults a test adds (a
// benchmark adds one throttle per account and region).
type Faults struct {
	mu     sync.Mutex
	faults []*activeFault // every fault, in the order added
	index  map[faultKey][]*activeFault
	unasm  []*activeFault // Unassumable faults, checked by AssumeRole
	nextID int
	done   chan struct{}
}

// faultKey is the part of a fault's match the index keys on.
type faultKey struct{ service, account, region string }

type activeFault struct {
	id int
	Fault
	used   int
	tokens float64
	last   time.Time
}

func newFaults() *Faults { return &Faults{done: make(chan struct{})} }

// Add activates a fault and returns a function that removes it.
func (f *Faults) Add(ft Fault) (remove func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	if ft.Burst <= 0 {
		ft.Burst = 1
	}
	af := &activeFault{id: f.nextID, Fault: ft, tokens: float64(ft.Burst), last: time.Now()}
	f.faults = append(f.faults, af)
	if ft.Kind == Unassumable {
		f.unasm = append(f.unasm, af)
	} else {
		if f.index == nil {
			f.index = map[faultKey][]*activeFault{}
		}
		k := faultKey{ft.Service, ft.Account, ft.Region}
		f.index[k] = append(f.index[k], af)
	}
	return func() { f.remove(af.id) }
}

// Clear removes every fault.
func (f *Faults) Clear() {
	f.mu.Lock()
	f.faults, f.index, f.unasm = nil, nil, nil
	f.mu.Unlock()
}

func (f *Faults) remove(id int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, af := range f.faults {
		if af.id != id {
			continue
		}
		f.faults = append(f.faults[:i], f.faults[i+1:]...)
		if af.Kind == Unassumable {
			f.unasm = without(f.unasm, af)
			return
		}
		k := faultKey{af.Service, af.Account, af.Region}
		if l := without(f.index[k], af); len(l) > 0 {
			f.index[k] = l
		} else {
			delete(f.index, k)
		}
		return
	}
}

func without(l []*activeFault, af *activeFault) []*activeFault {
	for i, x := range l {
		if x == af {
			return append(l[:i:i], l[i+1:]...)
		}
	}
	return l
}

func (f *Faults) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.done:
	default:
		close(f.done)
	}
}

// candidates returns the faults that may match req (every field but the
// operation already matching), in the order they were added.
func (f *Faults) candidates(req *Request, buf []*activeFault) []*activeFault {
	acct := ""
	if req.Caller != nil {
		acct = req.Caller.Account
	}
	for _, svc := range [2]string{"", req.Service} {
		for _, a := range [2]string{"", acct} {
			for _, r := range [2]string{"", req.Region} {
				buf = append(buf, f.index[faultKey{svc, a, r}]...)
				if r == "" && req.Region == "" {
					break
				}
			}
			if acct == "" {
				break
			}
		}
		if req.Service == "" {
			break
		}
	}
	if len(buf) > 1 {
		slices.SortFunc(buf, func(a, b *activeFault) int { return a.id - b.id })
	}
	return buf
}

// match returns the action of the first fault that fires for req.
func (f *Faults) match(req *Request) *faultAction {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.index) == 0 {
		return nil
	}
	var buf [8]*activeFault
	var act *faultAction
	for _, af := range f.candidates(req, buf[:0]) {
		if !af.matches(req) {
			continue
		}
		if af.Times > 0 && af.used >= af.Times {
			continue
		}
		if af.Probability > 0 && af.Probability < 1 && rand.Float64() >= af.Probability {
			continue
		}
		if af.Kind == Throttle && !af.take() {
			af.used++
			return &faultAction{Fault: af.Fault, done: f.done}
		}
		if af.Kind == Throttle {
			continue
		}
		af.used++
		if af.Kind == Latency {
			if act == nil {
				act = &faultAction{Fault: af.Fault, done: f.done}
			}
			continue
		}
		return &faultAction{Fault: af.Fault, done: f.done}
	}
	return act
}

// unassumable reports whether a fault makes role unassumable.
func (f *Faults) unassumable(account, role string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, af := range f.unasm {
		if (af.Role == "" || af.Role == role) && (af.Account == "" || af.Account == account) {
			return true
		}
	}
	return false
}

func (af *activeFault) matches(req *Request) bool {
	return (af.Service == "" || af.Service == req.Service) &&
		(af.Operation == "" || af.Operation == req.Operation) &&
		(af.Account == "" || af.Account == req.Caller.Account) &&
		(af.Region == "" || af.Region == req.Region)
}

// take refills the token bucket and takes one token.
func (af *activeFault) take() bool {
	now := time.Now()
	af.tokens += now.Sub(af.last).Seconds() * af.Rate
	af.last = now
	if af.tokens > float64(af.Burst) {
		af.tokens = float64(af.Burst)
	}
	if af.tokens >= 1 {
		af.tokens--
		return true
	}
	return false
}

type faultAction struct {
	Fault
	done chan struct{}
}

// apply performs the fault. A nil result lets the call proceed.
func (a *faultAction) apply(ctx context.Context, w http.ResponseWriter, req *Request, svc *serviceDef) (any, *APIError) {
	code := func(def string) string {
		if a.Code != "" {
			return a.Code
		}
		return def
	}
	switch a.Kind {
	case Latency:
		sleep(ctx, a.done, a.Latency)
		return nil, nil
	case Throttle:
		e := Errorf(code(svc.Throttle), "Rate exceeded")
		if svc.Protocol == RESTXML {
			e.Message = "Please reduce your request rate."
		}
		return nil, e
	case ServerError:
		st := a.Status
		if st == 0 {
			st = http.StatusInternalServerError
		}
		e := Errorf(code("InternalFailure"), "injected server error")
		e.Status = st
		return nil, e
	case Deny:
		c := "AccessDenied"
		if svc.Protocol == AWSJSON10 || svc.Protocol == AWSJSON11 || svc.Protocol == RESTJSON {
			c = "AccessDeniedException"
		}
		if svc.Protocol == EC2Query {
			c = "UnauthorizedOperation"
		}
		return nil, Errorf(code(c), "User: %s is not authorized to perform: %s:%s with an explicit deny", req.Caller.ARN, svc.SigningName, req.Operation)
	case Reset:
		resetConn(w)
		return errHijacked, nil
	case Timeout:
		if a.Latency > 0 {
			sleep(ctx, a.done, a.Latency)
			e := Errorf(code("ServiceUnavailable"), "injected timeout")
			e.Status = http.StatusGatewayTimeout
			return nil, e
		}
		select {
		case <-ctx.Done():
		case <-a.done:
		}
		resetConn(w)
		return errHijacked, nil
	}
	return nil, nil
}

func sleep(ctx context.Context, done chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-done:
	}
}

// resetConn drops the connection with a TCP reset.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
