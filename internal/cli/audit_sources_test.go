package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigSources: SARIF results are located at the configuration line
// that declares the account.
func TestConfigSources(t *testing.T) {
	g := &Globals{ConfigDir: filepath.Join("..", "..", "examples", "landing-zone")}
	src := configSources(g)
	s, ok := src["111111111111"]
	if !ok || !strings.HasSuffix(s.File, "accounts.yaml") || s.Line < 1 {
		t.Fatalf("account 111111111111 at %+v (%d accounts)", s, len(src))
	}
	if configSources(&Globals{ConfigDir: t.TempDir() + "/absent"}) != nil {
		t.Error("an absent configuration gave sources")
	}
}
