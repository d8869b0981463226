package i18n

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCatalogsMatch checks that every message key exists in every
// language and that the translations use the same formatting verbs for
// the same arguments.
func TestCatalogsMatch(t *testing.T) {
	en := Keys(En)
	if len(en) == 0 {
		t.Fatal("the English catalog is empty")
	}
	for _, l := range Langs {
		keys := Keys(l)
		if !reflect.DeepEqual(keys, en) {
			t.Errorf("%s has keys %v, en has %v", l, diff(keys, en), diff(en, keys))
		}
		for _, k := range keys {
			msg := mustTables().messages[l][k]
			if msg == "" || !utf8.ValidString(msg) {
				t.Errorf("%s %s: empty or not UTF-8", l, k)
			}
			got, err := Verbs(msg)
			if err != nil {
				t.Errorf("%s %s: %v", l, k, err)
				continue
			}
			want, _ := Verbs(mustTables().messages[En][k])
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: verbs %v, en has %v", l, k, got, want)
			}
		}
	}
}

// TestTranslationsValid checks the translation files: every value is
// non-empty, valid UTF-8 and keyed by a known kind of key.
func TestTranslationsValid(t *testing.T) {
	for _, k := range TranslationKeys(Ja, "") {
		v := mustTables().translations[Ja][k]
		if strings.TrimSpace(v) == "" || !utf8.ValidString(v) {
			t.Errorf("ja translation %s is empty or not UTF-8", k)
		}
		kind := strings.SplitN(k, ".", 2)[0]
		switch {
		case strings.HasPrefix(k, "help:"), kind == "rule", kind == "detect":
		default:
			t.Errorf("ja translation %s: unknown kind of key", k)
		}
	}
}

func diff(a, b []string) []string {
	in := map[string]bool{}
	for _, k := range b {
		in[k] = true
	}
	var out []string
	for _, k := range a {
		if !in[k] {
			out = append(out, k)
		}
	}
	return out
}

func TestVerbs(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Verb
	}{
		{"%d of %s", []Verb{{1, 'd'}, {2, 's'}}},
		{"%[2]s の %[1]d", []Verb{{1, 'd'}, {2, 's'}}},
		{"100%% %.1f%%", []Verb{{1, 'f'}}},
		{"%q %-5d", []Verb{{1, 'q'}, {2, 'd'}}},
	} {
		got, err := Verbs(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Verbs(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := Verbs("%[x]d"); err == nil {
		t.Error("a bad index is accepted")
	}
}

func TestFromLookup(t *testing.T) {
	env := func(kv ...string) func(string) (string, bool) {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	for _, c := range []struct {
		env  func(string) (string, bool)
		want Lang
	}{
		{env(), En},
		{env("LANG", "ja_JP.UTF-8"), Ja},
		{env("LANG", "en_US.UTF-8", "LC_MESSAGES", "ja_JP.eucJP"), Ja},
		{env("LANG", "ja_JP.UTF-8", "LC_ALL", "C"), En},
		{env("LANG", "ja_JP.UTF-8", "LC_ALL", ""), Ja},
		{env("LANG", "fr_FR.UTF-8"), En},
		{env("LANG", "ja"), Ja},
	} {
		if got := FromLookup(c.env); got != c.want {
			t.Errorf("FromLookup = %s, want %s", got, c.want)
		}
	}
}

func TestTAndText(t *testing.T) {
	if got := T(Ja, "summary.least_compliant", 5, 12); got != "準拠率の低いアカウント (12 件中 5 件):" {
		t.Errorf("T = %q", got)
	}
	if got := T(En, "summary.least_compliant", 5, 12); got != "Least compliant 5 of 12 accounts:" {
		t.Errorf("T = %q", got)
	}
	if got := T(Ja, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	if got := Text(Ja, "rule.no-such-rule.title", "English"); got != "English" {
		t.Errorf("Text fallback = %q", got)
	}
	if got := Headers(Ja, "STATUS", "NO SUCH"); got[0] != "ステータス" || got[1] != "NO SUCH" {
		t.Errorf("Headers = %q", got)
	}
	if _, err := Parse("fr"); err == nil {
		t.Error("Parse(fr) accepted")
	}
}
