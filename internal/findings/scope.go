package findings

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Scope is what an audit run covered: the framework filter, the custom
// rules directory, the rule ids evaluated and the accounts evaluated.
// Two runs are comparable finding by finding only where their scopes
// overlap.
type Scope struct {
	Framework string   `json:"framework,omitempty"`
	RulesDir  string   `json:"rulesDir,omitempty"`
	Rules     []string `json:"rules"`
	Accounts  []string `json:"accounts"`
}

// ScopeOf returns the scope of a report: its framework, its rules, and
// the accounts its findings are about.
func ScopeOf(r *Report, rulesDir string) Scope {
	s := Scope{Framework: r.Framework, RulesDir: rulesDir, Rules: make([]string, 0, len(r.Rules))}
	for id := range r.Rules {
		s.Rules = append(s.Rules, id)
	}
	s.Accounts = accountsOf(r.Findings)
	sort.Strings(s.Rules)
	return s
}

func accountsOf(fs []Finding) []string {
	seen := map[string]bool{}
	out := []string{}
	for i := range fs {
		if a := fs[i].Account; a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// SaveScope records a run's scope (runs.scope).
func SaveScope(ctx context.Context, db *sql.DB, runID int64, s Scope) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `UPDATE runs SET scope = ? WHERE id = ?`, string(b), runID); err != nil {
		return fmt.Errorf("recording the scope of run %d: %w", runID, err)
	}
	return nil
}

// LoadScope reads a run's scope. A run stored before scopes were
// recorded gets one derived from its findings (the rules and accounts
// they name).
func LoadScope(ctx context.Context, db *sql.DB, runID int64, fs []Finding) (Scope, error) {
	var raw sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT scope FROM runs WHERE id = ?`, runID).Scan(&raw); err != nil {
		return Scope{}, fmt.Errorf("reading the scope of run %d: %w", runID, err)
	}
	if raw.Valid && raw.String != "" {
		var s Scope
		if err := json.Unmarshal([]byte(raw.String), &s); err != nil {
			return Scope{}, fmt.Errorf("run %d: bad scope: %w", runID, err)
		}
		return s, nil
	}
	s := Scope{Accounts: accountsOf(fs)}
	seen := map[string]bool{}
	for i := range fs {
		if id := fs[i].RuleID; !seen[id] {
			seen[id] = true
			s.Rules = append(s.Rules, id)
		}
	}
	sort.Strings(s.Rules)
	return s, nil
}

// Overlap is what two scopes have in common.
type Overlap struct {
	Same     bool
	Rules    map[string]bool
	Accounts map[string]bool
	// Why says how the scopes differ ("" when Same).
	Why string
}

// Common returns the overlap of two scopes.
func Common(a, b Scope) Overlap {
	o := Overlap{Rules: intersect(a.Rules, b.Rules), Accounts: intersect(a.Accounts, b.Accounts)}
	var why []string
	if a.Framework != b.Framework {
		why = append(why, fmt.Sprintf("framework %s vs %s", orAll(a.Framework), orAll(b.Framework)))
	}
	if a.RulesDir != b.RulesDir {
		why = append(why, fmt.Sprintf("custom rules %s vs %s", orNone(a.RulesDir), orNone(b.RulesDir)))
	}
	if len(o.Rules) != len(a.Rules) || len(o.Rules) != len(b.Rules) {
		why = append(why, fmt.Sprintf("%d vs %d rules", len(a.Rules), len(b.Rules)))
	}
	if len(o.Accounts) != len(a.Accounts) || len(o.Accounts) != len(b.Accounts) {
		why = append(why, fmt.Sprintf("%d vs %d accounts", len(a.Accounts), len(b.Accounts)))
	}
	o.Same, o.Why = len(why) == 0, strings.Join(why, ", ")
	return o
}

// Restrict keeps the findings inside the overlap.
func (o Overlap) Restrict(fs []Finding) []Finding {
	out := fs[:0:0]
	for i := range fs {
		f := &fs[i]
		if o.Rules[f.RuleID] && (f.Account == "" || o.Accounts[f.Account]) {
			out = append(out, *f)
		}
	}
	return out
}

func intersect(a, b []string) map[string]bool {
	in := make(map[string]bool, len(a))
	for _, v := range a {
		in[v] = true
	}
	out := map[string]bool{}
	for _, v := range b {
		if in[v] {
			out[v] = true
		}
	}
	return out
}

func orAll(s string) string {
	if s == "" {
		return "(all)"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
