package cli

import (
	"bytes"
	"strings"
	"testing"
)

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestVersionAndFormats(t *testing.T) {
	code, out, _ := run(t, nil, "version")
	if code != 0 || !strings.Contains(out, "orgrail") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, out, _ = run(t, nil, "version", "--output", "json")
	if code != 0 || !strings.Contains(out, `"goVersion"`) || !strings.Contains(out, `"commit"`) {
		t.Fatalf("version json: %q", out)
	}
	code, out, _ = run(t, map[string]string{"ORGRAIL_OUTPUT": "yaml"}, "version")
	if code != 0 || !strings.Contains(out, "goVersion:") {
		t.Fatalf("ORGRAIL_OUTPUT not applied: %q", out)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	if code, _, _ := run(t, nil, "no-such-command"); code != ExitUsage {
		t.Fatalf("unknown command exit %d", code)
	}
	if code, _, _ := run(t, nil, "version", "--bogus"); code != ExitUsage {
		t.Fatalf("unknown flag exit %d", code)
	}
	if code, _, e := run(t, nil, "version", "--output", "xml"); code != ExitUsage || !strings.Contains(e, "xml") {
		t.Fatalf("bad format exit %d %q", code, e)
	}
	if code, _, _ := run(t, nil, "version", "--log-level", "loud"); code != ExitUsage {
		t.Fatalf("bad log level exit %d", code)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	g := &Globals{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	root := NewRoot(g)
	for _, c := range root.Commands() {
		if c.Short == "" && c.Name() != "help" && c.Name() != "completion" {
			t.Errorf("command %s has no short help", c.Name())
		}
		for _, s := range c.Commands() {
			if s.Short == "" {
				t.Errorf("command %s %s has no short help", c.Name(), s.Name())
			}
		}
	}
	code, out, _ := run(t, nil, "completion", "bash")
	if code != 0 || !strings.Contains(out, "orgrail") {
		t.Fatal("shell completion")
	}
}
