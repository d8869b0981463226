package policy

import (
	"github.com/orgrail/orgrail/internal/shareddata"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedData finds ../shared/data/sub, or skips.
func sharedData(t testing.TB, sub string) string { return shareddata.Dir(t, sub) }

// TestPolicyExamplesParse checks that every policy AWS publishes as an
// example parses and compiles.
func TestPolicyExamplesParse(t *testing.T) {
	root := sharedData(t, "policy-examples")
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		if _, err := Compile(filepath.Base(path), src); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d example policies found", n)
	}
}
