package snapshot

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListCatalog keeps docs/snapshot.md true: every service and
// operation in Catalog must be documented there.
func TestDocsListCatalog(t *testing.T) {
	b, err := os.ReadFile("../../docs/snapshot.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, s := range Catalog {
		if !strings.Contains(doc, "### `"+s.Name+"`") {
			t.Errorf("docs/snapshot.md lacks service %s", s.Name)
		}
		for _, op := range s.Operations {
			if !strings.Contains(doc, "`"+op.Name+"`") {
				t.Errorf("docs/snapshot.md lacks %s %s", s.Name, op.Name)
			}
		}
	}
}

func TestLookupService(t *testing.T) {
	if _, ok := LookupService("iam"); !ok {
		t.Fatal("iam missing")
	}
	if _, ok := LookupService("nope"); ok {
		t.Fatal("nope found")
	}
	if len(ServiceNames()) != len(Catalog) {
		t.Fatal("ServiceNames")
	}
}
