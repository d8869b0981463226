package web

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/rules"
)

// MuteFile is the configuration file the dashboard appends exceptions
// to. The configuration loader reads every *.yaml file of the directory
// and concatenates their exceptions lists, so the dashboard never
// rewrites a file a person wrote.
const MuteFile = "exceptions-dashboard.yaml"

// Mute is one exception written from the dashboard.
type Mute struct {
	Rule     string
	Account  string
	Region   string
	Resource string // empty: the rule in the whole account
	Reason   string
	Expires  string // YYYY-MM-DD, last day the mute holds
}

var (
	ruleIDPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-]*$`)
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

// Validate checks a mute before it is written: a known rule shape, an
// account id, a reason, and an expiry that is a date not before today.
func (m *Mute) Validate(now time.Time) error {
	if !ruleIDPattern.MatchString(m.Rule) {
		return fmt.Errorf("rule %q is not a rule id", m.Rule)
	}
	if !accountPattern.MatchString(m.Account) {
		return fmt.Errorf("account %q is not a 12-digit account id", m.Account)
	}
	if len(m.Reason) < 3 || len(m.Reason) > 500 {
		return fmt.Errorf("reason: say why the finding is accepted (3 to 500 characters)")
	}
	t, err := time.Parse("2006-01-02", m.Expires)
	if err != nil {
		return fmt.Errorf("expires %q: want YYYY-MM-DD", m.Expires)
	}
	if t.Add(24 * time.Hour).Before(now) {
		return fmt.Errorf("expires %s is in the past", m.Expires)
	}
	return nil
}

// node builds the exception's YAML mapping.
func (m *Mute) node() *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k, v string) {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k},
			&yaml.Node{Kind: yaml.ScalarNode, Value: v, Style: yaml.DoubleQuotedStyle})
	}
	add("rule", m.Rule)
	add("account", m.Account)
	if m.Region != "" {
		add("region", m.Region)
	}
	if m.Resource != "" {
		add("resource", m.Resource)
	}
	add("reason", m.Reason)
	add("expires", m.Expires)
	return n
}

// WriteMute appends m to dir/MuteFile (creating it), after checking that
// the exceptions section still decodes without a problem. The file is
// replaced atomically, so a reader never sees half of it.
func WriteMute(dir string, m Mute, now time.Time) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("no configuration directory (--config)")
	}
	if err := m.Validate(now); err != nil {
		return "", err
	}
	path := filepath.Join(dir, MuteFile)
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	b, err := os.ReadFile(path)
	switch {
	case err == nil && len(bytes.TrimSpace(b)) > 0:
		doc = &yaml.Node{}
		if err := yaml.Unmarshal(b, doc); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
	case err != nil && !os.IsNotExist(err):
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return "", fmt.Errorf("%s: not a YAML mapping", path)
	}
	seq := exceptionsSeq(doc.Content[0])
	if seq == nil {
		return "", fmt.Errorf("%s: exceptions is not a list", path)
	}
	seq.Content = append(seq.Content, m.node())
	if _, ds := rules.DecodeExceptions(path, seq, nil); len(ds) > 0 {
		return "", fmt.Errorf("%s: %s", path, ds[0].Message)
	}
	var out bytes.Buffer
	out.WriteString("# Exceptions written by the orgrail dashboard (orgrail serve). Edit freely:\n# the configuration loader reads every *.yaml file of this directory.\n")
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(doc.Content[0]); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return path, writeAtomic(path, out.Bytes())
}

// exceptionsSeq finds or adds the exceptions sequence of a mapping.
func exceptionsSeq(m *yaml.Node) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "exceptions" {
			v := m.Content[i+1]
			if v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || v.Value == "") {
				v.Kind, v.Tag, v.Value = yaml.SequenceNode, "", ""
			}
			if v.Kind != yaml.SequenceNode {
				return nil
			}
			return v
		}
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "exceptions"}, seq)
	return seq
}

func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".orgrail-mute-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
