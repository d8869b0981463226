package authz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/authz/randreq"
)

// TestRunBatchKeepsOrder decides a batch in parallel and checks every
// result against a sequential evaluation of the same entry.
func TestRunBatchKeepsOrder(t *testing.T) {
	g := randreq.NewPooled(3, 30)
	var buf bytes.Buffer
	var raws [][]byte
	for range 1500 {
		b, err := json.Marshal(g.Next())
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, b)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	eng, seq := New(), NewLoader()
	n := 0
	st, err := eng.RunBatch(&buf, NewLoader(), false, func(i int, res Result) error {
		n++
		if i != n {
			t.Fatalf("result %d came as %d", i, n)
		}
		in, err := seq.Decode(raws[i-1])
		if err != nil {
			t.Fatal(err)
		}
		if want := eng.Evaluate(in, false); want.Decision != res.Decision || want.DecidedBy != res.DecidedBy {
			t.Errorf("request %d: batch %s/%s, sequential %s/%s", i, res.Decision, res.DecidedBy, want.Decision, want.DecidedBy)
		}
		return nil
	})
	if err != nil || st.Requests != 1500 || st.Allowed+st.Denied() != 1500 {
		t.Fatalf("%v %+v", err, st)
	}
}

func TestReadEntriesForms(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		bad      bool
	}{
		{"jsonl", "{\"a\":1}\n\n{\"b\":\"x\\ny\"}\n", 2, false},
		{"pretty sequence", "{\n \"a\": [1,\n 2]\n}\n{\"b\":{}}", 2, false},
		{"array", "[{\"a\":1},\n{\"b\":2}]", 2, false},
		{"two on a line", `{"a":1} {"b":2}`, 2, false},
		{"truncated", "{\"a\":", 0, true},
		{"not an object", "3\n", 0, true},
		{"empty", "  \n", 0, true},
		{"bom", "\ufeff{\"a\":1}", 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			err := ReadEntries(strings.NewReader(tt.in), func(int, []byte) error { n++; return nil })
			if (err != nil) != tt.bad || (!tt.bad && n != tt.n) {
				t.Errorf("n=%d err=%v", n, err)
			}
		})
	}
}

func TestSkipStringEscapes(t *testing.T) {
	tests := []struct {
		in  string
		end int
	}{
		{`"abc" x`, 5},
		{`"a\"b" x`, 6},
		{`"a\\" x`, 5},
		{`"a\\\"b" x`, 8},
		{`"\\\\" x`, 6},
		{`""`, 2},
	}
	for _, tt := range tests {
		end, err := skipString([]byte(tt.in), 0)
		if err != nil || end != tt.end {
			t.Errorf("%s: end %d err %v, want %d", tt.in, end, err, tt.end)
		}
	}
	if _, err := skipString([]byte(`"abc\"`), 0); err == nil {
		t.Error("unterminated string accepted")
	}
}

// TestRunBatchLinesFallback checks that the newline fast path (taken for
// files) gives the same results and errors as the careful reader (taken
// for pipes) on input that is not one object per line.
func TestRunBatchLinesFallback(t *testing.T) {
	g := randreq.NewPooled(5, 10)
	var lines []string
	for range 700 {
		b, err := json.Marshal(g.Next())
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	pretty := func(s string) string {
		var out bytes.Buffer
		if err := json.Indent(&out, []byte(s), "", "  "); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	join := func(ls []string) string { return strings.Join(ls, "\n") + "\n" }
	cases := map[string]string{
		"regular":         join(lines),
		"pretty at 600":   join(lines[:600]) + pretty(lines[600]) + "\n" + join(lines[601:]),
		"two on a line":   join(lines[:300]) + lines[300] + " " + lines[301] + "\n" + join(lines[302:]),
		"split object":    join(lines[:10]) + "{\"request\": {\"action\": \"s3:GetObject\", \"principal\": \"arn:aws:iam::111111111111:user/a\"}\n}\n" + join(lines[10:]),
		"malformed at 42": join(lines[:41]) + "{\"request\": 3}\n" + join(lines[41:]),
		"truncated end":   join(lines[:5]) + "{\"request\": {",
		"bad json at 9":   join(lines[:8]) + "{\"a\" 1}\n" + join(lines[8:]),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			path := t.TempDir() + "/req.jsonl"
			if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
				t.Fatal(err)
			}
			run := func(r io.Reader) (string, BatchStats, error) {
				var out strings.Builder
				st, err := New().RunBatch(r, NewLoader(), false, func(n int, res Result) error {
					fmt.Fprintf(&out, "%d %s %s\n", n, res.Decision, res.DecidedBy)
					return nil
				})
				return out.String(), st, err
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fast, fst, ferr := run(f)
			slow, sst, serr := run(io.MultiReader(strings.NewReader(in)))
			if fast != slow || fst != sst || fmt.Sprint(ferr) != fmt.Sprint(serr) {
				t.Errorf("file: %d results %+v err %v\npipe: %d results %+v err %v",
					strings.Count(fast, "\n"), fst, ferr, strings.Count(slow, "\n"), sst, serr)
			}
		})
	}
}
