package access_test

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
)

// TestGraphFormats draws the demo graph in dot and Mermaid; when
// Graphviz is installed, dot itself must accept the file.
func TestGraphFormats(t *testing.T) {
	src := demoSource(t)
	g, err := access.Internal(src, authz.New())
	if err != nil {
		t.Fatal(err)
	}
	var dot, mm bytes.Buffer
	if err := g.WriteDot(&dot); err != nil {
		t.Fatal(err)
	}
	if err := g.WriteMermaid(&mm); err != nil {
		t.Fatal(err)
	}
	dev, prod := "640720568489", "105613670171" // payments-dev → payments-prod (planted)
	if !strings.Contains(dot.String(), `"`+dev+`" -> "`+prod+`" [label="assume payments-hotfix", style=solid];`) {
		t.Errorf("dot lacks the planted edge:\n%s", dot.String())
	}
	if !strings.HasPrefix(mm.String(), "flowchart LR\n") || !strings.Contains(mm.String(), "a"+dev+` -->|"assume payments-hotfix"| a`+prod) {
		t.Errorf("mermaid lacks the planted edge:\n%s", mm.String())
	}
	if path, err := exec.LookPath("dot"); err == nil {
		cmd := exec.Command(path, "-Tsvg")
		cmd.Stdin = &dot
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("graphviz rejects the file: %v\n%s", err, out)
		}
	}
}
