package findings

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
)

// RenderOptions tune the human formats.
type RenderOptions struct {
	// All lists PASSED and NOT_APPLICABLE findings in the table too;
	// by default the table lists failures (muted ones marked) and errors.
	All bool
	// MaxAccounts bounds the accounts listed in the table summary.
	MaxAccounts int
	// Lang is the language of the table's headers, statuses and summary
	// ("" is English). Rule texts are localized before rendering (see
	// rules.LocalizeReport).
	Lang i18n.Lang
}

// Render writes the report in format f.
func Render(w io.Writer, f output.Format, r *Report, opt RenderOptions) error {
	switch f {
	case output.Table:
		return renderTable(w, r, opt)
	case output.JSON:
		return renderJSONStream(w, r)
	case output.YAML:
		doc := struct {
			*Report
			Summary *Summary `json:"summary"`
		}{r, Summarize(r.Findings)}
		return output.Encode(w, f, doc)
	case output.JSONL:
		lw := output.NewLines(w)
		for i := range r.Findings {
			if err := lw.Write(&r.Findings[i]); err != nil {
				return err
			}
		}
		return nil
	case output.CSV:
		return renderCSV(w, r)
	case output.ASFF:
		return output.Encode(w, output.JSON, ToASFF(r))
	case output.OCSF:
		return output.Encode(w, output.JSON, ToOCSF(r))
	case output.SARIF:
		return output.Encode(w, output.JSON, ToSARIF(r))
	case output.HTML:
		return RenderHTMLLang(w, r, opt.Lang)
	}
	return fmt.Errorf("findings cannot be rendered as %q", f)
}

// Formats lists every format Render accepts.
var Formats = []output.Format{output.Table, output.JSON, output.JSONL, output.YAML,
	output.CSV, output.ASFF, output.OCSF, output.SARIF, output.HTML}

func renderTable(w io.Writer, r *Report, opt RenderOptions) error {
	l := opt.Lang
	t := output.NewTable(w, i18n.Headers(l, "STATUS", "SEVERITY", "RULE", "ACCOUNT", "OU", "REGION", "RESOURCE", "MESSAGE")...)
	n := 0
	for i := range r.Findings {
		f := &r.Findings[i]
		if !opt.All && f.Status != Failed && f.Status != Error {
			continue
		}
		st := statusText(l, f.Status)
		if f.Muted {
			st = i18n.T(l, "status.muted", st)
		}
		acct := f.Account
		if f.AccountName != "" {
			acct += " " + f.AccountName
		}
		t.Row(st, severityText(l, f.Severity.String()), f.RuleID, acct, f.OU, f.Region, f.ResourceArn, f.Message)
		n++
	}
	if n > 0 {
		if err := t.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	return WriteSummaryLang(w, Summarize(r.Findings), opt.MaxAccounts, l)
}

// csvHeader is the column list of the csv format.
var csvHeader = []string{"id", "ruleId", "title", "status", "severity", "account", "accountName", "ou", "region",
	"resourceArn", "resourceType", "message", "muted", "muteReason", "muteExpires",
	"configRule", "securityHub", "cis", "nistCsf", "controlTower"}

func renderCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		rec := []string{f.ID, f.RuleID, f.Title, string(f.Status), f.Severity.String(), f.Account, f.AccountName, f.OU,
			f.Region, f.ResourceArn, f.ResourceType, f.Message, strconv.FormatBool(f.Muted), f.MuteReason, f.MuteExpires,
			f.Mappings.ConfigRule, f.Mappings.SecurityHub, f.Mappings.CIS, f.Mappings.NistCsf, f.Mappings.ControlTower}
		for j, v := range rec {
			rec[j] = csvSafe(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses values a spreadsheet would run as a formula: a cell
// that starts with = + - @, or with a tab or carriage return (which
// some spreadsheets skip before looking for the formula sign; OWASP's
// CSV injection guidance lists both), is prefixed with a quote.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// statusText is a finding status in language l (the English is the
// status itself).
func statusText(l i18n.Lang, s Status) string {
	if l == "" || l == i18n.En {
		return string(s)
	}
	return i18n.T(l, "status."+string(s))
}

// severityText is a severity name in language l.
func severityText(l i18n.Lang, s string) string {
	if l == "" || l == i18n.En || !i18n.Has("severity."+s) {
		return s
	}
	return i18n.T(l, "severity."+s)
}
