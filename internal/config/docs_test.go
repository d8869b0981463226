package config

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListEveryCode keeps docs/config.md in step with Codes.
func TestDocsListEveryCode(t *testing.T) {
	b, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Skip("docs/config.md not present")
	}
	doc := string(b)
	for _, c := range Codes {
		if !strings.Contains(doc, "| `"+string(c.Code)+"` |") {
			t.Errorf("docs/config.md does not document code %s", c.Code)
		}
	}
	for _, k := range []string{"organization", "ous", "accounts", "policies", "standards", "security", "notifications", "exceptions"} {
		if !strings.Contains(doc, "`"+k+"`") {
			t.Errorf("docs/config.md does not document key %s", k)
		}
	}
}
