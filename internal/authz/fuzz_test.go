package authz

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzEvaluate checks that no request-file entry makes the loader or the
// evaluator panic or hang, and that Decide and Evaluate agree. The
// conformance cases are the seeds.
func FuzzEvaluate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "conformance", "*.json"))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		_ = elements(src, func(i int, val []byte) error {
			if i%7 == 0 {
				f.Add(append([]byte(nil), val...))
			}
			return nil
		})
	}
	eng := New()
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := NewLoader().Decode(raw)
		if err != nil {
			return
		}
		res := eng.Evaluate(in, true)
		if d := eng.Decide(in); d != res.Decision {
			t.Fatalf("Decide %s, Evaluate %s", d, res.Decision)
		}
	})
}
