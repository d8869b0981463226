package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/i18n"
)

// TestEveryCommandHasJapaneseHelp keeps the command help translated: a
// new command needs its short description in
// internal/i18n/catalog/ja/help.json (keyed "help:" + the English text).
func TestEveryCommandHasJapaneseHelp(t *testing.T) {
	var out bytes.Buffer
	root := NewRoot(&Globals{Stdout: &out, Stderr: &out})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Short != "" && !i18n.Translated(i18n.Ja, "help:"+c.Short) {
			t.Errorf("%s: no Japanese help for %q (add \"help:%s\" to internal/i18n/catalog/ja/help.json)", c.CommandPath(), c.Short, c.Short)
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

func TestHelpInJapanese(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"--lang", "ja", "audit", "--help"}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"組織のスナップショットに対して検出的ガードレールを実行する", "グローバルフラグ:", "--lang", "audit のヘルプ"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	t.Setenv("LANG", "ja_JP.UTF-8")
	t.Setenv("LC_ALL", "")
	if code := Main([]string{"--lang", "en", "audit", "--help"}, strings.NewReader(""), &out, &errb); code != 0 || !strings.Contains(out.String(), "Global Flags:") {
		t.Errorf("--lang en under LANG=ja: exit %d\n%s", code, out.String())
	}
	out.Reset()
	if code := Main([]string{"triage", "--help"}, strings.NewReader(""), &out, &errb); code != 0 || !strings.Contains(out.String(), "トリアージキュー") {
		t.Errorf("LANG=ja_JP.UTF-8 without --lang: exit %d\n%s", code, out.String())
	}
}

func TestLangFlagRejectsUnknown(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"--lang", "fr", "version"}, strings.NewReader(""), &out, &errb); code != ExitUsage {
		t.Errorf("--lang fr: exit %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(errb.String(), `--lang "fr"`) {
		t.Errorf("error does not name the value: %s", errb.String())
	}
}

// TestAuditInJapanese runs audit with --lang ja: the table's headers,
// statuses and summary, and the rule titles of every format, are
// Japanese; the rule ids and the enum values of JSON stay as they are.
func TestAuditInJapanese(t *testing.T) {
	dir := auditDemo(t)
	code, out, errOut := run(t, nil, "--lang", "ja", "audit", "--snapshot", dir, "--no-store", "--output", "table", "--fail-on", "none")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"ステータス", "重要度", "失敗", "検出結果: 成功", "準拠率", "フレームワーク"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	code, out, _ = run(t, nil, "--lang", "ja", "audit", "--snapshot", dir, "--no-store", "--output", "json", "--fail-on", "none")
	if code != 0 || !strings.Contains(out, `"title": "S3 バケットでバージョニングが有効になっている"`) || !strings.Contains(out, `"status": "FAILED"`) {
		t.Errorf("json in Japanese: exit %d\n%.2000s", code, out)
	}
	code, out, _ = run(t, nil, "--lang", "ja", "rules", "list", "--output", "table")
	if code != 0 || !strings.Contains(out, "ルートユーザーで MFA が有効になっている") {
		t.Errorf("rules list in Japanese: exit %d\n%.1000s", code, out)
	}
}

// TestRunbookAndGuide runs the commands on the example configuration:
// Markdown in both languages, an unknown runbook is a usage error.
func TestRunbookAndGuide(t *testing.T) {
	cfg := "../../examples/landing-zone"
	code, out, errOut := run(t, nil, "runbook", "account-vending", "--config", cfg, "--lang", "en")
	if code != 0 || !strings.HasPrefix(out, "# Runbook: account vending") || !strings.Contains(out, "orgrail validate "+cfg) {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	code, out, errOut = run(t, nil, "runbook", "incident", "--config", cfg, "--lang", "ja")
	if code != 0 || !strings.HasPrefix(out, "# ランブック: インシデント対応") {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	file := t.TempDir() + "/guide.md"
	if code, _, errOut := run(t, nil, "guide", "--config", cfg, "--lang", "ja", "--out", file); code != 0 {
		t.Fatalf("guide exit %d: %s", code, errOut)
	}
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), "# AWS プラットフォーム利用者ガイド") {
		t.Fatalf("guide file: %v\n%s", err, b)
	}
	if code, _, errOut := run(t, nil, "runbook", "bogus", "--config", cfg); code != ExitUsage || !strings.Contains(errOut, "account-vending") {
		t.Errorf("unknown runbook: exit %d: %s", code, errOut)
	}
	if code, _, _ := run(t, nil, "runbook", "violation", "--config", t.TempDir()+"/none"); code != ExitUsage {
		t.Errorf("missing configuration: exit %d", code)
	}
}

// TestTableHeadersTranslated finds every header given to i18n.Headers in
// the source of the commands and of the findings renderer, and requires
// a catalog message for each (header.NAME, spaces as underscores).
func TestTableHeadersTranslated(t *testing.T) {
	call := regexp.MustCompile(`i18n\.Headers\([^,]+,((?:\s*"[^"]*",?)+)\)`)
	str := regexp.MustCompile(`"([^"]*)"`)
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("../findings/*.go")
	n := 0
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			for _, h := range str.FindAllStringSubmatch(m[1], -1) {
				n++
				key := "header." + strings.ReplaceAll(h[1], " ", "_")
				if !i18n.Has(key) {
					t.Errorf("%s: header %q has no catalog message %s", f, h[1], key)
				}
			}
		}
	}
	if n < 50 {
		t.Errorf("found only %d headers; the pattern has gone stale", n)
	}
}
