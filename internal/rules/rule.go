// Package rules is orgrail's detective-guardrail engine: rules read a
// snapshot of a whole organization (one resource, one account, one
// region or the organization at a time) and yield findings that are
// PASSED, FAILED, NOT_APPLICABLE or ERROR. Missing data is never PASSED.
//
// Built-in rules live in files by concept (rules_iam.go, rules_s3.go,
// ...); custom rules are YAML files with a CEL expression
// (custom.go); exceptions mute findings by rule, account, OU, region,
// resource pattern and tag (exceptions.go). Audit is the entry point.
package rules

import (
	"fmt"
	"sort"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// Scope says what a rule is evaluated over.
type Scope string

// The scopes. A rule of scope Account runs once per account on its
// global data; Region once per account and region; Org once for the
// organization. Resource-level checks are Account or Region rules that
// emit one finding per resource.
const (
	ScopeOrg     Scope = "org"
	ScopeAccount Scope = "account"
	ScopeRegion  Scope = "region"
)

// Rule is one detective guardrail: its metadata and its check.
type Rule struct {
	ID          string
	Title       string
	Severity    severity.Level
	Scope       Scope
	Rationale   string
	Remediation string
	Mappings    findings.Mappings
	// AlsoConfigRules lists other AWS Config managed rule identifiers
	// that perform the same check (a periodic and a change-triggered
	// variant, for example).
	AlsoConfigRules []string
	// Related lists AWS Config managed rules this rule is not but judges
	// alike: an lz.* rule that is orgrail's reading of an AWS control
	// fails where that control's violations are (the demo's planted
	// violations are matched through it). It is not a mapping.
	Related []string
	// Reads lists the snapshot operations the rule reads, as
	// "service:Operation": the rule is ERROR only when one of them is
	// missing (TestRulesReadWhatTheyDeclare keeps it true).
	Reads []string
	// ResourceType is the CloudFormation-style type of the resources
	// the rule judges (AWS::S3::Bucket); AWS::::Account for account
	// and region settings.
	ResourceType string
	// Services lists the snapshot services the rule reads.
	Services []string
	// Fix names the remediation action that fixes a failure, when one
	// is safe to automate (see package remediate).
	Fix string
	// Source is "builtin" or the file of a custom rule.
	Source string

	check func(c *Ctx) error
}

// Info returns the rule's metadata in the form renderers use.
func (r *Rule) Info() findings.RuleInfo {
	return findings.RuleInfo{ID: r.ID, Title: r.Title, Severity: r.Severity, Scope: string(r.Scope),
		Rationale: r.Rationale, Remediation: r.Remediation, Mappings: r.Mappings, Source: r.Source}
}

// InFramework reports whether the rule maps to a control of framework
// name ("" means every rule).
func (r *Rule) InFramework(name string) bool {
	return name == "" || r.Mappings.Control(name) != ""
}

var builtin []*Rule

// register adds built-in rules; called from init in each rules_*.go.
func register(rs ...*Rule) {
	for _, r := range rs {
		r.Source = "builtin"
		if r.Reads == nil {
			r.Reads = builtinReads[r.ID]
		}
		builtin = append(builtin, r)
	}
}

// Builtin returns the built-in rules sorted by id. The slice is fresh;
// the rules are shared and must not be changed.
func Builtin() []*Rule {
	out := append([]*Rule(nil), builtin...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the built-in rule with the given id.
func Lookup(id string) (*Rule, bool) {
	for _, r := range builtin {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// checkCatalogue verifies that rules have unique ids and the metadata
// every rule must carry.
func checkCatalogue(rs []*Rule) error {
	seen := map[string]bool{}
	for _, r := range rs {
		switch {
		case seen[r.ID]:
			return fmt.Errorf("rule %s is defined twice", r.ID)
		case r.Title == "" || r.Rationale == "" || r.Remediation == "":
			return fmt.Errorf("rule %s lacks a title, rationale or remediation", r.ID)
		case r.Scope != ScopeOrg && r.Scope != ScopeAccount && r.Scope != ScopeRegion:
			return fmt.Errorf("rule %s has unknown scope %q", r.ID, r.Scope)
		case r.check == nil:
			return fmt.Errorf("rule %s has no check", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

// Listing is a rule's metadata as `orgrail rules list` prints it.
type Listing struct {
	ID              string            `json:"id"`
	Title           string            `json:"title"`
	Severity        severity.Level    `json:"severity"`
	Scope           string            `json:"scope"`
	ResourceType    string            `json:"resourceType"`
	Rationale       string            `json:"rationale"`
	Remediation     string            `json:"remediation"`
	Mappings        findings.Mappings `json:"mappings"`
	AlsoConfigRules []string          `json:"alsoConfigRules,omitempty"`
	Services        []string          `json:"services,omitempty"`
	Reads           []string          `json:"reads,omitempty"`
	Fix             string            `json:"fix,omitempty"`
	Source          string            `json:"source"`
}

// Listing returns the rule's metadata for listing.
func (r *Rule) Listing() Listing {
	return Listing{ID: r.ID, Title: r.Title, Severity: r.Severity, Scope: string(r.Scope), ResourceType: r.ResourceType,
		Rationale: r.Rationale, Remediation: r.Remediation, Mappings: r.Mappings, AlsoConfigRules: r.AlsoConfigRules,
		Services: r.Services, Reads: r.Reads, Fix: r.Fix, Source: r.Source}
}
