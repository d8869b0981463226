package detect

import (
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/i18n"
)

// TestEveryDetectionHasJapanese keeps the Japanese titles of the
// built-in pack complete, and the catalog free of unknown detections.
func TestEveryDetectionHasJapanese(t *testing.T) {
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range rs {
		known[r.ID] = true
		if !i18n.Translated(i18n.Ja, "detect."+r.ID+".title") {
			t.Errorf("detection %s has no Japanese title (internal/i18n/catalog/ja/detect.json)", r.ID)
		}
		if r.TitleIn(i18n.Ja) == r.Title || r.TitleIn(i18n.En) != r.Title {
			t.Errorf("detection %s: TitleIn ja %q, en %q", r.ID, r.TitleIn(i18n.Ja), r.TitleIn(i18n.En))
		}
	}
	for _, k := range i18n.TranslationKeys(i18n.Ja, "detect.") {
		id := strings.TrimSuffix(strings.TrimPrefix(k, "detect."), ".title")
		if !known[id] {
			t.Errorf("catalog key %s names no built-in detection", k)
		}
	}
}
