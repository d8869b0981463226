package snapshot

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCheckScope uses region names from the AWS General Reference
// ("Regional endpoints": us-east-1, ap-southeast-5, us-gov-west-1,
// cn-northwest-1, il-central-1, mx-central-1) and the ISO and European
// Sovereign Cloud forms (us-isob-east-1, eusc-de-east-1).
func TestCheckScope(t *testing.T) {
	for _, r := range []string{"us-east-1", "ap-southeast-5", "us-gov-west-1", "cn-northwest-1", "il-central-1",
		"mx-central-1", "us-isob-east-1", "eusc-de-east-1", Global} {
		if err := CheckRegion(r); err != nil {
			t.Errorf("%s: %v", r, err)
		}
	}
	for _, r := range []string{"", "..", "../us-east-1", "us-east-1/../../x", "US-EAST-1", "us-east-1 ", "us_east_1", "useast1", "us-east-"} {
		if CheckRegion(r) == nil {
			t.Errorf("region %q accepted", r)
		}
	}
	for _, a := range []string{"123456789012", AWSAccount} {
		if err := CheckAccount(a); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
	for _, a := range []string{"", "12345678901", "1234567890123", "../../../etc", "12345678901a", "aws/.."} {
		if CheckAccount(a) == nil {
			t.Errorf("account %q accepted", a)
		}
	}
	for _, s := range []string{"", "../iam", "IAM", "iam/x", "-iam"} {
		if CheckService(s) == nil {
			t.Errorf("service %q accepted", s)
		}
	}
	if _, err := Within("/r", "../x"); err == nil {
		t.Error("Within accepts ..")
	}
	if _, err := Within("/r", "/etc/passwd"); err == nil {
		t.Error("Within accepts an absolute path")
	}
	if p, err := Within("/r", "a/b"); err != nil || p != filepath.Join("/r", "a", "b") {
		t.Errorf("Within(a/b) = %s, %v", p, err)
	}
}

// TestWriterRefusesBadScope writes a service file whose account climbs
// out of the snapshot: refused, nothing written outside.
func TestWriterRefusesBadScope(t *testing.T) {
	base := t.TempDir()
	w, err := Create(filepath.Join(base, "snap"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*ServiceFile{
		NewServiceFile("../../../x", Global, "iam"),
		NewServiceFile("123456789012", "../../x", "iam"),
		NewServiceFile("123456789012", Global, "../../x"),
	} {
		if err := w.WriteService(f); err == nil {
			t.Errorf("%+v written", f)
		}
	}
	entries, _ := os.ReadDir(base)
	if len(entries) != 1 {
		t.Fatalf("written beside the snapshot: %v", entries)
	}
	if _, err := os.Stat(filepath.Join(base, "snap", "accounts")); err == nil {
		t.Fatal("an accounts directory was created")
	}
}
