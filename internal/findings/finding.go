// Package findings holds the result of a detective-guardrail audit: the
// Finding value of the contract, the Report that carries findings with
// the metadata of the rules that produced them, the summary by
// framework, OU and account, the diff between two runs, and renderers
// for every findings format (table, json, jsonl, csv, asff, ocsf, sarif,
// html).
package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"

	"github.com/orgrail/orgrail/internal/severity"
)

// Status is the outcome of one check on one resource.
type Status string

// The four statuses of the contract. ERROR means the data the rule needs
// was not collected: it is never reported as PASSED.
const (
	Passed        Status = "PASSED"
	Failed        Status = "FAILED"
	NotApplicable Status = "NOT_APPLICABLE"
	Error         Status = "ERROR"
)

// Mappings ties a rule to the identifiers users know from other tools:
// the AWS Config managed rule identifier, the Security Hub control id,
// the CIS AWS Foundations Benchmark v3.0.0 item, the NIST CSF 2.0
// category (function.category, e.g. PR.AA) and the Control Tower
// control. Empty means none.
type Mappings struct {
	ConfigRule   string `json:"configRule,omitempty"`
	SecurityHub  string `json:"securityHub,omitempty"`
	CIS          string `json:"cis,omitempty"`
	NistCsf      string `json:"nistCsf,omitempty"`
	ControlTower string `json:"controlTower,omitempty"`
}

// Finding is the result of one rule on one resource, with the fields of
// the contract.
type Finding struct {
	ID           string         `json:"id"`
	RuleID       string         `json:"ruleId"`
	Title        string         `json:"title"`
	Status       Status         `json:"status"`
	Severity     severity.Level `json:"severity"`
	Account      string         `json:"account"`
	AccountName  string         `json:"accountName"`
	OU           string         `json:"ou"`
	Region       string         `json:"region"`
	ResourceArn  string         `json:"resourceArn"`
	ResourceType string         `json:"resourceType,omitempty"`
	Message      string         `json:"message,omitempty"`
	Muted        bool           `json:"muted"`
	MuteReason   string         `json:"muteReason,omitempty"`
	MuteExpires  string         `json:"muteExpires,omitempty"`
	Mappings     Mappings       `json:"mappings"`
}

// Key returns the identity of a finding across runs: the same rule on
// the same resource in the same account and region.
func (f *Finding) Key() string {
	return f.RuleID + "|" + f.Account + "|" + f.Region + "|" + f.ResourceArn
}

// StableID returns a short hash of Key, used as the finding's id.
func StableID(ruleID, account, region, resource string) string {
	h := sha256.Sum256([]byte(ruleID + "|" + account + "|" + region + "|" + resource))
	return hex.EncodeToString(h[:10])
}

// Open reports whether the finding is an unmuted failure.
func (f *Finding) Open() bool { return f.Status == Failed && !f.Muted }

// RuleInfo is what renderers need to know about a rule: its text and
// mappings. The rules package fills it from its catalogue.
type RuleInfo struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Severity    severity.Level `json:"severity"`
	Scope       string         `json:"scope"`
	Rationale   string         `json:"rationale"`
	Remediation string         `json:"remediation"`
	Mappings    Mappings       `json:"mappings"`
	Source      string         `json:"source"` // builtin or a custom rule file
}

// Report is one audit's findings with the context renderers need.
type Report struct {
	OrgID             string              `json:"orgId"`
	Partition         string              `json:"partition"`
	ManagementAccount string              `json:"managementAccount"`
	SnapshotAt        time.Time           `json:"snapshotAt"`
	GeneratedAt       time.Time           `json:"generatedAt"`
	Framework         string              `json:"framework,omitempty"`
	Rules             map[string]RuleInfo `json:"-"`
	Findings          []Finding           `json:"findings"`
	// Sources says, per account id, where the landing-zone configuration
	// declares the account (SARIF locates results there). Optional.
	Sources map[string]SourceLine `json:"-"`
}

// Sort orders findings by account, region, rule and resource so that
// output is stable.
func Sort(fs []Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.ResourceArn < b.ResourceArn
	})
}

// Failing returns whether any unmuted FAILED finding reaches threshold.
func Failing(fs []Finding, threshold severity.Level) bool {
	for i := range fs {
		if fs[i].Open() && fs[i].Severity.Reaches(threshold) {
			return true
		}
	}
	return false
}

// Counts tallies findings by status; muted failures count as Muted, not
// Failed.
type Counts struct {
	Passed        int `json:"passed"`
	Failed        int `json:"failed"`
	Muted         int `json:"muted"`
	NotApplicable int `json:"notApplicable"`
	Error         int `json:"error"`
}

// Add counts one finding.
func (c *Counts) Add(f *Finding) {
	switch {
	case f.Status == Failed && f.Muted:
		c.Muted++
	case f.Status == Failed:
		c.Failed++
	case f.Status == Passed:
		c.Passed++
	case f.Status == NotApplicable:
		c.NotApplicable++
	default:
		c.Error++
	}
}

// Compliance returns the share of evaluated checks that passed, in
// percent: passed / (passed + failed). Muted failures count as passed
// (they are accepted risk); NOT_APPLICABLE and ERROR are left out. It is
// 100 when nothing was evaluated.
func (c Counts) Compliance() float64 {
	den := c.Passed + c.Failed + c.Muted
	if den == 0 {
		return 100
	}
	return 100 * float64(c.Passed+c.Muted) / float64(den)
}
