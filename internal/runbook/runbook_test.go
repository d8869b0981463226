package runbook

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// exampleConfig loads examples/landing-zone, with testdata/operations.yaml
// added when withOps is set.
func exampleConfig(t *testing.T, withOps bool) *config.Config {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob("../../examples/landing-zone/*.yaml")
	if withOps {
		files = append(files, "testdata/operations.yaml")
	}
	if len(files) < 2 {
		t.Fatal("examples/landing-zone not found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, sub := range []string{"policies", "catalog"} {
		if err := os.CopyFS(filepath.Join(dir, sub), os.DirFS("../../examples/landing-zone/"+sub)); err != nil {
			t.Fatal(err)
		}
	}
	c, diags, err := config.Load(dir)
	if err != nil {
		t.Fatalf("%v\n%v", err, diags)
	}
	return c
}

// TestGolden renders every runbook and the guide, in both languages, for
// the example configuration with its operations and notifications, and
// compares them with testdata/golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	c := exampleConfig(t, true)
	for _, l := range i18n.Langs {
		d, err := Build(c, l)
		if err != nil {
			t.Fatal(err)
		}
		d.ConfigDir = "orgrail"
		freezeCatalogue(d)
		for _, name := range append(append([]string(nil), Kinds...), Guide) {
			var b bytes.Buffer
			if err := Render(&b, name, d); err != nil {
				t.Fatalf("%s %s: %v", name, l, err)
			}
			golden := filepath.Join("testdata", "golden", name+"."+string(l)+".md")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/runbook -update)", err)
			}
			if b.String() != string(want) {
				t.Errorf("%s differs from the rendering; review and run go test ./internal/runbook -update\n%s", golden, b.String())
			}
		}
	}
}

// TestFactsComeFromTheConfiguration checks the runbooks against the
// example configuration itself rather than against a golden file: each
// fact the issue names appears in the rendering of both languages.
func TestFactsComeFromTheConfiguration(t *testing.T) {
	c := exampleConfig(t, true)
	for _, l := range i18n.Langs {
		d, err := Build(c, l)
		if err != nil {
			t.Fatal(err)
		}
		render := func(name string) string {
			var b bytes.Buffer
			if err := Render(&b, name, d); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
		vending, violation, incident, guide := render("account-vending"), render("violation"), render("incident"), render(Guide)
		mustHave := func(doc, name string, wants ...string) {
			for _, w := range wants {
				if !strings.Contains(doc, w) {
					t.Errorf("%s (%s) lacks %q", name, l, w)
				}
			}
		}
		mustHave(vending, "account-vending", "platform-team lead", "`Workloads/Dev`", "`Workloads/Prod`", "`CostCenter`",
			"orgrail plan --config", "orgrail apply plan.json", "deny-leave-organization", "`ap-northeast-3`")
		mustHave(violation, "violation", "`sec-slack`", "C0SECALERTS", "critical to the pager", "orgrail triage ack", "security-team",
			"orgrail remediate", "--source s3://")
		if !strings.Contains(violation, fmt.Sprint(len(rules.Builtin()))) {
			t.Errorf("violation (%s) does not give the number of rules", l)
		}
		mustHave(incident, "incident", "security on-call", "`Suspended`", "orgrail trail verify", "orgrail collect --out")
		mustHave(guide, "guide", "https://example-org.awsapps.com/start", "CLOUD-ACCESS", "`us-east-1`", "`Owner`", "orgrail profiles",
			"`cloudtrail-stop-logging`", "region-allowlist")
		for _, doc := range []string{vending, violation, incident, guide} {
			if strings.Contains(doc, "SLACK_BOT_TOKEN") || strings.Contains(doc, "<no value>") {
				t.Errorf("%s rendering shows a secret's name or a missing value", l)
			}
		}
		if l == i18n.Ja {
			mustHave(guide, "guide", "ガードレール", "組織単位", "リージョン")
			mustHave(violation, "violation", "トリアージ", "検出")
		}
	}
}

// TestWithoutOperations renders the plain example configuration: what is
// not configured is said so, and every detection goes to triage.
func TestWithoutOperations(t *testing.T) {
	c := exampleConfig(t, false)
	d, err := Build(c, i18n.En)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Render(&b, "violation", d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No notification channel is configured") || !strings.Contains(b.String(), "not configured") {
		t.Errorf("rendering:\n%s", b.String())
	}
	if err := Render(&b, "no-such", d); err == nil || !strings.Contains(err.Error(), "account-vending") {
		t.Errorf("unknown runbook: %v", err)
	}
}

// freezeCatalogue pins what the golden files would otherwise take from
// the growing rule and detection catalogues (the count of rules, the
// list of detections), so that a new rule does not change every golden
// file; TestFactsComeFromTheConfiguration checks the live values.
func freezeCatalogue(d *Data) {
	d.RuleCount, d.DetectionCount = 86, 45
	keep := map[string]bool{"cloudtrail-stop-logging": true, "guardduty-finding-critical": true,
		"root-user-activity": true, "s3-bucket-policy-public": true, "console-login-failure": true}
	var ds []Detection
	for _, x := range d.Detections {
		if keep[x.ID] {
			ds = append(ds, x)
		}
	}
	d.Detections = ds
}
