package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/snapshot"
)

var (
	logPath    = regexp.MustCompile(`^logarchive/AWSLogs/o-[a-z0-9]{10}/\d{12}/CloudTrail/[a-z]{2}-[a-z]+-\d/\d{4}/\d{2}/\d{2}/\d{12}_CloudTrail_[a-z]{2}-[a-z]+-\d_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$`)
	digestPath = regexp.MustCompile(`^logarchive/AWSLogs/o-[a-z0-9]{10}/\d{12}/CloudTrail-Digest/[a-z]{2}-[a-z]+-\d/\d{4}/\d{2}/\d{2}/\d{12}_CloudTrail-Digest_[a-z]{2}-[a-z]+-\d_kumo-org-trail_us-east-1_\d{8}T\d{6}Z\.json\.gz(\.sig)?$`)
	snapPath   = regexp.MustCompile(`^snapshot/(manifest\.json|org\.json|accounts/(\d{12}|aws)/(global|[a-z]{2}-[a-z]+-\d)/[a-z0-9]+\.json\.gz)$`)
	otherPath  = regexp.MustCompile(`^(planted\.json|logarchive/public-keys\.json|events/[a-z-]+\.jsonl)$`)
)

// TestLayoutAndModes checks every path against the contract's layout and
// every mode (files 0600, directories 0700).
func TestLayoutAndModes(t *testing.T) {
	checkTree(t, defaultDir)
}

func checkTree(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && info.Mode().Perm() != snapshot.DirMode {
				t.Errorf("%s: directory mode %v, want 0700", rel, info.Mode().Perm())
			}
			return nil
		}
		if info.Mode().Perm() != snapshot.FileMode {
			t.Errorf("%s: file mode %v, want 0600", rel, info.Mode().Perm())
		}
		if !logPath.MatchString(rel) && !digestPath.MatchString(rel) && !snapPath.MatchString(rel) && !otherPath.MatchString(rel) {
			t.Errorf("%s: outside the contract's layout", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSnapshotOpens reads every service file through the snapshot package.
func TestSnapshotOpens(t *testing.T) {
	s, err := snapshot.Open(filepath.Join(defaultDir, SnapshotDir))
	if err != nil {
		t.Fatal(err)
	}
	if s.Manifest.Source != "demo" || s.Manifest.Partial() || len(s.Org.Accounts) < 15 {
		t.Fatalf("manifest %+v, %d accounts", s.Manifest, len(s.Org.Accounts))
	}
	for _, c := range s.Manifest.Coverage {
		for _, svc := range snapshot.Catalog {
			regions := c.Regions
			if svc.Global {
				regions = []string{snapshot.Global}
			}
			for _, r := range regions {
				if _, err := s.Service(c.Account, r, svc.Name); err != nil {
					t.Errorf("%s %s %s: %v", c.Account, r, svc.Name, err)
				}
			}
		}
	}
}

// TestPlantedConsistent checks planted.json against the files: each
// violation names a known account and a resource the snapshot holds, and
// each detection names exactly one event with that name.
func TestPlantedConsistent(t *testing.T) {
	var p planted
	b, err := os.ReadFile(filepath.Join(defaultDir, PlantedFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	// The CIS 4.15 plant (the organization trail's missing Organizations
	// filter) fails every active account at once: 16 of the 69.
	if n := len(p.Violations); n < 20 || n > 200 { // every new service plants at least one (issue 19)
		t.Errorf("%d violations, want 20 to 200", n)
	}
	s, err := snapshot.Open(filepath.Join(defaultDir, SnapshotDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range p.Violations {
		a := s.Org.Account(v.Account)
		if a == nil {
			t.Errorf("%+v: unknown account", v)
			continue
		}
		if v.ResourceArn == a.Arn || strings.HasSuffix(v.ResourceArn, ":root") {
			continue // account-level setting
		}
		id := v.ResourceArn[strings.LastIndexAny(v.ResourceArn, "/:")+1:]
		holder := v.Account
		if strings.HasPrefix(v.ResourceArn, "arn:aws:sso:::") {
			holder = s.Org.MasterAccountId // Identity Center lives in the management account
		}
		if !accountMentions(t, filepath.Join(defaultDir, SnapshotDir, "accounts", holder), id) {
			t.Errorf("%+v: %q appears in none of the account's service files", v, id)
		}
	}
	events := allEvents(t, defaultDir)
	for _, d := range p.Detections {
		name, n := events[d.EventID], 0
		for range 1 {
			if name != "" {
				n++
			}
		}
		if n != 1 || name != d.EventName {
			t.Errorf("detection %+v: event %q found with name %q", d, d.EventID, name)
		}
	}
}

func accountMentions(t *testing.T, dir, needle string) bool {
	found := false
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found {
			return err
		}
		if bytes.Contains(gunzipFile(t, p), []byte(needle)) {
			found = true
		}
		return nil
	})
	return found
}

// allEvents maps every CloudTrail eventID and EventBridge id to its name.
func allEvents(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(filepath.Join(dir, LogArchiveDir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, string(filepath.Separator)+"CloudTrail"+string(filepath.Separator)) {
			return err
		}
		var doc struct{ Records []record }
		if err := json.Unmarshal(gunzipFile(t, p), &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, r := range doc.Records {
			if _, dup := out[r.EventID]; dup {
				t.Errorf("event id %s twice", r.EventID)
			}
			out[r.EventID] = r.EventName
		}
		return nil
	})
	files, _ := filepath.Glob(filepath.Join(dir, EventsDir, "*.jsonl"))
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev bridgeEvent
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[ev.ID] = ev.DetailType
		}
		fh.Close()
	}
	return out
}

// TestSyntheticDeterministic generates a small synthetic organization
// twice with the same seed and compares the trees byte for byte.
func TestSyntheticDeterministic(t *testing.T) {
	opt := Options{Seed: 7, Accounts: 40, Days: 1, EventsPerAccountDay: 12}
	a, b := t.TempDir(), t.TempDir()
	sa, err := Generate(context.Background(), a, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Workers = 1
	if _, err := Generate(context.Background(), b, opt); err != nil {
		t.Fatal(err)
	}
	if sa.Accounts != 40 {
		t.Errorf("%d accounts, want 40", sa.Accounts)
	}
	checkTree(t, a)
	verifyDigests(t, a)
	if pub, _ := loadPublicKey(t, a); pub.N.BitLen() != 1024 {
		t.Errorf("synthetic archive signed with a %d-bit key, want the 1024-bit synthetic key", pub.N.BitLen())
	}
	filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between runs", rel)
		}
		return nil
	})
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{Days: 0}, {Days: 1, Accounts: 3}, {Days: 1, Accounts: -1}, {Days: 1, EventsPerAccountDay: -2}} {
		if _, err := Generate(context.Background(), t.TempDir(), o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}
