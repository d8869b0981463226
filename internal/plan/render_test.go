package plan

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnifiedDiffMatchesGNU compares the policy diff with GNU diff -U3,
// an implementation orgrail did not write.
func TestUnifiedDiffMatchesGNU(t *testing.T) {
	diff, err := exec.LookPath("diff")
	if err != nil {
		t.Skip("diff not installed")
	}
	a := Pretty(`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":["s3:*","ec2:*"],"Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`)
	b := Pretty(`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":["s3:*","kms:*"],"Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"iam:CreateUser","Resource":"*"},{"Sid":"C","Effect":"Deny","Action":"sts:*","Resource":"*"}]}`)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte(a+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b"), []byte(b+"\n"), 0o644)
	out, _ := exec.Command(diff, "-U3", filepath.Join(dir, "a"), filepath.Join(dir, "b")).Output()
	gnu := strings.SplitN(string(out), "\n", 3)[2]
	mine := strings.SplitN(UnifiedDiff(a, b, "a", "b", 3), "\n", 3)[2]
	if gnu != mine {
		t.Errorf("GNU diff:\n%s\norgrail:\n%s", gnu, mine)
	}
}

// TestRenderExample renders the plan of the example landing zone on an
// empty organization.
func TestRenderExample(t *testing.T) {
	c := loadExample(t, "../../examples/landing-zone")
	p := mustPlan(t, c, emptyOrg(), Options{})
	var buf bytes.Buffer
	if err := Render(&buf, p, false); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, want := range []string{"  + create ou Workloads/Prod", "  ± move account payments-prod\n      ou: Root → Workloads/Prod",
		"+      \"Effect\": \"Deny\",", "Plan: 64 to add, 17 to change, 0 to remove."} {
		if !strings.Contains(s, want) {
			t.Errorf("rendered plan lacks %q", want)
		}
	}
	buf.Reset()
	Render(&buf, &Plan{OrgID: "o-x"}, false)
	if !strings.HasPrefix(buf.String(), "No changes.") {
		t.Errorf("empty plan: %q", buf.String())
	}
}
