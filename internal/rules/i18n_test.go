package rules

import (
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/i18n"
)

// TestEveryRuleHasJapanese keeps the Japanese catalog complete: every
// registered rule has a Japanese title, rationale and remediation, and
// the catalog has no text for a rule that does not exist.
func TestEveryRuleHasJapanese(t *testing.T) {
	known := map[string]bool{}
	for _, r := range Builtin() {
		known[r.ID] = true
		for _, part := range []string{"title", "rationale", "remediation"} {
			if !i18n.Translated(i18n.Ja, "rule."+r.ID+"."+part) {
				t.Errorf("rule %s has no Japanese %s (internal/i18n/catalog/ja/rules.json)", r.ID, part)
			}
		}
		title, rat, rem := r.Text(i18n.Ja)
		if title == r.Title || rat == r.Rationale || rem == r.Remediation {
			t.Errorf("rule %s: Japanese text equals the English", r.ID)
		}
		// Commands and API names quoted in the remediation survive.
		for _, w := range strings.Fields(r.Remediation) {
			if strings.HasPrefix(w, "--") || strings.HasPrefix(w, "(aws") {
				w = strings.Trim(w, "().,;")
				if !strings.Contains(rem, w) {
					t.Errorf("rule %s: Japanese remediation lacks %q", r.ID, w)
				}
			}
		}
	}
	for _, k := range i18n.TranslationKeys(i18n.Ja, "rule.") {
		id := strings.TrimPrefix(k, "rule.")
		id = id[:strings.LastIndex(id, ".")]
		if !known[id] {
			t.Errorf("catalog key %s names no rule", k)
		}
	}
}

func TestLocalizeReport(t *testing.T) {
	r, _ := Lookup("s3.bucket-public-read")
	rep := &findings.Report{Rules: map[string]findings.RuleInfo{r.ID: r.Info()},
		Findings: []findings.Finding{{RuleID: r.ID, Title: r.Title}, {RuleID: "custom.x", Title: "Custom"}}}
	ja := LocalizeReport(rep, i18n.Ja)
	if ja.Findings[0].Title != "S3 バケットがパブリックな読み取りアクセスを許可していない" || ja.Findings[1].Title != "Custom" {
		t.Errorf("titles: %q, %q", ja.Findings[0].Title, ja.Findings[1].Title)
	}
	if rep.Findings[0].Title != r.Title || rep.Rules[r.ID].Remediation != r.Remediation {
		t.Error("LocalizeReport changed the English report")
	}
	if !strings.Contains(ja.Rules[r.ID].Remediation, "CloudFront") {
		t.Errorf("remediation: %q", ja.Rules[r.ID].Remediation)
	}
}
