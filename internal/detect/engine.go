package detect

import (
	"fmt"
	"strings"
	"sync"

	"github.com/orgrail/orgrail/internal/pattern"
	"github.com/orgrail/orgrail/internal/sigma"
)

// Option configures Compile.
type Option func(*options)

type options struct {
	orgAccounts []string
}

// WithOrgAccounts gives the organization's account ids. Rules that need
// them (such as AssumeRole from outside the organization) run only when
// at least one account is given; otherwise Engine.Skipped lists them.
func WithOrgAccounts(ids ...string) Option {
	return func(o *options) { o.orgAccounts = append(o.orgAccounts, ids...) }
}

// Engine is a compiled set of rules: every event pattern in one matcher,
// every Sigma rule bound to the same field extraction, so an event is
// scanned once whatever the number of rules. It is immutable and safe for
// concurrent use by many goroutines.
type Engine struct {
	rules    []*Rule
	skipped  []*Rule
	paths    *pattern.Paths
	matcher  *pattern.Matcher
	byPat    []*Rule // pattern index → rule
	sigmas   []sigmaEval
	byName   map[string][]int // lower-cased eventName → sigmas
	ungated  []int            // sigmas run on every event
	nameIdx  int              // path index of detail.eventName
	fieldIdx map[*Rule][]int  // rule → path index of each of its Fields
	keyIdx   map[*Rule][]int  // rule → path index of each suppression key
	pool     sync.Pool
}

type sigmaEval struct {
	rule *Rule
	ev   *sigma.Evaluator
}

// SigmaPrefix is where Sigma's CloudTrail field names resolve in the
// EventBridge envelope.
const SigmaPrefix = "detail."

// Compile builds an Engine from rules. Rule ids must be unique.
func Compile(rules []*Rule, opts ...Option) (*Engine, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	b := pattern.NewBuilder()
	e := &Engine{byName: map[string][]int{}, fieldIdx: map[*Rule][]int{}, keyIdx: map[*Rule][]int{}}
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.ID] {
			return nil, fmt.Errorf("detection %s: duplicate id", r.ID)
		}
		seen[r.ID] = true
		switch {
		case r.NeedsOrgAccounts && len(o.orgAccounts) == 0:
			e.skipped = append(e.skipped, r)
			continue
		case r.Pattern != nil:
			js := r.Pattern
			if r.NeedsOrgAccounts {
				js = expandOrgAccounts(js, o.orgAccounts)
			}
			i, err := b.Add(js)
			if err != nil {
				return nil, fmt.Errorf("detection %s: %w", r.ID, err)
			}
			if i != len(e.byPat) {
				return nil, fmt.Errorf("detection %s: pattern index out of step", r.ID)
			}
			e.byPat = append(e.byPat, r)
		case r.sigma != nil:
			e.addSigma(r, b.Paths())
		default:
			return nil, fmt.Errorf("detection %s: has neither a pattern nor a Sigma rule", r.ID)
		}
		e.rules = append(e.rules, r)
	}
	p := b.Paths()
	e.nameIdx = p.Add(SigmaPrefix + "eventName")
	for _, r := range e.rules {
		for _, f := range r.Fields {
			e.fieldIdx[r] = append(e.fieldIdx[r], p.Add(f))
		}
		if r.Suppression != nil {
			for _, k := range r.Suppression.Key {
				e.keyIdx[r] = append(e.keyIdx[r], p.Add(k))
			}
		}
	}
	e.paths = p
	e.matcher = b.Build()
	e.pool.New = func() any { return &scratch{vals: p.NewValues()} }
	return e, nil
}

func (e *Engine) addSigma(r *Rule, p *pattern.Paths) {
	i := len(e.sigmas)
	e.sigmas = append(e.sigmas, sigmaEval{rule: r, ev: r.sigma.Compile(p, SigmaPrefix)})
	names, ok := r.sigma.EventNames()
	if !ok {
		e.ungated = append(e.ungated, i)
		return
	}
	for _, n := range names {
		e.byName[n] = append(e.byName[n], i)
	}
}

// scratch is the per-call working memory of Match, pooled.
type scratch struct {
	vals  *pattern.Values
	idx   []int
	low   []byte
	sigma sigma.Scratch
}

// Rules returns the rules the Engine runs.
func (e *Engine) Rules() []*Rule { return e.rules }

// Skipped returns the rules left out because Compile lacked what they need
// (the organization's accounts).
func (e *Engine) Skipped() []*Rule { return e.skipped }

// Fields returns the envelope field paths the rules read (and the fields
// they show), sorted, so that decoders may skip everything else.
func (e *Engine) Fields() []string { return e.paths.Names() }

// Match runs every rule over one event, an EventBridge envelope JSON
// document, and appends a Hit per firing rule to dst. It returns an error
// when the event is not valid JSON where it had to be read.
func (e *Engine) Match(event []byte, dst []Hit) ([]Hit, error) {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	if err := e.paths.Extract(event, s.vals); err != nil {
		return dst, fmt.Errorf("event: %w", err)
	}
	s.idx = e.matcher.MatchValues(s.vals, s.idx[:0])
	for _, i := range s.idx {
		dst = append(dst, e.hit(e.byPat[i], s.vals))
	}
	for _, i := range e.ungated {
		if e.sigmas[i].ev.MatchScratch(s.vals, &s.sigma) {
			dst = append(dst, e.hit(e.sigmas[i].rule, s.vals))
		}
	}
	if len(e.byName) > 0 {
		if v, ok := s.vals.First(e.nameIdx); ok && v.Kind == pattern.String {
			s.low = lowerASCII(s.low[:0], v.Text)
			for _, i := range e.byName[string(s.low)] {
				if e.sigmas[i].ev.MatchScratch(s.vals, &s.sigma) {
					dst = append(dst, e.hit(e.sigmas[i].rule, s.vals))
				}
			}
		}
	}
	return dst, nil
}

func (e *Engine) hit(r *Rule, v *pattern.Values) Hit {
	h := Hit{Rule: r}
	if idx := e.fieldIdx[r]; len(idx) > 0 {
		h.Values = make([]string, len(idx))
		for i, p := range idx {
			h.Values[i] = valueString(v, p)
		}
	}
	if idx := e.keyIdx[r]; len(idx) > 0 {
		parts := make([]string, len(idx))
		for i, p := range idx {
			parts[i] = valueString(v, p)
		}
		h.Key = strings.Join(parts, "\x00")
	}
	return h
}

// valueString renders the values at a path for display: strings as they
// are, other JSON values as written, several values joined with ", ".
func valueString(v *pattern.Values, p int) string {
	var parts []string
	v.Each(p, func(x pattern.Value) bool {
		if x.Kind != pattern.Object {
			parts = append(parts, string(x.Text))
		}
		return true
	})
	return strings.Join(parts, ", ")
}

// lowerASCII lower-cases ASCII letters (event names are ASCII); Sigma's
// own comparison stays fully case-insensitive.
func lowerASCII(dst, b []byte) []byte {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
