package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed catalog
var catalogFS embed.FS

// catalogs is loaded once from the embedded files.
var catalogs = sync.OnceValues(loadCatalogs)

// tables holds the loaded catalogs.
type tables struct {
	messages     map[Lang]map[string]string
	translations map[Lang]map[string]string
}

func loadCatalogs() (*tables, error) {
	t := &tables{messages: map[Lang]map[string]string{}, translations: map[Lang]map[string]string{}}
	for _, l := range Langs {
		m, err := readJSON("catalog/" + string(l) + ".json")
		if err != nil {
			return nil, err
		}
		t.messages[l] = m
		tr := map[string]string{}
		dir := "catalog/" + string(l)
		entries, err := fs.ReadDir(catalogFS, dir)
		if err != nil {
			entries = nil // a language without translations (English)
		}
		for _, e := range entries {
			if e.IsDir() || path.Ext(e.Name()) != ".json" {
				continue
			}
			m, err := readJSON(dir + "/" + e.Name())
			if err != nil {
				return nil, err
			}
			for k, v := range m {
				if _, dup := tr[k]; dup {
					return nil, fmt.Errorf("i18n: %s/%s: key %q is defined twice", dir, e.Name(), k)
				}
				tr[k] = v
			}
		}
		t.translations[l] = tr
	}
	return t, nil
}

// readJSON reads one flat catalog file: a JSON object of string values.
func readJSON(name string) (map[string]string, error) {
	b, err := catalogFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("i18n: %s: %w", name, err)
	}
	return m, nil
}

// mustTables returns the catalogs; they are embedded and tested, so a
// load error is a build defect and panics.
func mustTables() *tables {
	t, err := catalogs()
	if err != nil {
		panic(err)
	}
	return t
}

// T returns the message key in language l, formatted with args as
// fmt.Sprintf does. A key missing from l falls back to English; a key
// missing everywhere returns the key itself (and its args), so a
// mistake shows rather than vanishes.
func T(l Lang, key string, args ...any) string {
	t := mustTables()
	msg, ok := t.messages[l][key]
	if !ok {
		msg, ok = t.messages[En][key]
	}
	if !ok {
		if len(args) == 0 {
			return key
		}
		return key + fmt.Sprint(args...)
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether the message key exists (in English, which has
// every key).
func Has(key string) bool {
	_, ok := mustTables().messages[En][key]
	return ok
}

// Text returns the translation of key in language l, or english when l
// has none (English itself never has translations: the code's text is
// the source).
func Text(l Lang, key, english string) string {
	if l == En || l == "" {
		return english
	}
	if s, ok := mustTables().translations[l][key]; ok && s != "" {
		return s
	}
	return english
}

// Translated reports whether language l has a translation for key.
func Translated(l Lang, key string) bool {
	_, ok := mustTables().translations[l][key]
	return ok
}

// Keys returns the message keys of language l, sorted.
func Keys(l Lang) []string {
	return sortedKeys(mustTables().messages[l])
}

// TranslationKeys returns the translation keys of language l that start
// with prefix, sorted.
func TranslationKeys(l Lang, prefix string) []string {
	var out []string
	for k := range mustTables().translations[l] {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Headers translates table column headers: each header H is looked up
// as the message "header.H" (spaces become underscores) and kept as it
// is when the catalog lacks it.
func Headers(l Lang, headers ...string) []string {
	out := make([]string, len(headers))
	for i, h := range headers {
		key := "header." + strings.ReplaceAll(h, " ", "_")
		if Has(key) {
			out[i] = T(l, key)
		} else {
			out[i] = h
		}
	}
	return out
}
