package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNotifyCommands drives submit, status, retry and triage through
// Main against a local webhook that is alive on one path and dead on
// another.
func TestNotifyCommands(t *testing.T) {
	t.Setenv("ORGRAIL_ALLOW_INSECURE_HTTP", "1") // the local webhook is plain http://
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if strings.HasPrefix(r.URL.Path, "/dead") {
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer hs.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg")
	os.MkdirAll(cfg, 0o700)
	os.WriteFile(filepath.Join(cfg, "notifications.yaml"), []byte(fmt.Sprintf(`
accounts:
  - {name: prod-app, id: "111122223333", ou: Workloads/Prod}
notifications:
  channels:
    good: {type: webhook, url: "%[1]s/hook"}
    dead: {type: webhook, url: "%[1]s/dead"}
  routes:
    - {name: all, channels: [good, dead]}
    - {name: iam, match: {nistCsf: [PR.AA]}, lane: triage}
`, hs.URL)), 0o600)
	dets := filepath.Join(dir, "dets.jsonl")
	os.WriteFile(dets, []byte(`{"detectionId":"iam.access-key-created","title":"IAM access key created","severity":"medium","nistCsf":"PR.AA","eventId":"ev-1","eventTime":"2026-11-25T10:00:00Z","account":"111122223333","region":"eu-west-1"}
{"detectionId":"ec2.sg-open","title":"SG open","severity":"high","nistCsf":"PR.IR","eventId":"ev-2","eventTime":"2026-11-25T10:01:00Z","account":"111122223333","region":"eu-west-1"}
`), 0o600)
	g := []string{"--config", cfg, "--state", filepath.Join(dir, "state.db"), "--quiet"}
	cmd := func(args ...string) []string { return append(append([]string{}, args...), g...) }

	for i := 0; i < 2; i++ {
		if code, _, errs := run(t, nil, cmd("notify", "submit", dets)...); code != 0 {
			t.Fatalf("submit %d: exit %d: %s", i, code, errs)
		}
	}
	code, out, _ := run(t, nil, cmd("notify", "status", "--output", "json")...)
	var st struct {
		Channels []struct {
			Channel      string
			Sent, Parked int
		}
		Messages []struct{ ID, Channel, Status string }
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status json: %v\n%s", err, out)
	}
	if code != ExitFail || len(st.Channels) != 2 || st.Channels[0].Parked != 2 || st.Channels[1].Sent != 2 || len(st.Messages) != 2 {
		t.Fatalf("status exit %d: %+v", code, st)
	}
	if code, _, errs := run(t, nil, cmd("notify", "retry", "--id", st.Messages[0].ID)...); code != 0 {
		t.Fatalf("retry: exit %d: %s", code, errs)
	}
	if code, _, _ := run(t, nil, cmd("notify", "retry", "--id", "nope")...); code != ExitUsage {
		t.Fatalf("retry unknown id: exit %d", code)
	}
	code, out, _ = run(t, nil, cmd("triage", "list", "--output", "jsonl")...)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"accountName":"prod-app"`) {
		t.Fatalf("triage list: %d %q", code, out)
	}
	if code, _, _ := run(t, nil, cmd("triage", "dismiss", "1")...); code != ExitUsage {
		t.Fatalf("dismiss without reason: exit %d", code)
	}
	if code, _, errs := run(t, nil, cmd("triage", "dismiss", "1", "--reason", "expected")...); code != 0 {
		t.Fatalf("dismiss: exit %d %s", code, errs)
	}
	if code, _, _ := run(t, nil, cmd("triage", "ack", "9")...); code != ExitUsage {
		t.Fatalf("ack unknown: exit %d", code)
	}
	code, out, _ = run(t, nil, cmd("triage", "list", "--status", "dismissed", "--output", "jsonl")...)
	if code != 0 || !strings.Contains(out, `"reason":"expected"`) {
		t.Fatalf("dismissed list: %q", out)
	}
	if code, _, _ := run(t, nil, cmd("watch")...); code != ExitUsage {
		t.Fatalf("watch without sources: exit %d", code)
	}
}
