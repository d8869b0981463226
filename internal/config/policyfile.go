package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
)

// maxSCPChars is AWS's size limit for SCP and RCP documents, which
// orgrail measures on the compacted JSON it would upload.
const maxSCPChars = 5120

// loadPolicyFiles reads each policy's document into Policy.Content.
func loadPolicyFiles(c *Config, r *reporter) {
	for i := range c.Policies {
		p := &c.Policies[i]
		switch {
		case p.AWSManaged && p.File != "":
			r.add(p.Pos.Of("file"), CodePolicyConflict, "drop file: for an AWS managed policy, or awsManaged: for your own",
				"policy %q has both file and awsManaged", p.Name)
			continue
		case p.AWSManaged:
			continue
		case p.File == "":
			r.add(p.Pos.Of(""), CodePolicyNoFile, "add file: policies/<name>.json (relative to the configuration directory)",
				"policy %q has no file", p.Name)
			continue
		case filepath.IsAbs(p.File):
			r.add(p.Pos.Of("file"), CodePolicyAbsolute, "write the path relative to "+c.Dir,
				"policy file %q is an absolute path", p.File)
			continue
		}
		path := filepath.Join(c.Dir, p.File)
		b, err := os.ReadFile(path)
		if err != nil {
			hint := "check the path; it is relative to the configuration directory"
			if !errors.Is(err, os.ErrNotExist) {
				hint = "make the file readable"
			}
			r.add(p.Pos.Of("file"), CodePolicyNoFile, hint, "policy %q: cannot read %s: %v", p.Name, path, unwrapPathError(err))
			continue
		}
		content, ok := checkJSON(path, b, p, r)
		if !ok {
			continue
		}
		p.Content = content
		if (p.Type == TypeSCP || p.Type == TypeRCP) && len(content) > maxSCPChars {
			r.add(p.Pos.Of("file"), CodePolicyTooLarge, "split the policy in two or shorten it (AWS allows 5,120 characters)",
				"policy %q is %d characters without whitespace, over AWS's limit of %d", p.Name, len(content), maxSCPChars)
		}
	}
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkJSON verifies that b is one JSON object and returns it compacted.
// Syntax errors point into the policy file itself.
func checkJSON(path string, b []byte, p *Policy, r *reporter) (json.RawMessage, bool) {
	ref := "referenced at " + p.Pos.Of("file").String()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		pos := Pos{File: path}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			pos.Line, pos.Column = lineCol(b, se.Offset)
		}
		r.add(pos, CodePolicyNotJSON, ref, "policy %q: not valid JSON: %v", p.Name, err)
		return nil, false
	}
	if _, ok := v.(map[string]any); !ok {
		r.add(Pos{File: path, Line: 1, Column: 1}, CodePolicyNotJSON, ref, "policy %q: the document must be a JSON object", p.Name)
		return nil, false
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		r.add(Pos{File: path}, CodePolicyNotJSON, ref, "policy %q: %v", p.Name, err)
		return nil, false
	}
	return json.RawMessage(buf.Bytes()), true
}

// lineCol converts a byte offset to a 1-based line and column. A JSON
// syntax error's offset is just past the offending byte.
func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	if off > 0 {
		off--
	}
	line, col := 1, 1
	for _, ch := range b[:off] {
		if ch == '\n' {
			line++
			col = 1
		} else if ch&0xC0 != 0x80 { // count characters, not UTF-8 continuation bytes
			col++
		}
	}
	return line, col
}
