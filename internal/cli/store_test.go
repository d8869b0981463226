package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStoreCommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.db")
	code, out, _ := runOrgrailForConfig(t, "--state", path, "store", "info")
	if code != 0 || !strings.Contains(out, "not created yet") {
		t.Fatalf("info before creation: exit %d, %q", code, out)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("store info created the store")
	}
	code, out, errOut := runOrgrailForConfig(t, "--state", path, "store", "prune", "--older-than", "90d")
	if code != 0 || !strings.Contains(out, "outbox") {
		t.Fatalf("prune: exit %d, %q %q", code, out, errOut)
	}
	code, out, _ = runOrgrailForConfig(t, "--state", path, "--output", "json", "store", "info")
	var info struct {
		Exists        bool `json:"exists"`
		SchemaVersion int  `json:"schemaVersion"`
		Tables        []struct {
			Name string `json:"name"`
		} `json:"tables"`
	}
	if err := json.Unmarshal([]byte(out), &info); err != nil || code != 0 {
		t.Fatalf("exit %d, %v, %q", code, err, out)
	}
	if !info.Exists || info.SchemaVersion < 1 || len(info.Tables) == 0 {
		t.Fatalf("info = %+v", info)
	}
	t.Setenv("ORGRAIL_STATE", path)
	if code, out, _ = runOrgrailForConfig(t, "store", "info"); code != 0 || !strings.Contains(out, "schema version") {
		t.Fatalf("ORGRAIL_STATE: exit %d, %q", code, out)
	}
}

func TestStorePruneUsage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	for _, args := range [][]string{
		{"--state", path, "store", "prune"},
		{"--state", path, "store", "prune", "--older-than", "ninety"},
	} {
		if code, _, _ := runOrgrailForConfig(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
