package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// baselineConfig is the example landing zone with a baseline section.
func baselineConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := "../../examples/landing-zone"
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "baseline.yaml"), []byte("baseline:\n  targets: [Workloads]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBaselineTemplates writes the three templates and their parameters.
func TestBaselineTemplates(t *testing.T) {
	cfg, out := baselineConfig(t), t.TempDir()
	code, stdout, stderr := run(t, nil, "baseline", "templates", "--config", cfg, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"orgrail-log-archive", "orgrail-audit", "orgrail-account-baseline"} {
		b, err := os.ReadFile(filepath.Join(out, name+".json"))
		var doc map[string]any
		if err != nil || json.Unmarshal(b, &doc) != nil || doc["Resources"] == nil {
			t.Errorf("%s: %v", name, err)
		}
		if !strings.Contains(stdout, name+".json") {
			t.Errorf("stdout does not name %s: %s", name, stdout)
		}
	}
	p, _ := os.ReadFile(filepath.Join(out, "orgrail-log-archive.parameters.json"))
	if !strings.Contains(string(p), `"RetentionDays": "400"`) {
		t.Errorf("log archive parameters: %s", p)
	}
	if code, _, _ := run(t, nil, "baseline", "templates", "--config", "../../examples/landing-zone", "--out", out); code != ExitUsage {
		t.Errorf("no baseline section: exit %d, want 2", code)
	}
}
