package authz

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestAppendJSONMatchesEncodingJSON checks the hand-written encoder
// against encoding/json.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	results := []Result{
		{Decision: Allowed, DecidedBy: LayerIdentity, MatchedStatements: []StatementRef{{PolicyID: "p\"<&>\u2028\x01é", Sid: "S\\1\n", Index: 3, Layer: LayerIdentity, Effect: "Allow"}}},
		{Decision: ImplicitlyDenied, DecidedBy: LayerSCP, MatchedStatements: []StatementRef{}, MissingAllow: LayerSCP, Level: "ou-1", Explanation: []string{"a", "b\tc"}},
		{Decision: ExplicitlyDenied, DecidedBy: LayerRCP, MatchedStatements: nil},
		{MatchedStatements: []StatementRef{{PolicyID: "bad \xff utf8"}}},
	}
	for _, r := range results {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		got := string(r.AppendJSON(nil)) + "\n"
		if got != want.String() {
			t.Errorf("got  %s\nwant %s", got, want.String())
		}
	}
}
