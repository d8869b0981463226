package findings

import (
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
)

// SARIFLog is a SARIF 2.1.0 log with one run.
type SARIFLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []SARIFRun `json:"runs"`
}

// SARIFRun is one run: the tool with its rules and the results.
type SARIFRun struct {
	Tool    SARIFTool     `json:"tool"`
	Results []SARIFResult `json:"results"`
}

// SARIFTool describes orgrail.
type SARIFTool struct {
	Driver SARIFDriver `json:"driver"`
}

// SARIFDriver is the tool driver with its rules.
type SARIFDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []SARIFRule `json:"rules"`
}

// SARIFRule is one reporting descriptor.
type SARIFRule struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	ShortDescription SARIFText      `json:"shortDescription"`
	FullDescription  SARIFText      `json:"fullDescription"`
	Help             SARIFText      `json:"help"`
	Properties       map[string]any `json:"properties"`
}

// SARIFText is a message string.
type SARIFText struct {
	Text string `json:"text"`
}

// SARIFResult is one failed or errored check.
type SARIFResult struct {
	RuleID       string             `json:"ruleId"`
	Level        string             `json:"level"`
	Kind         string             `json:"kind,omitempty"`
	Message      SARIFText          `json:"message"`
	Locations    []SARIFLocation    `json:"locations"`
	Suppressions []SARIFSuppression `json:"suppressions,omitempty"`
	Fingerprints map[string]string  `json:"partialFingerprints"`
	Properties   map[string]any     `json:"properties"`
}

// SARIFLocation locates a result: in a file (the configuration line that
// declares the account, or a stable artificial file per account, so that
// GitHub code scanning, which needs a file, accepts it) and at a logical
// location, the resource ARN.
type SARIFLocation struct {
	PhysicalLocation SARIFPhysical  `json:"physicalLocation"`
	LogicalLocations []SARIFLogical `json:"logicalLocations"`
}

// SARIFPhysical is a physical location: a file and a line.
type SARIFPhysical struct {
	ArtifactLocation SARIFArtifact `json:"artifactLocation"`
	Region           SARIFRegion   `json:"region"`
}

// SARIFArtifact names a file relative to the source root.
type SARIFArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// SARIFRegion is the line of a physical location.
type SARIFRegion struct {
	StartLine int `json:"startLine"`
}

// SourceLine is where a configuration file declares something.
type SourceLine struct {
	File string
	Line int
}

// sarifPhysical returns the file location of a finding: the line of the
// configuration that declares its account when known, else the stable
// artificial file aws-accounts/ACCOUNT at line 1.
func sarifPhysical(r *Report, f *Finding) SARIFPhysical {
	if src, ok := r.Sources[f.Account]; ok && src.File != "" && src.Line > 0 {
		return SARIFPhysical{ArtifactLocation: SARIFArtifact{URI: sarifURI(src.File), URIBaseID: "%SRCROOT%"},
			Region: SARIFRegion{StartLine: src.Line}}
	}
	acct := f.Account
	if acct == "" {
		acct = "unknown"
	}
	return SARIFPhysical{ArtifactLocation: SARIFArtifact{URI: "aws-accounts/" + acct, URIBaseID: "%SRCROOT%"},
		Region: SARIFRegion{StartLine: 1}}
}

// sarifURI turns a file path into a relative URI reference.
func sarifURI(p string) string {
	p = filepath.ToSlash(filepath.Clean(p))
	p = strings.TrimPrefix(p, "./")
	u := url.URL{Path: p}
	return u.EscapedPath()
}

// SARIFLogical is a logical location.
type SARIFLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// SARIFSuppression records a mute.
type SARIFSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

// ToSARIF converts the failed and errored findings of a report to SARIF.
func ToSARIF(r *Report) *SARIFLog {
	run := SARIFRun{Tool: SARIFTool{Driver: SARIFDriver{Name: "orgrail",
		InformationURI: "https://github.com/orgrail/orgrail"}}, Results: []SARIFResult{}}
	used := map[string]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Status != Failed && f.Status != Error {
			continue
		}
		used[f.RuleID] = true
		res := SARIFResult{
			RuleID:  f.RuleID,
			Level:   sarifLevel(f),
			Message: SARIFText{Text: sarifMessage(f)},
			Locations: []SARIFLocation{{PhysicalLocation: sarifPhysical(r, f), LogicalLocations: []SARIFLogical{{
				FullyQualifiedName: f.ResourceArn, Kind: "resource"}}}},
			Fingerprints: map[string]string{"orgrailFindingId/v1": nonEmpty(f.ID, StableID(f.RuleID, f.Account, f.Region, f.ResourceArn))},
			Properties: map[string]any{"account": f.Account, "accountName": f.AccountName, "ou": f.OU,
				"region": f.Region, "status": f.Status, "severity": f.Severity.String()},
		}
		if f.Muted {
			res.Suppressions = []SARIFSuppression{{Kind: "external", Justification: f.MuteReason}}
		}
		run.Results = append(run.Results, res)
	}
	ids := make([]string, 0, len(used))
	for id := range used {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		info := r.Rules[id]
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, SARIFRule{
			ID: id, Name: info.Title,
			ShortDescription: SARIFText{Text: info.Title},
			FullDescription:  SARIFText{Text: nonEmpty(info.Rationale, info.Title)},
			Help:             SARIFText{Text: nonEmpty(info.Remediation, info.Title)},
			Properties: map[string]any{"security-severity": securitySeverity(info), "tags": tags(info.Mappings),
				"severity": info.Severity.String()},
		})
	}
	if run.Tool.Driver.Rules == nil {
		run.Tool.Driver.Rules = []SARIFRule{}
	}
	return &SARIFLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []SARIFRun{run}}
}

func sarifLevel(f *Finding) string {
	if f.Status == Error {
		return "note"
	}
	if f.Severity >= 3 {
		return "error"
	}
	return "warning"
}

func sarifMessage(f *Finding) string {
	m := f.Title
	if f.Message != "" {
		m = f.Message
	}
	return fmt.Sprintf("%s (account %s, region %s)", m, f.Account, f.Region)
}

func securitySeverity(info RuleInfo) string {
	return [...]string{"0.0", "3.0", "5.5", "8.0", "9.5", "0.0"}[info.Severity]
}

func tags(m Mappings) []string {
	t := []string{"security"}
	if m.CIS != "" {
		t = append(t, "CIS-"+m.CIS)
	}
	t = append(t, ControlIDs(m.SecurityHub)...)
	if m.NistCsf != "" {
		t = append(t, "NIST-CSF-"+m.NistCsf)
	}
	return t
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
