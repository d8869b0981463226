package rules

import (
	"fmt"
	"path"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

// Exception mutes the findings it matches until it expires. Every
// selector that is set must match (rules, accounts, OUs, regions,
// resource, tags); within one selector any listed value may match.
// Muted findings stay in the output with muted=true; after the expiry
// date they come back unmuted.
type Exception struct {
	Rules    []string          `yaml:"rules"`    // rule ids, * wildcards allowed
	Accounts []string          `yaml:"accounts"` // account ids or names
	OUs      []string          `yaml:"ous"`      // OU paths; sub-OUs match too
	Regions  []string          `yaml:"regions"`
	Resource string            `yaml:"resource"` // ARN pattern, * and ? wildcards
	Tags     map[string]string `yaml:"tags"`     // account tags that must all match ("*" any value)
	Reason   string            `yaml:"reason"`
	Expires  string            `yaml:"expires"` // YYYY-MM-DD, last day the mute holds

	expiry time.Time // end of the expiry day, UTC
	File   string    `yaml:"-"`
	Line   int       `yaml:"-"`
}

// Diagnostic codes of exception loading.
const (
	CodeExceptionKey     = "exception-unknown-key"
	CodeExceptionMissing = "exception-missing-field"
	CodeExceptionDate    = "exception-bad-date"
	CodeExceptionRule    = "exception-unknown-rule"
	CodeExceptionEmpty   = "exception-no-selector"
	CodeExceptionType    = "exception-type-mismatch"
)

var exceptionKeys = map[string]bool{"rule": true, "rules": true, "account": true, "accounts": true, "ou": true,
	"ous": true, "region": true, "regions": true, "resource": true, "tags": true, "reason": true, "expires": true}

// DecodeExceptions reads the exceptions section: a YAML sequence node
// from file. Singular keys (rule, account, ou, region) are accepted as
// one-element lists. knownRules, when given, flags unknown rule ids.
func DecodeExceptions(file string, n *yaml.Node, knownRules map[string]bool) ([]Exception, diag.List) {
	var out []Exception
	var ds diag.List
	add := func(at *yaml.Node, code string, sev severity.Level, hint, format string, a ...any) {
		ds = append(ds, diag.Diagnostic{File: file, Line: at.Line, Column: at.Column, Code: code, Severity: sev,
			Message: fmt.Sprintf(format, a...), Hint: hint})
	}
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.SequenceNode {
		add(n, CodeExceptionType, severity.High, "exceptions is a list of mappings", "exceptions: want a list")
		return nil, ds
	}
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			add(item, CodeExceptionType, severity.High, "each exception is a mapping with reason and expires", "exception: want a mapping")
			continue
		}
		e := Exception{File: file, Line: item.Line}
		ok := true
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if !exceptionKeys[k.Value] {
				add(k, CodeExceptionKey, severity.High, "keys: rules, accounts, ous, regions, resource, tags, reason, expires",
					"exception: unknown key %q", k.Value)
				ok = false
				continue
			}
			if err := decodeExceptionField(&e, k.Value, v); err != nil {
				add(v, CodeExceptionType, severity.High, "", "exception %s: %v", k.Value, err)
				ok = false
			}
		}
		if strings.TrimSpace(e.Reason) == "" {
			add(item, CodeExceptionMissing, severity.High, "say why the finding is accepted", "exception: reason is required")
			ok = false
		}
		if e.Expires == "" {
			add(item, CodeExceptionMissing, severity.High, "add expires: YYYY-MM-DD", "exception: expires is required")
			ok = false
		} else if t, err := time.Parse("2006-01-02", e.Expires); err != nil {
			add(item, CodeExceptionDate, severity.High, "use YYYY-MM-DD", "exception: expires %q is not a date", e.Expires)
			ok = false
		} else {
			e.expiry = t.Add(24 * time.Hour)
		}
		if len(e.Rules)+len(e.Accounts)+len(e.OUs)+len(e.Regions)+len(e.Tags) == 0 && e.Resource == "" {
			add(item, CodeExceptionEmpty, severity.High, "name at least a rule, account, OU, region, resource or tag",
				"exception: matches everything")
			ok = false
		}
		for _, r := range e.Rules {
			if knownRules != nil && !strings.ContainsAny(r, "*?") && !knownRules[r] {
				add(item, CodeExceptionRule, severity.Low, "see `orgrail rules list`", "exception: unknown rule %q", r)
			}
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, ds
}

func decodeExceptionField(e *Exception, key string, v *yaml.Node) error {
	list := func(dst *[]string) error {
		if v.Kind == yaml.ScalarNode {
			*dst = append(*dst, v.Value)
			return nil
		}
		var l []string
		if err := v.Decode(&l); err != nil {
			return fmt.Errorf("want a string or a list of strings")
		}
		*dst = append(*dst, l...)
		return nil
	}
	switch key {
	case "rule", "rules":
		return list(&e.Rules)
	case "account", "accounts":
		return list(&e.Accounts)
	case "ou", "ous":
		return list(&e.OUs)
	case "region", "regions":
		return list(&e.Regions)
	case "tags":
		if err := v.Decode(&e.Tags); err != nil {
			return fmt.Errorf("want a mapping of tag key to value")
		}
	default:
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("want a string")
		}
		switch key {
		case "resource":
			e.Resource = v.Value
		case "reason":
			e.Reason = v.Value
		case "expires":
			e.Expires = v.Value
		}
	}
	return nil
}

// Expired reports whether the exception no longer holds at now.
func (e *Exception) Expired(now time.Time) bool {
	if e.expiry.IsZero() {
		t, err := time.Parse("2006-01-02", e.Expires)
		if err != nil {
			return true
		}
		e.expiry = t.Add(24 * time.Hour)
	}
	return !now.Before(e.expiry)
}

// Matches reports whether the exception selects finding f.
func (e *Exception) Matches(f *findings.Finding, o *org.Organization) bool {
	if len(e.Rules) > 0 && !anyGlob(e.Rules, f.RuleID) {
		return false
	}
	if len(e.Accounts) > 0 && !contains(e.Accounts, f.Account) && !containsFold(e.Accounts, f.AccountName) {
		return false
	}
	if len(e.Regions) > 0 && !contains(e.Regions, f.Region) {
		return false
	}
	if e.Resource != "" && !globMatch(e.Resource, f.ResourceArn) {
		return false
	}
	if len(e.OUs) > 0 && !ouMatches(e.OUs, f.OU) {
		return false
	}
	if len(e.Tags) > 0 {
		a := o.Account(f.Account)
		if a == nil {
			return false
		}
		for k, want := range e.Tags {
			got, ok := a.Tags[k]
			if !ok || (want != "*" && got != want) {
				return false
			}
		}
	}
	return true
}

func ouMatches(ous []string, ou string) bool {
	for _, p := range ous {
		p = strings.Trim(p, "/")
		if p == "Root" || ou == p || strings.HasPrefix(ou, p+"/") {
			return true
		}
	}
	return false
}

func anyGlob(pats []string, s string) bool {
	for _, p := range pats {
		if ok, _ := path.Match(p, s); ok || p == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if s != "" && strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// applyExceptions mutes the FAILED findings an unexpired exception
// matches. A finding matched only by expired exceptions stays unmuted
// and says so in its message.
func applyExceptions(fs []findings.Finding, es []Exception, o *org.Organization, now time.Time) {
	if len(es) == 0 {
		return
	}
	for i := range fs {
		f := &fs[i]
		if f.Status != findings.Failed {
			continue
		}
		var expired *Exception
		for j := range es {
			e := &es[j]
			if !e.Matches(f, o) {
				continue
			}
			if e.Expired(now) {
				expired = e
				continue
			}
			f.Muted, f.MuteReason, f.MuteExpires = true, e.Reason, e.Expires
			break
		}
		if !f.Muted && expired != nil {
			f.Message += fmt.Sprintf(" (exception expired %s: %s)", expired.Expires, expired.Reason)
		}
	}
}
