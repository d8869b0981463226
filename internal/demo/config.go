package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// ConfigDir is where the landing-zone configuration the demo
// organization assumes is written, beside the snapshot:
// `orgrail audit --snapshot DIR/snapshot --config DIR/orgrail`.
const ConfigDir = "orgrail"

// RequiredTags are the tags the demo's tag policy ("required-tags")
// requires on every taggable resource.
var RequiredTags = []string{"Owner", "CostCenter"}

// WriteConfig writes DIR/orgrail/organization.yaml for the organization
// in DIR/snapshot: the organization id and home region, the regions the
// snapshot covers as allowed regions, and the tag policy's required
// tags. It is what the planted landing-zone violations (required tags,
// regions) are measured against, and it passes `orgrail validate`. The
// snapshot and the rest of DIR are not touched.
func WriteConfig(dir string) error {
	snap, err := snapshot.Open(filepath.Join(dir, SnapshotDir))
	if err != nil {
		return fmt.Errorf("demo configuration: %w", err)
	}
	seen := map[string]bool{}
	var regions []string
	for _, c := range snap.Manifest.Coverage {
		for _, r := range c.Regions {
			if !seen[r] {
				seen[r] = true
				regions = append(regions, r)
			}
		}
	}
	sort.Strings(regions)
	home := "us-east-1"
	if len(regions) > 0 && !seen[home] {
		home = regions[0]
	}
	var b strings.Builder
	fmt.Fprintf(&b, `# The landing-zone configuration the demo organization assumes, written by
# orgrail demo generate: audit the snapshot against it with
#   orgrail audit --snapshot %[1]s/snapshot --config %[1]s/orgrail
organization:
  mode: organizations
  id: %[2]s
  homeRegion: %[3]s

standards:
  # The regions the organization works in (those collected).
  allowedRegions: [%[4]s]
  # The demo's tag policy "required-tags".
  requiredTags: [%[5]s]
`, "DIR", snap.Org.Id, home, strings.Join(regions, ", "), strings.Join(RequiredTags, ", "))
	out := filepath.Join(dir, ConfigDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("demo configuration: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "organization.yaml"), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("demo configuration: %w", err)
	}
	return nil
}
