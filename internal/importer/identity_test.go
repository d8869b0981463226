package importer

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestImportDemoIdentity: plan(import(x)) = ∅ over the demo
// organization's Identity Center too (permission sets with tags, an
// unused one, group assignments in every account and a user's direct
// one), and the identity section names principals, not ids.
func TestImportDemoIdentity(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Open(filepath.Join(dir, demo.SnapshotDir))
	if err != nil {
		t.Fatal(err)
	}
	c, err := identity.Load(s)
	if err != nil || c == nil {
		t.Fatalf("identity: %v %v", c, err)
	}
	files, err := ImportWithIdentity(s.Org, c)
	if err != nil {
		t.Fatal(err)
	}
	y := string(files["identity.yaml"])
	if !strings.Contains(y, "permissionSets:") || !strings.Contains(y, "groups: [") || strings.Contains(y, "PrincipalId") {
		t.Fatalf("identity.yaml:\n%s", y)
	}
	out := t.TempDir()
	if err := files.Write(out); err != nil {
		t.Fatal(err)
	}
	cfg, diags, err := config.Load(out)
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatalf("imported configuration: %v %v\n%s", err, diags, y)
	}
	p, pd := plan.NewFull(cfg, s.Org, c, plan.Options{})
	for _, d := range pd {
		if d.Severity.Reaches(severity.High) && d.Code != plan.CodeLint {
			t.Fatalf("plan: %v", d)
		}
	}
	if !p.Empty() {
		var keys []string
		for _, ch := range p.Changes {
			keys = append(keys, ch.Key)
		}
		t.Fatalf("plan(import(x)) has %d changes: %v\n%s", len(keys), keys, y)
	}
	// Removing an assignment from the configuration plans its deletion.
	cfg.Identity.Assignments = cfg.Identity.Assignments[1:]
	if p, _ := plan.NewFull(cfg, s.Org, c, plan.Options{}); p.Empty() || p.Changes[0].Kind != plan.KindAccountAssign || p.Changes[0].Action != plan.Delete {
		t.Fatalf("dropping an assignment planned %+v", p.Changes)
	}
}
