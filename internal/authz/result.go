package authz

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/orgrail/orgrail/internal/safetext"
)

// Decision is the outcome of a request.
type Decision uint8

// The three outcomes AWS knows.
const (
	ImplicitlyDenied Decision = iota
	Allowed
	ExplicitlyDenied
)

var decisionNames = [...]string{"ImplicitlyDenied", "Allowed", "ExplicitlyDenied"}

// String returns the contract's name of the decision.
func (d Decision) String() string {
	if int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// MarshalText implements encoding.TextMarshaler.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Decision) UnmarshalText(b []byte) error {
	for i, n := range decisionNames {
		if n == string(b) {
			*d = Decision(i)
			return nil
		}
	}
	return fmt.Errorf("unknown decision %s", safetext.QuoteBytes(b))
}

// Layer is a kind of policy in the evaluation flow.
type Layer string

// The layers, named as in the contract.
const (
	LayerIdentity    Layer = "identity"
	LayerBoundary    Layer = "permissionBoundary"
	LayerSession     Layer = "sessionPolicy"
	LayerResource    Layer = "resourcePolicy"
	LayerSCP         Layer = "scp"
	LayerRCP         Layer = "rcp"
	LayerEndpoint    Layer = "endpointPolicy"
	LayerTrust       Layer = "trustPolicy"
	LayerKey         Layer = "keyPolicy"
	LayerNone        Layer = ""
	layerRootImplied       = "root"
)

// StatementRef names a statement that matched.
type StatementRef struct {
	PolicyID string `json:"policyId"`
	Sid      string `json:"sid"`
	Index    int    `json:"index"`
	// Layer and Effect say where the statement sits and what it did.
	Layer  Layer  `json:"layer"`
	Effect string `json:"effect"`
}

// Result is a decision with its reasons, in the contract's shape.
type Result struct {
	Decision          Decision       `json:"decision"`
	DecidedBy         Layer          `json:"decidedBy"`
	MatchedStatements []StatementRef `json:"matchedStatements"`
	// MissingAllow is the layer that had no allow, for an implicit deny.
	MissingAllow Layer `json:"missingAllow,omitempty"`
	// Level is the SCP or RCP level (root, OU or account id) that had no
	// allow, when MissingAllow is scp or rcp.
	Level string `json:"level,omitempty"`
	// Explanation is the decision path in plain words (with Explain).
	Explanation []string `json:"explanation,omitempty"`
}

// AppendJSON appends the result as one JSON object, as encoding/json
// writes it (with HTML characters unescaped), without reflection: batch
// output writes one per request.
func (r *Result) AppendJSON(b []byte) []byte {
	b = append(b, `{"decision":`...)
	b = appendJSONString(b, r.Decision.String())
	b = append(b, `,"decidedBy":`...)
	b = appendJSONString(b, string(r.DecidedBy))
	b = append(b, `,"matchedStatements":`...)
	if r.MatchedStatements == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.MatchedStatements {
			m := &r.MatchedStatements[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"policyId":`...)
			b = appendJSONString(b, m.PolicyID)
			b = append(b, `,"sid":`...)
			b = appendJSONString(b, m.Sid)
			b = append(b, `,"index":`...)
			b = strconv.AppendInt(b, int64(m.Index), 10)
			b = append(b, `,"layer":`...)
			b = appendJSONString(b, string(m.Layer))
			b = append(b, `,"effect":`...)
			b = appendJSONString(b, m.Effect)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if r.MissingAllow != "" {
		b = append(b, `,"missingAllow":`...)
		b = appendJSONString(b, string(r.MissingAllow))
	}
	if r.Level != "" {
		b = append(b, `,"level":`...)
		b = appendJSONString(b, r.Level)
	}
	if len(r.Explanation) > 0 {
		b = append(b, `,"explanation":[`...)
		for i, e := range r.Explanation {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, e)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with HTML escaping off.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
