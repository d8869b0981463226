package authz

import (
	"bytes"
	"encoding/json"
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
