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

// replayHandler replays the records one ingest worker decodes. Its
// cache maps what decides a call (see key) to the decisions and, for a
// call the proposal changes, what the change is reported as; its groups
// collect the changed calls, merged with the other workers' at the end.
type replayHandler struct {
	rp      *Replayer
	res     *ReplayResult
	cache   map[string]*cacheEntry
	actions map[string]mappedAction
	groups  map[string]*ReplayChange
	buf     []byte
	rbuf    []byte
	local   ReplayResult
}

// cacheEntry is a decided call: the decisions before and after the
// proposal; for a changed call, the direction, the account it is
// grouped under and the statement responsible.
type cacheEntry struct {
	d         [2]authz.Decision
	change    string
	account   string
	statement string
}

// maxCache bounds one worker's cache entries.
const maxCache = 1 << 18

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
	e := h.cache[string(h.buf)]
	if e == nil {
		h.rp.smu.Lock()
		e = h.rp.shared[string(h.buf)]
		h.rp.smu.Unlock()
		if e != nil && len(h.cache) < maxCache {
			h.cache[string(h.buf)] = e
		}
	}
	if e == nil {
		var err error
		var skip string
		if e, skip, err = h.decide(rec); err != nil {
			return err
		}
		if skip != "" {
			h.local.NotReplayed[skip]++
			return nil
		}
		h.local.Decided++
		// Loading the caller's and the resource's policies may have made
		// more keys relevant: the entry is keyed with them.
		h.key(rec, ma.action, h.rp.relevant.Load())
		if len(h.cache) < maxCache {
			k := string(h.buf)
			h.cache[k] = e
			h.rp.smu.Lock()
			if len(h.rp.shared) < maxCache {
				h.rp.shared[k] = e
			}
			h.rp.smu.Unlock()
		}
	}
	h.local.Replayed++
	if !named {
		h.local.Approximations[ApproxNoResource]++
	}
	if e.d[0] == authz.Allowed {
		h.local.AllowedBefore++
	}
	if h.rp.observe != nil {
		h.rp.observe(rec, e.d)
	}
	if e.change != "" {
		h.count(rec, ma.action, e)
	}
	return nil
}

// decide reconstructs a call and decides it with the engine, before and
// after the proposal; a record that gives no request comes back with the
// reason.
func (h *replayHandler) decide(rec *trail.Record) (*cacheEntry, string, error) {
	q, reason := reconstruct(rec)
	if reason != "" {
		return nil, reason, nil
	}
	before, after, err := h.rp.inputs(&q)
	if err != nil {
		return nil, "", err
	}
	if before == nil {
		return nil, SkipUnparsedPrincipal, nil
	}
	e := &cacheEntry{d: [2]authz.Decision{h.rp.eng.Decide(before), h.rp.eng.Decide(after)}}
	if (e.d[0] == authz.Allowed) == (e.d[1] == authz.Allowed) {
		return e, "", nil
	}
	if e.d[1] == authz.Allowed {
		e.change, e.statement = NewlyAllowed, responsible(h.rp.eng.Evaluate(before, false), "")
	} else {
		e.change, e.statement = NewlyDenied, responsible(h.rp.eng.Evaluate(after, false), h.rp.prop.Policy.ID)
	}
	e.account = before.Principal.Account
	if h.rp.prop.Type == org.RCP {
		e.account = before.ResourceAccount
	}
	return e, "", nil
}

// key writes into h.buf what decides a call: the relevance mask it was
// built with, principal, action, resource and the values of the relevant
// context keys, as the record has them. A role session's name and an S3
// object's key are written as a class (a NUL) when no loaded policy can
// tell them apart. It reports whether the record named a resource.
func (h *replayHandler) key(rec *trail.Record, action string, relevant uint32) bool {
	b := append(h.buf[:0], byte(relevant), byte(relevant>>8), byte(relevant>>16), byte(relevant>>24))
	if relevant&bitSession == 0 {
		b = appendSessionClass(b, rec.UserARN)
	} else {
		b = append(b, rec.UserARN...)
	}
	b = append(append(append(b, '|'), action...), '|')
	svc, _, _ := strings.Cut(action, ":")
	start := len(b)
	b, named := appendResource(b, rec, svc)
	if relevant&bitObjectKey == 0 {
		b = objectClass(b, start)
	}
	for i := range ctxKeys {
		if relevant&(1<<i) == 0 {
			continue
		}
		b = append(b, '|')
		switch i {
		case 0:
			b = append(b, rec.SourceIPAddr...)
		case 1:
			if secureTransport(rec) {
				b = append(b, 't')
			}
		case 2:
			if rec.MFAAuthenticated != nil {
				b = append(append(b, 'm'), rec.MFAAuthenticated...)
			}
		case 3:
			b = append(b, rec.VPCEndpointID...)
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

// appendSessionClass appends a principal ARN with a role session's name
// replaced by a NUL (arn:aws:sts::A:assumed-role/R/\x00); other ARNs as
// they are.
func appendSessionClass(b, arn []byte) []byte {
	const marker = ":assumed-role/"
	i := bytes.Index(arn, []byte(marker))
	if i < 0 {
		return append(b, arn...)
	}
	j := bytes.IndexByte(arn[i+len(marker):], '/')
	if j < 0 {
		return append(b, arn...)
	}
	return append(append(b, arn[:i+len(marker)+j+1]...), 0)
}

// objectClass replaces the key of an S3 object ARN written at b[start:]
// (arn:P:s3:::BUCKET/KEY) by a NUL.
func objectClass(b []byte, start int) []byte {
	arn := b[start:]
	i := bytes.Index(arn, []byte(":s3:::"))
	if i < 0 || !bytes.HasPrefix(arn, []byte("arn:")) {
		return b
	}
	j := bytes.IndexByte(arn[i+6:], '/')
	if j < 0 {
		return b
	}
	return append(b[:start+i+6+j+1], 0)
}

// count adds a changed call to its group: direction, account, principal
// and action. A group keeps its earliest call (by time, then event id)
// and the statement that decided it, and the three smallest resources,
// so that the result does not depend on which worker saw which file.
func (h *replayHandler) count(rec *trail.Record, action string, e *cacheEntry) {
	b := append(append(h.buf[:0], e.change...), '|')
	b = append(append(b, e.account...), '|')
	b = append(append(append(b, rec.UserARN...), '|'), action...)
	h.buf = b
	c := h.groups[string(b)]
	if c == nil {
		c = &ReplayChange{Change: e.change, Account: e.account, Principal: trail.Text(rec.UserARN), Action: action,
			Statement: e.statement, FirstEvent: trail.Text(rec.EventID), FirstTime: trail.Text(rec.EventTime)}
		h.groups[string(b)] = c
	} else if t := string(rec.EventTime); t < c.FirstTime || (t == c.FirstTime && string(rec.EventID) < c.FirstEvent) {
		c.FirstEvent, c.FirstTime, c.Statement = trail.Text(rec.EventID), trail.Text(rec.EventTime), e.statement
	}
	c.Calls++
	svc, _, _ := strings.Cut(action, ":")
	h.rbuf, _ = appendResource(h.rbuf[:0], rec, svc)
	if bytes.IndexByte(h.rbuf, '\\') >= 0 {
		h.rbuf = append(h.rbuf[:0], trail.Text(h.rbuf)...)
	}
	c.Resources = addExample(c.Resources, h.rbuf)
}

// addExample keeps the three smallest distinct resources.
func addExample(list []string, r []byte) []string {
	for _, x := range list {
		if x == string(r) {
			return list
		}
	}
	if len(list) < 3 {
		return insertSorted(list, string(r))
	}
	if string(r) >= list[2] {
		return list
	}
	return insertSorted(list[:2], string(r))
}

func insertSorted(list []string, s string) []string {
	i := sort.SearchStrings(list, s)
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = s
	return list
}

func (h *replayHandler) EndFile(*trail.Object, int, error) {}

// flush adds a worker's counts and groups to the result.
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
	for k, g := range h.groups {
		c := h.res.changes[k]
		if c == nil {
			h.res.changes[k] = g
			continue
		}
		c.Calls += g.Calls
		if g.FirstTime < c.FirstTime || (g.FirstTime == c.FirstTime && g.FirstEvent < c.FirstEvent) {
			c.FirstEvent, c.FirstTime, c.Statement = g.FirstEvent, g.FirstTime, g.Statement
		}
		for _, r := range g.Resources {
			c.Resources = addExample(c.Resources, []byte(r))
		}
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
		h := &replayHandler{rp: rp, res: res, cache: map[string]*cacheEntry{}, actions: map[string]mappedAction{}, groups: map[string]*ReplayChange{},
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
		c.AccountName = rp.src.Snap.Org.Name(c.Account)
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
