package access

import (
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/trail"
)

// ReplayRequest is a reconstructed request, for tests.
type ReplayRequest struct {
	Principal, Action, Resource string
	Context                     map[string][]string
}

// ReplayInputs reconstructs a record and returns the replay's inputs
// before and after the proposal.
func ReplayInputs(rp *Replayer, rec *trail.Record) (before, after *authz.Input, q ReplayRequest, ok bool) {
	r, reason := reconstruct(rec)
	if reason != "" {
		return nil, nil, q, false
	}
	b, a, err := rp.inputs(&r)
	if err != nil || b == nil {
		return nil, nil, q, false
	}
	return b, a, ReplayRequest{Principal: r.principal, Action: r.action, Resource: r.resource, Context: r.ctx}, true
}

// StatementText names statements as findings do.
func StatementText(refs []authz.StatementRef) string { return statementText(refs) }

// WriteReplayArchive is writeReplayArchive, for tests and benchmarks.
var WriteReplayArchive = writeReplayArchive

// Observe makes Replay call f with every replayed record and the
// decisions it gave, before and after the proposal (f must lock).
func Observe(rp *Replayer, f func(rec *trail.Record, d [2]authz.Decision)) { rp.observe = f }
