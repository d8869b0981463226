package authz

import "fmt"

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
	return fmt.Errorf("unknown decision %q", b)
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
