package authz

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// FuzzRunBatchModes checks that the newline fast path (files) and the
// careful reader (pipes) give the same results and the same error for
// any input.
func FuzzRunBatchModes(f *testing.F) {
	f.Add([]byte("{\"request\":{\"action\":\"s3:GetObject\",\"principal\":\"arn:aws:iam::111111111111:user/a\"}}\n"))
	f.Add([]byte("{\"request\":{\"action\":\"s3:GetObject\"}} {\"a\":1}\n{\n}\n"))
	f.Add([]byte("{\"request\": {\"action\": \"sqs:SendMessage\", \"principal\": \"*\"}\n}\n\n{\"x\":\"}\"}"))
	f.Add([]byte("[{\"request\":{\"action\":\"kms:Decrypt\",\"principal\":\"111111111111\"}}]"))
	f.Fuzz(func(t *testing.T, in []byte) {
		path := filepath.Join(t.TempDir(), "req.jsonl")
		if err := os.WriteFile(path, in, 0o600); err != nil {
			t.Fatal(err)
		}
		run := func(r io.Reader) string {
			var out strings.Builder
			st, err := New().RunBatch(r, NewLoader(), false, func(n int, res Result) error {
				fmt.Fprintf(&out, "%d %s %s;", n, res.Decision, res.DecidedBy)
				return nil
			})
			fmt.Fprintf(&out, "%+v %v", st, err)
			return out.String()
		}
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		if file, pipe := run(fh), run(io.MultiReader(bytes.NewReader(in))); file != pipe {
			t.Fatalf("file: %s\npipe: %s", file, pipe)
		}
	})
}
