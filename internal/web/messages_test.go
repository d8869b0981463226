package web

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCatalogsHaveSameKeys: every key exists in English and Japanese.
func TestCatalogsHaveSameKeys(t *testing.T) {
	for k := range English {
		if Japanese[k] == "" {
			t.Errorf("Japanese lacks %q", k)
		}
	}
	for k := range Japanese {
		if English[k] == "" {
			t.Errorf("English lacks %q", k)
		}
	}
}

// TestTemplatesUseKnownKeys: every message key a template names is in
// the catalog (an unknown key would show as [key] on the page).
func TestTemplatesUseKnownKeys(t *testing.T) {
	files, _ := filepath.Glob("templates/*.html")
	re := regexp.MustCompile(`\.M "([a-zA-Z.]+)"`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if _, ok := English[m[1]]; !ok {
				t.Errorf("%s: unknown message key %q", f, m[1])
			}
		}
	}
	if n < 50 {
		t.Errorf("found only %d keys in the templates", n)
	}
}

// TestPagesInJapanese renders every view with the Japanese catalog: the
// page says lang="ja", uses the console's terms, and no key is missing.
func TestPagesInJapanese(t *testing.T) {
	f := newFixture(t)
	s, err := New(context.Background(), Options{Source: Source{SnapshotDir: f.snap, ConfigDir: f.cfg, Store: f.st},
		T: TranslatorFor("ja"), Lang: "ja"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	d, _ := s.current(context.Background())
	pages := []string{"/", "/compliance", "/findings", "/detections", "/triage", "/simulate", "/mutes", "/plan",
		"/accounts/" + d.Org.Accounts[0].Id, "/policies/" + d.Org.Policies[0].Id, "/findings/" + d.Report.Findings[0].ID}
	for _, p := range pages {
		resp, body := get(t, ts.Client(), ts.URL+p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", p, resp.StatusCode)
		}
		if !strings.Contains(body, `<html lang="ja">`) || !strings.Contains(body, "ダッシュボード") {
			t.Errorf("%s: not in Japanese", p)
		}
		if m := regexp.MustCompile(`\[[a-z]+\.[a-zA-Z]+\]`).FindString(body); m != "" {
			t.Errorf("%s: missing message %s", p, m)
		}
	}
	_, body := get(t, ts.Client(), ts.URL+"/")
	if !strings.Contains(body, "ガードレール") {
		t.Errorf("the tree page does not say ガードレール")
	}
}
