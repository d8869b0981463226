package diag

import (
	"encoding/json"
	"testing"

	"github.com/orgrail/orgrail/internal/severity"
)

func TestShapes(t *testing.T) {
	d := Diagnostic{File: "ous.yaml", Line: 3, Column: 7, Code: "unknown-ou", Severity: severity.High, Message: "OU \"Prod\" is not declared", Hint: "declare it under ous:"}
	if got := d.String(); got != `ous.yaml:3:7: high unknown-ou: OU "Prod" is not declared (declare it under ous:)` {
		t.Fatalf("table form: %s", got)
	}
	b, _ := json.Marshal(d)
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"file", "line", "column", "code", "severity", "message", "hint"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
	l := List{{File: "b", Line: 1}, {File: "a", Line: 9, Severity: severity.Critical}, {File: "a", Line: 2}}
	l.Sort()
	if l[0].Line != 2 || l[2].File != "b" {
		t.Fatalf("sort: %+v", l)
	}
	if l.Max() != severity.Critical || (List{}).Max() != -1 {
		t.Fatal("Max")
	}
}
