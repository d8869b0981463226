package sigma

import (
	"testing"

	"github.com/orgrail/orgrail/internal/pattern"
)

// FuzzParse feeds arbitrary documents to the Sigma loader and runs what
// loads over a record: no panics, whatever the input.
func FuzzParse(f *testing.F) {
	head := "title: t\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n"
	f.Add([]byte(head + "  sel:\n    eventName|contains|all: [a, b]\n  f:\n    x: null\n  condition: sel and not 1 of f*\n"))
	f.Add([]byte(head + "  sel:\n    - a|re: '^x(y|z)'\n    - b|cidr: 10.0.0.0/8\n  condition: (sel or sel) and all of them\n"))
	f.Add([]byte(head + "  k:\n    - 'any*thing?'\n  condition: k\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		r, err := Parse(doc, "fuzz.yml")
		if err != nil {
			return
		}
		paths := pattern.NewPaths()
		e := r.Compile(paths, "detail.")
		v := paths.NewValues()
		if err := paths.Extract([]byte(`{"detail":`+record+`}`), v); err != nil {
			t.Fatal(err)
		}
		e.Match(v)
		_, _ = r.EventNames()
	})
}
