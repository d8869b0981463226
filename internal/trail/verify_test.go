package trail

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildVerifyArchive writes two accounts × one region × three hours of
// logs with a digest chain each.
func buildVerifyArchive(t *testing.T) (*testArchive, map[string][]string) {
	a := newTestArchive(t, t.TempDir())
	h0 := time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC) // crosses midnight
	logs := map[string][]string{}
	for _, acct := range []string{"111122223333", "444455556666"} {
		for i := 0; i < 3; i++ {
			logs[acct] = append(logs[acct], a.writeHour(t, acct, "eu-west-1", h0.Add(time.Duration(i)*time.Hour), 2, 3, true)...)
		}
	}
	return a, logs
}

func runVerify(t *testing.T, a *testArchive) *VerifyResult {
	t.Helper()
	ks, err := LoadPublicKeys(a.KeysFile)
	if err != nil {
		t.Fatal(err)
	}
	src, err := OpenLocal(a.Dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(context.Background(), src, VerifyOptions{Keys: StaticKeys{ks}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestVerifyValid(t *testing.T) {
	a, _ := buildVerifyArchive(t)
	res := runVerify(t, a)
	if !res.OK() || res.Digests != 6 || res.ValidDigests != 6 || res.LogFiles != 12 || res.ValidLogFiles != 12 {
		t.Fatalf("result = %+v", res)
	}
}

func TestVerifyTampered(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, a *testArchive, logs map[string][]string)
		kind   string
		file   string // substring of the reported file
	}{
		{"modified log", func(t *testing.T, a *testArchive, logs map[string][]string) {
			p := filepath.Join(a.Dir, logs["111122223333"][1])
			writeFile(t, p, gzipBytes([]byte(`{"Records":[]}`)))
		}, ProblemModifiedLog, "_0001.json.gz"},
		{"deleted log", func(t *testing.T, a *testArchive, logs map[string][]string) {
			os.Remove(filepath.Join(a.Dir, logs["444455556666"][2]))
		}, ProblemMissingLog, "444455556666_CloudTrail_eu-west-1"},
		{"unexpected log", func(t *testing.T, a *testArchive, logs map[string][]string) {
			k := strings.Replace(logs["111122223333"][0], "_0000.json.gz", "_0009.json.gz", 1)
			writeFile(t, filepath.Join(a.Dir, k), gzipBytes([]byte(`{"Records":[]}`)))
		}, ProblemUnexpectedLog, "_0009.json.gz"},
		{"bad signature", func(t *testing.T, a *testArchive, logs map[string][]string) {
			sig := digestSidecars(t, a.Dir)[5] // the newest digest of one chain
			b, _ := os.ReadFile(sig)
			s := []byte(strings.TrimSpace(string(b)))
			if s[0] == 'a' {
				s[0] = 'b'
			} else {
				s[0] = 'a'
			}
			writeFile(t, sig, s)
		}, ProblemSignature, "CloudTrail-Digest"},
		{"broken chain", func(t *testing.T, a *testArchive, logs map[string][]string) {
			// Re-sign the middle digest with a changed previous hash: the
			// signature is valid, the chain is not.
			sig := digestSidecars(t, a.Dir)[1]
			p := strings.TrimSuffix(sig, ".sig")
			var d Digest
			json.Unmarshal(readGz(t, p), &d)
			bad := strings.Repeat("0", 64)
			d.PreviousDigestHashValue = &bad
			raw, _ := json.Marshal(d)
			s, err := SignDigest(a.Key, &d, raw)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, p, gzipBytes(raw))
			writeFile(t, sig, []byte(s))
		}, ProblemChain, "CloudTrail-Digest"},
		{"digest edited", func(t *testing.T, a *testArchive, logs map[string][]string) {
			// Drop a log file from the first digest without re-signing.
			p := strings.TrimSuffix(digestSidecars(t, a.Dir)[0], ".sig")
			var d Digest
			json.Unmarshal(readGz(t, p), &d)
			d.LogFiles = d.LogFiles[:1]
			raw, _ := json.Marshal(d)
			writeFile(t, p, gzipBytes(raw))
		}, ProblemSignature, "CloudTrail-Digest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, logs := buildVerifyArchive(t)
			tc.tamper(t, a, logs)
			res := runVerify(t, a)
			if res.OK() {
				t.Fatal("tampered archive verified")
			}
			found := false
			for _, p := range res.Problems {
				if p.Kind == tc.kind && strings.Contains(p.File, tc.file) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no %s problem on *%s*: %+v", tc.kind, tc.file, res.Problems)
			}
		})
	}
}

// TestVerifyWithoutSidecars takes signatures from the next digest; the
// newest digest of each chain is then unsigned.
func TestVerifyWithoutSidecars(t *testing.T) {
	a, _ := buildVerifyArchive(t)
	for _, s := range digestSidecars(t, a.Dir) {
		os.Remove(s)
	}
	res := runVerify(t, a)
	if res.ValidDigests != 4 || len(res.Problems) != 2 {
		t.Fatalf("result = %+v", res)
	}
	for _, p := range res.Problems {
		if p.Kind != ProblemSignature || !strings.Contains(p.Detail, "no signature") {
			t.Errorf("problem = %+v", p)
		}
	}
}

func TestVerifyWrongKey(t *testing.T) {
	a, _ := buildVerifyArchive(t)
	other := `{"PublicKeyList":[]}`
	writeFile(t, a.KeysFile, []byte(other))
	res := runVerify(t, a)
	if res.ValidDigests != 0 || len(res.Problems) != 6 {
		t.Fatalf("result = %+v", res)
	}
}

// digestSidecars returns the .sig files in key order.
func digestSidecars(t *testing.T, dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if strings.HasSuffix(p, ".sig") {
			out = append(out, p)
		}
		return nil
	})
	return out
}
