// Package shareddata locates the public reference data kept beside the
// repository in ../shared/data (CloudTrail logs of attack simulations,
// Sigma rules, policy examples, evaluation cases, Config conformance
// packs), for the tests that check orgrail's engines against it. Users
// do not have that folder, so every caller skips when it is absent.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns ../shared/data/sub beside the module root (sub may be
// empty), or skips the test when it is not there.
func Dir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Skip(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found: shared data cannot be located")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s absent", p)
	}
	return p
}
