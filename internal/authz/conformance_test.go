package authz

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// conformanceCase is a request-file entry with its expectation.
type conformanceCase struct {
	Name     string `json:"name"`
	Rule     string `json:"rule"`
	Doc      string `json:"doc"`
	Expected struct {
		Decision     string `json:"decision"`
		DecidedBy    string `json:"decidedBy"`
		MissingAllow string `json:"missingAllow"`
	} `json:"expected"`
}

// TestConformance runs the cases in testdata/conformance: each names the
// rule it checks and the AWS documentation section the rule follows.
func TestConformance(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "conformance", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	eng, loader := New(), NewLoader()
	total := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(src, &raws); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for i, raw := range raws {
			var c conformanceCase
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatalf("%s[%d]: %v", file, i, err)
			}
			total++
			name := filepath.Base(file) + ": " + c.Name
			if c.Rule == "" || c.Doc == "" || c.Expected.Decision == "" {
				t.Errorf("%s: a case needs rule, doc and expected.decision", name)
				continue
			}
			in, err := loader.Decode(raw)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			got := eng.Evaluate(in, true)
			if d := eng.Decide(in); d != got.Decision {
				t.Errorf("%s: Decide says %s, Evaluate says %s", name, d, got.Decision)
			}
			e := c.Expected
			if got.Decision.String() != e.Decision ||
				(e.DecidedBy != "" && string(got.DecidedBy) != e.DecidedBy) ||
				(e.MissingAllow != "" && string(got.MissingAllow) != e.MissingAllow) {
				t.Errorf("%s\n  rule: %s (%s)\n  got %s decidedBy=%s missingAllow=%s, want %+v\n  path: %v",
					name, c.Rule, c.Doc, got.Decision, got.DecidedBy, got.MissingAllow, e, got.Explanation)
			}
		}
	}
	t.Logf("%d conformance cases", total)
	if total < 300 {
		t.Errorf("%d conformance cases, want at least 300", total)
	}
}
