package store

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListEveryTable keeps docs/store.md in step with the schema.
func TestDocsListEveryTable(t *testing.T) {
	b, err := os.ReadFile("../../docs/store.md")
	if err != nil {
		t.Skip("docs/store.md not present")
	}
	s := openTemp(t)
	rows, err := s.DB().Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		n++
		if !strings.Contains(string(b), "### `"+name+"`") {
			t.Errorf("docs/store.md does not document table %s", name)
		}
	}
	if n != len(Tables) {
		t.Errorf("schema has %d tables, Tables lists %d", n, len(Tables))
	}
}
