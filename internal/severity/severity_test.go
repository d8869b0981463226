package severity

import (
	"encoding/json"
	"testing"
)

func TestParseAndReach(t *testing.T) {
	for _, n := range []string{"informational", "low", "medium", "high", "critical", "none"} {
		l, err := Parse(n)
		if err != nil || l.String() != n {
			t.Fatalf("Parse(%q) = %v, %v", n, l, err)
		}
	}
	if l, _ := Parse(" HIGH "); l != High {
		t.Fatal("case and space")
	}
	if l, _ := Parse("info"); l != Informational {
		t.Fatal("info alias")
	}
	if _, err := Parse("severe"); err == nil {
		t.Fatal("want error")
	}
	if !Critical.Reaches(High) || Medium.Reaches(High) || Critical.Reaches(None) {
		t.Fatal("Reaches")
	}
}

func TestJSON(t *testing.T) {
	b, _ := json.Marshal(struct{ S Level }{High})
	if string(b) != `{"S":"high"}` {
		t.Fatalf("got %s", b)
	}
	var v struct{ S Level }
	if err := json.Unmarshal([]byte(`{"S":"critical"}`), &v); err != nil || v.S != Critical {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"S":"bogus"}`), &v); err == nil {
		t.Fatal("want error")
	}
}
