package lint

import (
	"encoding/json"
	"io"
	"sort"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/severity"
)

// SARIF writes diagnostics as a SARIF 2.1.0 log, so that code review
// tools show them on the lines they concern.
func SARIF(w io.Writer, ds diag.List, version string) error {
	type region struct {
		StartLine   int `json:"startLine,omitempty"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region *region `json:"region,omitempty"`
		} `json:"physicalLocation"`
	}
	type message struct {
		Text string `json:"text"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		Level     string     `json:"level"`
		Message   message    `json:"message"`
		Locations []location `json:"locations"`
	}
	type rule struct {
		ID               string  `json:"id"`
		ShortDescription message `json:"shortDescription"`
	}
	results := make([]result, 0, len(ds))
	seen := map[string]bool{}
	var rules []rule
	for _, d := range ds {
		text := d.Message
		if d.Hint != "" {
			text += " (" + d.Hint + ")"
		}
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = d.File
		if d.Line > 0 {
			loc.PhysicalLocation.Region = &region{StartLine: d.Line, StartColumn: d.Column}
		}
		results = append(results, result{RuleID: d.Code, Level: sarifLevel(d.Severity), Message: message{text}, Locations: []location{loc}})
		if !seen[d.Code] {
			seen[d.Code] = true
			rules = append(rules, rule{ID: d.Code, ShortDescription: message{d.Code}})
		}
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "orgrail policy lint", "version": version,
				"informationUri": "https://github.com/orgrail/orgrail/blob/main/docs/authz.md",
				"rules":          rules,
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func sarifLevel(l severity.Level) string {
	switch {
	case l >= severity.High:
		return "error"
	case l == severity.Medium:
		return "warning"
	}
	return "note"
}
