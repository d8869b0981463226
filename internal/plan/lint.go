package plan

import (
	"os"
	"path/filepath"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/policy/lint"
)

// lint runs the policy linter on every SCP and RCP the plan creates or
// updates. Findings are kept on the change and reported as diagnostics
// at the policy file's line and column.
func (b *builder) lint() {
	for i := range b.plan.Changes {
		ch := &b.plan.Changes[i]
		if ch.Kind != KindPolicy || ch.After == nil {
			continue
		}
		var kind lint.Kind
		switch ch.Ref.PolicyType {
		case org.SCP:
			kind = lint.KindSCP
		case org.RCP:
			kind = lint.KindRCP
		default:
			continue
		}
		name, src := ch.Address, []byte(ch.After.Content)
		if cp := b.cfgPolicy(ch.Ref.PolicyType, ch.Ref.Policy); cp != nil && cp.File != "" && b.cfg.Dir != "" {
			path := filepath.Join(b.cfg.Dir, cp.File)
			if raw, err := os.ReadFile(path); err == nil {
				name, src = path, raw
			}
		}
		ds, _ := lint.File(name, src, kind)
		ch.Lint = ds
		b.diags = append(b.diags, ds...)
	}
}

// lintFile lints an identity policy document, from its file in the
// configuration directory when it can be read (for positions), else
// from content.
func lintFile(dir, file, name, content string) diag.List {
	src := []byte(content)
	if dir != "" && file != "" {
		path := filepath.Join(dir, file)
		if raw, err := os.ReadFile(path); err == nil {
			name, src = path, raw
		}
	}
	ds, _ := lint.File(name, src, lint.KindIdentity)
	return ds
}
