package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runOrgrailForConfig(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestValidateExitCodes(t *testing.T) {
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "a.yaml"), []byte("accounts:\n  - name: a\n    email: nope\n    ou: Root\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	warnOnly := t.TempDir()
	if err := os.WriteFile(filepath.Join(warnOnly, "a.yaml"), []byte("standards:\n  logRetentionDays: 100\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"example is valid", []string{"validate", "../../examples/landing-zone"}, 0, ""},
		{"errors exit 1", []string{"validate", bad}, 1, "a.yaml:3:12: high bad-email: "},
		{"--config is the default dir", []string{"validate", "--config", bad}, 1, "bad-email"},
		{"fail-on none", []string{"validate", "--fail-on", "none", bad}, 0, "bad-email"},
		{"warnings pass", []string{"validate", warnOnly}, 0, "low retention-not-cloudwatch"},
		{"warnings fail at low", []string{"validate", "--fail-on", "low", warnOnly}, 1, "retention-not-cloudwatch"},
		{"unreadable dir exits 2", []string{"validate", filepath.Join(bad, "missing")}, 2, ""},
		{"bad fail-on exits 2", []string{"validate", "--fail-on", "loud", bad}, 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runOrgrailForConfig(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.code, out, errOut)
			}
			if !strings.Contains(out, tc.out) {
				t.Errorf("stdout %q does not contain %q", out, tc.out)
			}
		})
	}
}

func TestValidateJSON(t *testing.T) {
	code, out, _ := runOrgrailForConfig(t, "validate", "--output", "json", "../../examples/landing-zone")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("exit %d, out %q", code, out)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("bogus: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runOrgrailForConfig(t, "validate", "--output", "json", dir)
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 1 || len(got) != 1 {
		t.Fatalf("exit %d, %v, %q", code, err, out)
	}
	for _, k := range []string{"file", "line", "column", "code", "severity", "message", "hint"} {
		if _, ok := got[0][k]; !ok {
			t.Errorf("field %s missing in %v", k, got[0])
		}
	}
	if got[0]["code"] != "unknown-key" || got[0]["line"] != 1.0 || got[0]["column"] != 1.0 {
		t.Errorf("got %v", got[0])
	}
}

func TestSchemaCommand(t *testing.T) {
	code, out, _ := runOrgrailForConfig(t, "schema")
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", s["$schema"])
	}
}
