// Package i18n holds orgrail's message catalogs and the language choice.
//
// Two kinds of catalogs are embedded:
//
//   - messages (catalog/en.json, catalog/ja.json): every user-facing
//     message orgrail writes from a key. Both languages carry every key
//     with the same format verbs (TestCatalogsMatch). T renders one.
//   - translations (catalog/ja/*.json): Japanese text for strings whose
//     English lives in the code or in embedded data (rule titles, rule
//     rationale and remediation, detection titles, command help). The
//     English text stays the source; Text returns the translation for a
//     language that has one and the English otherwise.
//
// Terms follow AWS's Japanese console and documentation; docs/ja-glossary.md
// lists the choices.
package i18n

import (
	"fmt"
	"os"
	"strings"
)

// Lang is a language orgrail speaks.
type Lang string

// The languages. English is the default and the fallback.
const (
	En Lang = "en"
	Ja Lang = "ja"
)

// Langs lists the supported languages.
var Langs = []Lang{En, Ja}

// String returns the language code.
func (l Lang) String() string { return string(l) }

// Parse reads a --lang value: "en" or "ja", in either case, also as a
// locale name ("ja_JP.UTF-8"). Anything else is an error naming the value.
func Parse(s string) (Lang, error) {
	if l, ok := fromLocale(s); ok {
		return l, nil
	}
	return "", fmt.Errorf("language %q: want ja or en", s)
}

// FromEnv returns the language of the process's locale, as POSIX orders
// the variables: LC_ALL, then LC_MESSAGES, then LANG; the first one set
// and not empty decides. A Japanese locale (ja, ja_JP, ja_JP.UTF-8) gives
// Ja; anything else, or nothing, gives En.
func FromEnv() Lang {
	return FromLookup(os.LookupEnv)
}

// FromLookup is FromEnv over an arbitrary environment lookup.
func FromLookup(lookup func(string) (string, bool)) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v, ok := lookup(name)
		if !ok || v == "" {
			continue
		}
		if l, ok := fromLocale(v); ok {
			return l
		}
		return En
	}
	return En
}

// fromLocale maps a locale name or language code to a Lang.
func fromLocale(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "_.@-"); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "ja", "jp", "japanese":
		return Ja, true
	case "en", "c", "posix", "english":
		return En, true
	}
	return "", false
}
