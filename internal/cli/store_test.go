package cli

import (
	"encoding/json"
	"fmt"
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

// TestPruneThenQueryReindexes: store prune drops index rows of old
// events; the files they came from are forgotten too, so the next trail
// query reads them again and finds the events (it found none before).
func TestPruneThenQueryReindexes(t *testing.T) {
	src := t.TempDir()
	dir := filepath.Join(src, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2020", "01", "02")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var recs []string
	for i := 0; i < 3; i++ {
		recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.08","eventTime":"2020-01-02T03:04:0%dZ","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","recipientAccountId":"111122223333","eventID":"ev-%d","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"}}`, i, i))
	}
	file := filepath.Join(dir, "111122223333_CloudTrail_us-east-1_20200102T0305Z_abc.json")
	if err := os.WriteFile(file, []byte(`{"Records":[`+strings.Join(recs, ",")+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "state.db")
	query := []string{"--state", state, "trail", "query", "--source", src, "--event-name", "ConsoleLogin", "--output", "jsonl", "--quiet"}
	code, out, errOut := run(t, nil, query...)
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("first query: exit %d, %q %s", code, out, errOut)
	}
	if code, _, errOut := run(t, nil, "--state", state, "store", "prune", "--older-than", "90d", "--quiet"); code != 0 {
		t.Fatalf("prune: exit %d %s", code, errOut)
	}
	code, out, errOut = run(t, nil, query...)
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("query after prune: exit %d, %d events, want 3: %s", code, strings.Count(out, "\n"), errOut)
	}
}
