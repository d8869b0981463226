package snapshot

import (
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/org"
)

func testOrg() *org.Organization {
	return &org.Organization{
		Id: "o-abc1234567", MasterAccountId: "111111111111",
		Roots:               []org.Root{{Id: "r-ab12", Name: "Root"}},
		OrganizationalUnits: []org.OU{{Id: "ou-ab12-sec00001", Name: "Security", ParentId: "r-ab12"}},
		Accounts: []org.Account{
			{Id: "111111111111", Name: "management", ParentId: "r-ab12", Status: org.StatusActive},
			{Id: "222222222222", Name: "log-archive", ParentId: "ou-ab12-sec00001", Status: org.StatusActive},
		},
		Policies: []org.Policy{{Id: "p-deny0001", Name: "DenyLeave", Type: org.SCP, Content: `{"Version":"2012-10-17"}`, Targets: []string{"r-ab12"}}},
	}
}

func writeSample(t *testing.T, dir string) {
	t.Helper()
	w, err := Create(dir, testOrg())
	if err != nil {
		t.Fatal(err)
	}
	f := NewServiceFile("222222222222", Global, "iam")
	pp := &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(14), RequireSymbols: true}}
	if err := f.Set("GetAccountPasswordPolicy", pp); err != nil {
		t.Fatal(err)
	}
	if err := f.SetResource("ListAccessKeys", "alice", &iam.ListAccessKeysOutput{AccessKeyMetadata: []iamtypes.AccessKeyMetadata{{AccessKeyId: aws.String("AKIAEXAMPLE"), Status: iamtypes.StatusTypeActive}}}); err != nil {
		t.Fatal(err)
	}
	f.SetResourceError("ListMFADevices", "bob", "NoSuchEntity")
	if err := w.WriteService(f); err != nil {
		t.Fatal(err)
	}
	m := &Manifest{OrgID: "o-abc1234567", CollectedAt: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Source: "test",
		Gaps: []Gap{{Account: "111111111111", Region: "us-east-1", Service: "ec2", Error: "AccessDenied", Code: "AccessDenied"}}}
	if err := w.Commit(m); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Org.Name("222222222222") != "log-archive" {
		t.Fatal("org not loaded")
	}
	f, err := s.Service("222222222222", Global, "iam")
	if err != nil {
		t.Fatal(err)
	}
	var pp iam.GetAccountPasswordPolicyOutput
	if ok, err := f.Get("GetAccountPasswordPolicy", &pp); !ok || err != nil {
		t.Fatalf("Get: %v %v", ok, err)
	}
	if *pp.PasswordPolicy.MinimumPasswordLength != 14 || !pp.PasswordPolicy.RequireSymbols {
		t.Fatalf("password policy = %+v", pp.PasswordPolicy)
	}
	var keys iam.ListAccessKeysOutput
	if ok, _ := f.GetResource("ListAccessKeys", "alice", &keys); !ok || *keys.AccessKeyMetadata[0].AccessKeyId != "AKIAEXAMPLE" {
		t.Fatal("per-resource output lost")
	}
	if f.ResourceError("ListMFADevices", "bob") != "NoSuchEntity" {
		t.Fatal("resource error lost")
	}
	if strings.Contains(string(f.Operations["GetAccountPasswordPolicy"]), "ResultMetadata") {
		t.Fatal("ResultMetadata must not be stored")
	}
}

func TestPartialSnapshotReportsGaps(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Manifest.Partial() {
		t.Fatal("manifest should be partial")
	}
	_, err = s.Service("111111111111", "us-east-1", "ec2")
	var ge *GapError
	if !errors.As(err, &ge) || ge.Gap.Code != "AccessDenied" {
		t.Fatalf("want GapError, got %v", err)
	}
	_, err = s.Service("222222222222", "eu-west-1", "kms")
	if !errors.Is(err, ErrNotCollected) {
		t.Fatalf("want ErrNotCollected, got %v", err)
	}
}

func TestCorruptAndTruncated(t *testing.T) {
	cases := map[string]func(t *testing.T, dir string){
		"missing manifest": func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "manifest.json")) },
		"truncated manifest": func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
			os.WriteFile(filepath.Join(dir, "manifest.json"), b[:len(b)/2], 0o600)
		},
		"corrupt org": func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "org.json"), []byte("{\n  \"Id\": oops\n}"), 0o600)
		},
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeSample(t, dir)
			breakIt(t, dir)
			_, err := Open(dir)
			if err == nil {
				t.Fatal("want error")
			}
			if !strings.Contains(err.Error(), ".json") {
				t.Fatalf("error does not name the file: %v", err)
			}
		})
	}
	t.Run("missing manifest is ErrIncomplete", func(t *testing.T) {
		dir := t.TempDir()
		writeSample(t, dir)
		os.Remove(filepath.Join(dir, "manifest.json"))
		if _, err := Open(dir); !errors.Is(err, ErrIncomplete) {
			t.Fatalf("want ErrIncomplete, got %v", err)
		}
	})
	t.Run("corrupt org line and column", func(t *testing.T) {
		dir := t.TempDir()
		writeSample(t, dir)
		os.WriteFile(filepath.Join(dir, "org.json"), []byte("{\n  \"Id\": oops\n}"), 0o600)
		_, err := Open(dir)
		if err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Fatalf("want line 2 in %v", err)
		}
	})
	t.Run("truncated gzip service file", func(t *testing.T) {
		dir := t.TempDir()
		writeSample(t, dir)
		p := filepath.Join(dir, Path("222222222222", Global, "iam"))
		b, _ := os.ReadFile(p)
		os.WriteFile(p, b[:len(b)-10], 0o600)
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Service("222222222222", Global, "iam")
		if err == nil || !strings.Contains(err.Error(), "iam.json.gz") {
			t.Fatalf("want error naming iam.json.gz, got %v", err)
		}
	})
	t.Run("not gzip", func(t *testing.T) {
		dir := t.TempDir()
		writeSample(t, dir)
		p := filepath.Join(dir, Path("222222222222", Global, "iam"))
		os.WriteFile(p, []byte("{}"), 0o600)
		if _, err := ReadServiceFile(p); err == nil || !strings.Contains(err.Error(), "gzip") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("bad json inside gzip", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "x.json.gz")
		fh, _ := os.Create(p)
		zw := gzip.NewWriter(fh)
		zw.Write([]byte(`{"service": "iam", "operations": {"A": [1,}}`))
		zw.Close()
		fh.Close()
		if _, err := ReadServiceFile(p); err == nil || !strings.Contains(err.Error(), "x.json.gz") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snap")
	writeSample(t, dir)
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		want := os.FileMode(FileMode)
		if fi.IsDir() {
			want = DirMode
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", p, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeterministicBytes(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeSample(t, a)
	writeSample(t, b)
	for _, rel := range []string{"manifest.json", "org.json", Path("222222222222", Global, "iam")} {
		x, _ := os.ReadFile(filepath.Join(a, rel))
		y, _ := os.ReadFile(filepath.Join(b, rel))
		if string(x) != string(y) {
			t.Errorf("%s differs between two writes", rel)
		}
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, filepath.Join(dir, "snapshot"))
	if _, err := Open(dir); err != nil {
		t.Fatalf("Open on parent dir: %v", err)
	}
}

func TestDiff(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeSample(t, a)
	writeSample(t, b)
	// Move an account, change a policy, change a resource.
	o := testOrg()
	o.Accounts[1].ParentId = "r-ab12"
	o.Policies[0].Content = `{"Version":"2012-10-17","Statement":[]}`
	o.Policies[0].Targets = append(o.Policies[0].Targets, "222222222222")
	w := &Writer{Dir: b}
	if err := w.WriteOrg(o); err != nil {
		t.Fatal(err)
	}
	f := NewServiceFile("222222222222", Global, "iam")
	f.Set("GetAccountPasswordPolicy", &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(8)}})
	w.WriteService(f)
	sa, err := Open(a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Open(b)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := Diff(sa, sb)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"changed account 222222222222":               false,
		"changed policy p-deny0001":                  false,
		"added attachment p-deny0001 → 222222222222": false,
		"changed operation " + Path("222222222222", Global, "iam") + " GetAccountPasswordPolicy": false,
		"removed resource " + Path("222222222222", Global, "iam") + " ListAccessKeys alice":      false,
	}
	for _, c := range changes {
		k := c.Kind + " " + c.Object + " " + c.ID
		if _, ok := want[k]; ok {
			want[k] = true
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("missing change %q in %+v", k, changes)
		}
	}
	same, _ := Diff(sa, sa)
	if len(same) != 0 {
		t.Fatalf("self diff not empty: %+v", same)
	}
}
