package plan

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/policy/lint"
	"github.com/orgrail/orgrail/internal/severity"
)

// CodePolicySize is the diagnostic of a policy document over AWS's size
// quota for its type.
const CodePolicySize = "plan-policy-size"

// maxPolicySize is "Maximum size of a policy document" of the AWS
// Organizations User Guide's quotas page, in characters, by type.
var maxPolicySize = map[string]int{
	org.SCP: 5120, org.RCP: 5120, org.DeclarativePolicyEC2: 10000, org.BackupPolicy: 10000, org.ChatbotPolicy: 10000,
	org.AIOptOutPolicy: 2500, org.TagPolicy: 10000, org.SecurityHubPolicy: 10000,
}

// MaxPolicySize returns AWS's size quota of a policy type's documents
// in characters, 0 when orgrail does not know it.
func MaxPolicySize(typ string) int { return maxPolicySize[typ] }

// lint checks every policy document the plan creates or updates against
// its type's size quota and runs the policy linter on every SCP and RCP.
// Linter findings are kept on the change and reported as diagnostics at
// the policy file's line and column.
func (b *builder) lint() {
	for i := range b.plan.Changes {
		ch := &b.plan.Changes[i]
		if ch.Kind != KindPolicy || ch.After == nil {
			continue
		}
		if max := MaxPolicySize(ch.Ref.PolicyType); max > 0 && len(Canonical(ch.After.Content)) > max {
			b.diags = append(b.diags, diag.Diagnostic{Code: CodePolicySize, Severity: severity.High,
				Message: fmt.Sprintf("%s: the document is %d characters without white space; AWS takes at most %d for %s", ch.Address, len(Canonical(ch.After.Content)), max, ch.Ref.PolicyType),
				Hint:    "split the policy in two, or shorten it"})
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
