package notify

import (
	"github.com/orgrail/orgrail/internal/detect"
	"github.com/orgrail/orgrail/internal/trail"
)

// DetectMatcher adapts a compiled detect.Engine to trail.Matcher, the
// interface the pipeline runs. It is safe for concurrent use.
type DetectMatcher struct {
	e     *detect.Engine
	rules map[*detect.Rule]*trail.Rule
}

// NewDetectMatcher wraps e, converting each rule once.
func NewDetectMatcher(e *detect.Engine) *DetectMatcher {
	m := &DetectMatcher{e: e, rules: map[*detect.Rule]*trail.Rule{}}
	for _, r := range e.Rules() {
		m.rules[r] = trailRule(r)
	}
	return m
}

func trailRule(r *detect.Rule) *trail.Rule {
	return &trail.Rule{ID: r.ID, Title: r.Title, Severity: r.Severity, NistCSF: r.NistCSF, Source: r.Source, Author: r.Author, Fields: r.Fields}
}

// Match implements trail.Matcher.
func (m *DetectMatcher) Match(event []byte, dst []trail.Hit) ([]trail.Hit, error) {
	hits, err := m.e.Match(event, nil)
	if err != nil {
		return dst, err
	}
	for _, h := range hits {
		r := m.rules[h.Rule]
		if r == nil {
			r = trailRule(h.Rule)
		}
		dst = append(dst, trail.Hit{Rule: r, Values: h.Values, Key: h.Key})
	}
	return dst, nil
}
