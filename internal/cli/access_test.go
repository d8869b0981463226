package cli

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccessCommands runs access external and access internal on the
// demo, with the demo's boundaries written as a configuration.
func TestAccessCommands(t *testing.T) {
	dir := auditDemo(t)
	code, out, errb := run(t, nil, "access", "external", "--snapshot", dir, "--output", "json", "--config", t.TempDir()+"/none")
	if code != 1 {
		t.Fatalf("external: exit %d (want 1: high findings)\n%s", code, errb)
	}
	var rep struct {
		Findings []struct{ RuleID, ResourceType, Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("external json: %v\n%s", err, out)
	}
	found := false
	for _, f := range rep.Findings {
		found = found || (f.RuleID == "access.external-account" && f.ResourceType == "AWS::IAM::Role" && strings.Contains(f.Message, "KumoVendorReadOnly#0"))
	}
	if !found {
		t.Errorf("vendor role not reported: %s", out)
	}

	cfg := t.TempDir()
	os.WriteFile(filepath.Join(cfg, "access.yaml"), []byte(`access:
  boundaries:
    - name: dev-not-prod
      from: [Workloads/Dev]
      to: [Workloads/Prod]
`), 0o600)
	code, out, errb = run(t, nil, "access", "internal", "--snapshot", dir, "--config", cfg, "--format", "findings", "--output", "jsonl")
	perRule, ids := map[string]int{}, map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct{ ID, RuleID string }
		json.Unmarshal([]byte(line), &f)
		perRule[f.RuleID]++
		if ids[f.ID] {
			t.Errorf("two findings share the id %s", f.ID)
		}
		ids[f.ID] = true
	}
	want := map[string]int{"access.boundary": 5, "access.chain-to-admin": 2, "access.trust-account-root": 1}
	if code != 1 || !maps.Equal(perRule, want) || !strings.Contains(out, "payments-hotfix → arn:aws:iam::") {
		t.Errorf("internal findings: exit %d, per rule %v, want %v\n%s\n%s", code, perRule, want, out, errb)
	}
	code, out, _ = run(t, nil, "access", "internal", "--snapshot", dir, "--config", cfg, "--format", "mermaid")
	if code != 1 || !strings.HasPrefix(out, "flowchart LR") {
		t.Errorf("mermaid: exit %d\n%s", code, out)
	}
	if code, _, _ := run(t, nil, "access", "internal", "--snapshot", dir, "--format", "svg", "--config", cfg); code != 2 {
		t.Errorf("bad format: exit %d", code)
	}
	os.WriteFile(filepath.Join(cfg, "access.yaml"), []byte("access:\n  boundaries:\n    - name: x\n      to: [Root]\n"), 0o600)
	if code, _, errb := run(t, nil, "access", "internal", "--snapshot", dir, "--config", cfg); code != 2 || !strings.Contains(errb, "access-boundary") {
		t.Errorf("bad boundary: exit %d\n%s", code, errb)
	}
}
