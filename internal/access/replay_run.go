package access

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/trail"
)

// Change directions.
const (
	NewlyDenied  = "newlyDenied"
	NewlyAllowed = "newlyAllowed"
)

// ReplayChange is one group of replayed calls whose decision the
// proposal changes: same account, principal, action and direction.
type ReplayChange struct {
	Change      string `json:"change"`
	Account     string `json:"account"`
	AccountName string `json:"accountName"`
	Principal   string `json:"principal"`
	Action      string `json:"action"`
	Calls       int    `json:"calls"`
	// Statement is what decides the call once the proposal is in force
	// (newly denied) or what denied it before (newly allowed).
	Statement  string   `json:"statement"`
	Resources  []string `json:"resources"`
	FirstEvent string   `json:"firstEventId"`
	FirstTime  string   `json:"firstEventTime"`
}

// ReplayResult is the outcome of Replay.
type ReplayResult struct {
	// Records counts the records in the period (--since, --until).
	Records  int64 `json:"records"`
	Replayed int64 `json:"replayed"`
	// AllowedBefore counts replayed calls the organization allows today.
	AllowedBefore int64 `json:"allowedBefore"`
	// Decided counts the calls decided afresh (the others had the same
	// principal, action, resource and relevant context as an earlier one).
	Decided      int64          `json:"decided"`
	NewlyDenied  []ReplayChange `json:"newlyDenied"`
	NewlyAllowed []ReplayChange `json:"newlyAllowed"`
	// NotReplayed counts the records that could not be turned into a
	// request, per reason.
	NotReplayed map[string]int64 `json:"notReplayed"`
	// Approximations counts replayed calls decided with less than the
	// record's full request, per reason.
	Approximations map[string]int64  `json:"approximations"`
	Trail          trail.Stats       `json:"trail"`
	FileErrors     []trail.FileError `json:"fileErrors,omitempty"`
	changes        map[string]*ReplayChange
	mu             sync.Mutex
}

// ApproxNoResource is the approximation of a call whose record names no
// resource: it is decided against "*".
const ApproxNoResource = "resource not named in the record (decided against *)"

// replayHandler replays the records one ingest worker decodes.
type replayHandler struct {
	rp      *Replayer
	res     *ReplayResult
	cache   map[string][2]authz.Decision
	actions map[string]mappedAction
	buf     []byte
	local   ReplayResult
}

func (h *replayHandler) Record(_ *trail.Object, rec *trail.Record) error {
	h.local.Records++
	switch string(rec.EventType) {
	case "AwsApiCall", "":
	default:
		h.local.NotReplayed[SkipNotAPICall]++
		return nil
	}
	if len(rec.UserARN) == 0 {
		h.local.NotReplayed[SkipNoPrincipal]++
		return nil
	}
	h.buf = append(append(append(h.buf[:0], rec.EventSource...), '|'), rec.EventName...)
	ma, ok := h.actions[string(h.buf)]
	if !ok {
		a, r := eventAction(trail.Text(rec.EventSource), trail.Text(rec.EventName))
		ma = mappedAction{a, r}
		h.actions[string(h.buf)] = ma
	}
	if ma.reason != "" {
		h.local.NotReplayed[ma.reason]++
		return nil
	}
	named := h.key(rec, ma.action, h.rp.relevant.Load())
	d, ok := h.cache[string(h.buf)]
	var q request
	var before, after *authz.Input
	if !ok {
		var reason string
		if q, reason = reconstruct(rec); reason != "" {
			h.local.NotReplayed[reason]++
			return nil
		}
		var err error
		if before, after, err = h.rp.inputs(&q); err != nil {
			return err
		}
		if before == nil {
			h.local.NotReplayed[SkipUnparsedPrincipal]++
			return nil
		}
		d = [2]authz.Decision{h.rp.eng.Decide(before), h.rp.eng.Decide(after)}
		h.local.Decided++
		// Loading the caller's and the resource's policies may have made
		// more keys relevant: the entry is keyed with them.
		h.key(rec, ma.action, h.rp.relevant.Load())
		if len(h.cache) < 1<<18 {
			h.cache[string(h.buf)] = d
		}
	}
	h.local.Replayed++
	if !named {
		h.local.Approximations[ApproxNoResource]++
	}
	if d[0] == authz.Allowed {
		h.local.AllowedBefore++
	}
	if (d[0] == authz.Allowed) == (d[1] == authz.Allowed) {
		return nil
	}
	if before == nil {
		q, _ = reconstruct(rec)
		var err error
		if before, after, err = h.rp.inputs(&q); err != nil {
			return err
		}
	}
	h.record(&q, before, after, d[1] == authz.Allowed)
	return nil
}

// key writes into h.buf what decides a call: principal, action,
// resource and the values of the relevant context keys, as the record
// has them. It reports whether the record named a resource.
func (h *replayHandler) key(rec *trail.Record, action string, relevant uint32) bool {
	b := append(append(h.buf[:0], rec.UserARN...), '|')
	b = append(append(b, action...), '|')
	svc, _, _ := strings.Cut(action, ":")
	b, named := appendResource(b, rec, svc)
	for i := range ctxKeys {
		if relevant&(1<<i) == 0 {
			continue
		}
		b = append(b, '|')
		switch i {
		case 0:
			b = append(b, rec.SourceIPAddr...)
		case 1:
			if bytes.Contains(rec.Raw, []byte(`"tlsDetails"`)) {
				b = append(b, 't')
			}
		case 2:
			b = append(b, field(rec.Raw, "mfaAuthenticated")...)
		case 3:
			b = append(b, field(rec.Raw, "vpcEndpointId")...)
		case 4:
			if len(rec.InvokedBy) > 0 {
				b = append(b, 'v')
			}
		case 5:
			b = append(b, rec.AWSRegion...)
		case 6:
			b = append(b, rec.PrincipalID...)
		}
	}
	h.buf = b
	return named
}

func (h *replayHandler) record(q *request, before, after *authz.Input, allowed bool) {
	dir, statement := NewlyDenied, ""
	if allowed {
		dir = NewlyAllowed
		statement = responsible(h.rp.eng.Evaluate(before, false), "")
	} else {
		statement = responsible(h.rp.eng.Evaluate(after, false), h.rp.prop.Policy.ID)
	}
	acct := before.Principal.Account
	if h.rp.prop.Type == org.RCP {
		acct = before.ResourceAccount
	}
	key := dir + "|" + acct + "|" + q.principal + "|" + q.action
	h.res.mu.Lock()
	defer h.res.mu.Unlock()
	c := h.res.changes[key]
	if c == nil {
		c = &ReplayChange{Change: dir, Account: acct, AccountName: h.rp.src.Snap.Org.Name(acct), Principal: q.principal,
			Action: q.action, Statement: statement, FirstEvent: q.eventID, FirstTime: q.eventTime}
		h.res.changes[key] = c
	}
	c.Calls++
	if q.eventTime < c.FirstTime {
		c.FirstEvent, c.FirstTime = q.eventID, q.eventTime
	}
	if len(c.Resources) < 3 && !contains(c.Resources, q.resource) {
		c.Resources = append(c.Resources, q.resource)
	}
}

func (h *replayHandler) EndFile(*trail.Object, int, error) {}

// flush adds a worker's counts to the result.
func (h *replayHandler) flush() {
	h.res.mu.Lock()
	defer h.res.mu.Unlock()
	h.res.Records += h.local.Records
	h.res.Replayed += h.local.Replayed
	h.res.AllowedBefore += h.local.AllowedBefore
	h.res.Decided += h.local.Decided
	for k, v := range h.local.NotReplayed {
		h.res.NotReplayed[k] += v
	}
	for k, v := range h.local.Approximations {
		h.res.Approximations[k] += v
	}
}

// Replay decides every CloudTrail call of the source (within the
// filter) as things are and with the proposal, and lists the calls whose
// decision changes, grouped by account, principal and action.
func Replay(ctx context.Context, src trail.Source, rp *Replayer, opts trail.IngestOptions) (*ReplayResult, error) {
	res := &ReplayResult{NotReplayed: map[string]int64{}, Approximations: map[string]int64{}, changes: map[string]*ReplayChange{}}
	var handlers []*replayHandler
	var hmu sync.Mutex
	newHandler := func() trail.Handler {
		h := &replayHandler{rp: rp, res: res, cache: map[string][2]authz.Decision{}, actions: map[string]mappedAction{},
			local: ReplayResult{NotReplayed: map[string]int64{}, Approximations: map[string]int64{}}}
		hmu.Lock()
		handlers = append(handlers, h)
		hmu.Unlock()
		return h
	}
	objs, err := trail.ListAll(ctx, src, &opts.Filter, trail.KindLog)
	if err != nil {
		return nil, err
	}
	stats, ferrs, err := trail.Ingest(ctx, src, objs, opts, newHandler)
	if err != nil {
		return nil, err
	}
	for _, h := range handlers {
		h.flush()
	}
	res.Trail, res.FileErrors = stats, ferrs
	for _, c := range res.changes {
		sort.Strings(c.Resources)
		if c.Change == NewlyDenied {
			res.NewlyDenied = append(res.NewlyDenied, *c)
		} else {
			res.NewlyAllowed = append(res.NewlyAllowed, *c)
		}
	}
	for _, list := range [][]ReplayChange{res.NewlyDenied, res.NewlyAllowed} {
		sort.Slice(list, func(i, j int) bool {
			a, b := &list[i], &list[j]
			if a.Account != b.Account {
				return a.Account < b.Account
			}
			if a.Principal != b.Principal {
				return a.Principal < b.Principal
			}
			return a.Action < b.Action
		})
	}
	if res.NewlyDenied == nil {
		res.NewlyDenied = []ReplayChange{}
	}
	if res.NewlyAllowed == nil {
		res.NewlyAllowed = []ReplayChange{}
	}
	return res, nil
}
