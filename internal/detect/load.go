package detect

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/pattern"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/sigma"
)

//go:embed pack/*.yaml
var pack embed.FS

// OrgAccountsPlaceholder, written as a string inside a pattern's value
// list, is replaced by the organization's account ids at Compile.
const OrgAccountsPlaceholder = "${orgAccounts}"

// Diagnostic codes of rule loading.
const (
	CodeInvalid     = "detection-invalid"     // a detection file or entry is malformed
	CodePattern     = "detection-pattern"     // an event pattern does not compile
	CodeDuplicate   = "detection-duplicate"   // two detections share an id
	CodeUnsupported = "sigma-unsupported"     // a Sigma rule uses what orgrail cannot run
	CodeNotSigma    = "sigma-wrong-logsource" // a Sigma rule for another log source
)

// Builtin returns the embedded pack of detections, in id order.
func Builtin() ([]*Rule, error) {
	files, err := fs.Glob(pack, "pack/*.yaml")
	if err != nil {
		return nil, err
	}
	var rules []*Rule
	for _, f := range files {
		data, err := pack.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rs, ds := parseFile(data, f, SourceBuiltin)
		if len(ds) > 0 {
			return nil, fmt.Errorf("built-in pack: %w", ds)
		}
		rules = append(rules, rs...)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules, nil
}

// LoadDir loads, from dir and its subdirectories (or from dir itself when
// it is a file), every orgrail detection
// file (*.yaml or *.yml with a top-level detections list) and every Sigma
// rule (*.yml or *.yaml with a detection section). Problems with single
// files or rules, including Sigma rules orgrail cannot run (regular
// expressions with look-arounds, aggregations, other log sources), are
// reported as diagnostics naming the file and rule, and the rest still
// load. The error is for a directory that cannot be read.
func LoadDir(dir string) ([]*Rule, diag.List, error) {
	var rules []*Rule
	var ds diag.List
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		// A single file is accepted too.
		data, err := os.ReadFile(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("reading detections in %s: %w", dir, err)
		}
		rules, ds = LoadFile(data, dir)
		return rules, ds, nil
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		if d.IsDir() || (ext != ".yaml" && ext != ".yml") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rs, fds := LoadFile(data, path)
		rules = append(rules, rs...)
		ds = append(ds, fds...)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reading detections in %s: %w", dir, err)
	}
	seen := map[string]string{}
	kept := rules[:0]
	for _, r := range rules {
		if prev, ok := seen[r.ID]; ok {
			ds = append(ds, diag.Diagnostic{File: r.File, Code: CodeDuplicate, Severity: severity.High,
				Message: fmt.Sprintf("detection %s is already defined in %s; this one is ignored", r.ID, prev)})
			continue
		}
		seen[r.ID] = r.File
		kept = append(kept, r)
	}
	ds.Sort()
	return kept, ds, nil
}

// LoadFile loads the detections of one file: orgrail YAML or a Sigma rule.
func LoadFile(data []byte, file string) ([]*Rule, diag.List) {
	var probe map[string]any
	if err := yaml.Unmarshal(data, &probe); err != nil {
		return nil, diag.List{yamlDiag(file, err)}
	}
	if _, ok := probe["detections"]; ok {
		return parseFile(data, file, SourceCustom)
	}
	if _, ok := probe["detection"]; ok {
		r, d := loadSigma(data, file)
		if d != nil {
			return nil, diag.List{*d}
		}
		return []*Rule{r}, nil
	}
	return nil, diag.List{{File: file, Code: CodeInvalid, Severity: severity.Low,
		Message: "neither an orgrail detection file (no detections list) nor a Sigma rule (no detection section); skipped"}}
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlDiag(file string, err error) diag.Diagnostic {
	d := diag.Diagnostic{File: file, Code: CodeInvalid, Severity: severity.High, Message: "not valid YAML: " + err.Error()}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &d.Line)
	}
	return d
}

// ruleDoc is one entry of an orgrail detections file.
type ruleDoc struct {
	ID          string         `yaml:"id"`
	Title       string         `yaml:"title"`
	Description string         `yaml:"description"`
	Severity    string         `yaml:"severity"`
	NistCSF     string         `yaml:"nistCsf"`
	Author      string         `yaml:"author"`
	Fields      []string       `yaml:"fields"`
	References  []string       `yaml:"references"`
	Tags        []string       `yaml:"tags"`
	Suppression *suppressDoc   `yaml:"suppression"`
	Pattern     map[string]any `yaml:"pattern"`
	Sigma       yaml.Node      `yaml:"sigma"`
}

type suppressDoc struct {
	Key    []string `yaml:"key"`
	Window string   `yaml:"window"`
}

var nistCSF = regexp.MustCompile(`^(GV|ID|PR|DE|RS|RC)(\.[A-Z]{2}(-\d{2})?)?$`)

// parseFile reads an orgrail detections file.
func parseFile(data []byte, file, source string) ([]*Rule, diag.List) {
	var doc struct {
		Detections []yaml.Node `yaml:"detections"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, diag.List{yamlDiag(file, err)}
	}
	var rules []*Rule
	var ds diag.List
	for i := range doc.Detections {
		n := &doc.Detections[i]
		r, err := parseRule(n, file, source)
		if err != nil {
			code := CodeInvalid
			var pe *pattern.Error
			var ue *sigma.UnsupportedError
			switch {
			case errors.As(err, &pe):
				code = CodePattern
			case errors.As(err, &ue):
				code = CodeUnsupported
			}
			ds = append(ds, diag.Diagnostic{File: file, Line: n.Line, Column: n.Column, Code: code,
				Severity: severity.High, Message: err.Error()})
			continue
		}
		rules = append(rules, r)
	}
	return rules, ds
}

func parseRule(n *yaml.Node, file, source string) (*Rule, error) {
	var d ruleDoc
	if err := n.Decode(&d); err != nil {
		return nil, fmt.Errorf("detection entry: %w", err)
	}
	if d.ID == "" {
		return nil, errors.New("detection has no id")
	}
	where := "detection " + d.ID
	if d.Title == "" {
		return nil, fmt.Errorf("%s: no title", where)
	}
	sev, err := severity.Parse(d.Severity)
	if err != nil || sev == severity.None {
		return nil, fmt.Errorf("%s: severity: want informational, low, medium, high or critical, got %q", where, d.Severity)
	}
	if d.NistCSF == "" {
		d.NistCSF = "DE.CM"
	}
	if !nistCSF.MatchString(d.NistCSF) {
		return nil, fmt.Errorf("%s: nistCsf %q is not a NIST CSF 2.0 function or category (such as DE.CM)", where, d.NistCSF)
	}
	r := &Rule{ID: d.ID, Title: d.Title, Description: strings.TrimSpace(d.Description), Severity: sev,
		NistCSF: d.NistCSF, Source: source, Author: d.Author, Fields: d.Fields,
		References: d.References, Tags: d.Tags, File: file}
	if source == SourceBuiltin {
		r.File = ""
		if r.Author == "" {
			r.Author = "orgrail"
		}
	}
	if d.Suppression != nil {
		w, err := time.ParseDuration(d.Suppression.Window)
		if err != nil || w <= 0 {
			return nil, fmt.Errorf("%s: suppression window %q is not a positive duration such as 15m or 24h", where, d.Suppression.Window)
		}
		r.Suppression = &Suppression{Key: d.Suppression.Key, Window: w}
	}
	switch {
	case d.Pattern != nil && d.Sigma.Kind != 0:
		return nil, fmt.Errorf("%s: give either pattern or sigma, not both", where)
	case d.Pattern != nil:
		js, err := json.Marshal(d.Pattern)
		if err != nil {
			return nil, fmt.Errorf("%s: pattern: %w", where, err)
		}
		r.Pattern = js
		r.NeedsOrgAccounts = strings.Contains(string(js), OrgAccountsPlaceholder)
		// Check the pattern now, so errors point at the file.
		if _, err := pattern.Compile(expandOrgAccounts(js, []string{"000000000000"})); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	case d.Sigma.Kind != 0:
		sr, err := sigmaFromDetection(d, &d.Sigma, file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		r.sigma = sr
	default:
		return nil, fmt.Errorf("%s: needs a pattern (EventBridge event pattern) or sigma (a Sigma detection section)", where)
	}
	return r, nil
}

// sigmaFromDetection parses an orgrail rule's sigma section as the
// detection of a CloudTrail Sigma rule.
func sigmaFromDetection(d ruleDoc, det *yaml.Node, file string) (*sigma.Rule, error) {
	doc := map[string]any{
		"title":     d.Title,
		"id":        d.ID,
		"author":    d.Author,
		"logsource": map[string]string{"product": "aws", "service": "cloudtrail"},
		"detection": det,
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return sigma.Parse(data, file)
}

// expandOrgAccounts replaces the placeholder string with the account ids.
func expandOrgAccounts(js []byte, accounts []string) []byte {
	q := make([]string, len(accounts))
	for i, a := range accounts {
		b, _ := json.Marshal(a)
		q[i] = string(b)
	}
	return []byte(strings.ReplaceAll(string(js), `"`+OrgAccountsPlaceholder+`"`, strings.Join(q, ",")))
}

// loadSigma reads a Sigma rule file into a Rule, or a diagnostic.
func loadSigma(data []byte, file string) (*Rule, *diag.Diagnostic) {
	sr, err := sigma.Parse(data, file)
	if err != nil {
		d := &diag.Diagnostic{File: file, Code: CodeInvalid, Severity: severity.High, Message: err.Error()}
		var ue *sigma.UnsupportedError
		switch {
		case errors.As(err, &ue):
			d.Code, d.Severity = CodeUnsupported, severity.Medium
			d.Message = ue.Error()
			d.Hint = "the other rules still run; rewrite the rule without it to run it here"
		case errors.Is(err, sigma.ErrNotCloudTrail):
			d.Code, d.Severity = CodeNotSigma, severity.Low
		}
		return nil, d
	}
	id := sr.ID
	if id == "" {
		id = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	sev, err := severity.Parse(sr.Level)
	if err != nil || sev == severity.None {
		sev = severity.Medium
	}
	author := sr.Author
	if author == "" {
		author = "unknown (Sigma rule without author)"
	}
	return &Rule{ID: id, Title: sr.Title, Description: sr.Description, Severity: sev, NistCSF: "DE.CM",
		Source: SourceSigma, Author: author, References: sr.References, Tags: sr.Tags, File: file, sigma: sr}, nil
}
