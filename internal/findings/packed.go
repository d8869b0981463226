package findings

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgrail/orgrail/internal/severity"
)

// An audit run keeps its PASSED and NOT_APPLICABLE findings — all but a
// few hundred of the 161,000 of a 1,000-account organization — as one
// document per rule in the store's finding_docs table (migration 5)
// instead of a findings row each; every other status stays a row, where
// the readers query it. A document costs SQLite one row where the rows
// cost it one per finding with two indexes each (bench/audit.md).
//
// Document format 1 (the finding_docs.format column) is gzip over:
//
//	uvarint  number of findings
//	then per finding:
//	  uvarint  mask: bit i set when field i differs from the previous
//	           finding of the document (the first finding's "previous"
//	           has every field empty)
//	  per set bit, lowest first: uvarint length, then the UTF-8 bytes
//
// The fields, by bit: id, status, severity, account, accountName, ou,
// region, resourceArn, resourceType, message, muted ("1" or empty),
// muteReason, muteExpires, title, and the mappings configRule,
// securityHub, cis, nistCsf, controlTower. The rule id is the row's.
// Findings are written in the report's order (account, region,
// resource), so the account's name and OU, the rule's title, severity
// and mappings are written once per change rather than once per finding.
const docFormat = 1

// The fields of a document record, by mask bit.
const (
	fID = iota
	fStatus
	fSeverity
	fAccount
	fAccountName
	fOU
	fRegion
	fResourceArn
	fResourceType
	fMessage
	fMuted
	fMuteReason
	fMuteExpires
	fTitle
	fConfigRule
	fSecurityHub
	fCIS
	fNistCsf
	fControlTower
	nFields
)

// packed reports whether a finding of status s goes into its rule's
// document rather than a findings row.
func packed(s Status) bool { return s == Passed || s == NotApplicable }

func fieldsOf(f *Finding, v *[nFields]string) {
	muted := ""
	if f.Muted {
		muted = "1"
	}
	*v = [nFields]string{f.ID, string(f.Status), f.Severity.String(), f.Account, f.AccountName, f.OU, f.Region,
		f.ResourceArn, f.ResourceType, f.Message, muted, f.MuteReason, f.MuteExpires, f.Title,
		f.Mappings.ConfigRule, f.Mappings.SecurityHub, f.Mappings.CIS, f.Mappings.NistCsf, f.Mappings.ControlTower}
}

// docWriter encodes documents, reusing its buffers and gzip writer.
type docWriter struct {
	raw bytes.Buffer
	out bytes.Buffer
	gz  *gzip.Writer
	tmp []byte
}

// encode returns the document of fs (findings of one rule); the bytes
// are valid until the next call.
func (w *docWriter) encode(fs []*Finding) ([]byte, error) {
	w.raw.Reset()
	w.tmp = binary.AppendUvarint(w.tmp[:0], uint64(len(fs)))
	w.raw.Write(w.tmp)
	var prev, cur [nFields]string
	for _, f := range fs {
		fieldsOf(f, &cur)
		var mask uint64
		for i := range nFields {
			if cur[i] != prev[i] {
				mask |= 1 << i
			}
		}
		w.tmp = binary.AppendUvarint(w.tmp[:0], mask)
		for i := range nFields {
			if mask&(1<<i) != 0 {
				w.tmp = binary.AppendUvarint(w.tmp, uint64(len(cur[i])))
				w.tmp = append(w.tmp, cur[i]...)
			}
		}
		w.raw.Write(w.tmp)
		prev = cur
	}
	if err := w.compress(w.raw.Bytes()); err != nil {
		return nil, err
	}
	return w.out.Bytes(), nil
}

// compress gzips p into w.out.
func (w *docWriter) compress(p []byte) error {
	w.out.Reset()
	if w.gz == nil {
		gz, err := gzip.NewWriterLevel(&w.out, gzip.BestSpeed)
		if err != nil {
			return err
		}
		w.gz = gz
	} else {
		w.gz.Reset(&w.out)
	}
	if _, err := w.gz.Write(p); err != nil {
		return err
	}
	return w.gz.Close()
}

// errCorrupt marks a document that cannot be read.
var errCorrupt = errors.New("corrupt findings document")

// docReader walks the findings of one document. After next returns
// true, vals holds the current finding's fields; a field that did not
// change keeps the previous finding's string (no new allocation).
type docReader struct {
	p    []byte
	left uint64
	vals [nFields]string
}

// openDoc decompresses a document of the given format and count.
func openDoc(format int, data []byte, count int64) (*docReader, error) {
	if format != docFormat {
		return nil, fmt.Errorf("findings document format %d is newer than this orgrail knows (%d): upgrade orgrail", format, docFormat)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	p, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)) {
		return nil, fmt.Errorf("%w: bad finding count", errCorrupt)
	}
	if int64(n) != count {
		return nil, fmt.Errorf("%w: %d findings where the row says %d", errCorrupt, n, count)
	}
	return &docReader{p: p[k:], left: n}, nil
}

// next reads the next finding; false at the end.
func (r *docReader) next() (bool, error) {
	if r.left == 0 {
		if len(r.p) != 0 {
			return false, fmt.Errorf("%w: %d bytes after the last finding", errCorrupt, len(r.p))
		}
		return false, nil
	}
	mask, k := binary.Uvarint(r.p)
	if k <= 0 || mask >= 1<<nFields {
		return false, fmt.Errorf("%w: bad field mask", errCorrupt)
	}
	r.p = r.p[k:]
	for i := range nFields {
		if mask&(1<<i) == 0 {
			continue
		}
		n, k := binary.Uvarint(r.p)
		if k <= 0 || n > uint64(len(r.p)-k) {
			return false, fmt.Errorf("%w: bad field length", errCorrupt)
		}
		r.vals[i] = string(r.p[k : k+int(n)])
		r.p = r.p[k+int(n):]
	}
	r.left--
	if r.vals[fID] == "" {
		return false, fmt.Errorf("%w: a finding without id", errCorrupt)
	}
	return true, nil
}

// finding builds the current finding of rule.
func (r *docReader) finding(rule string, sevs map[string]severity.Level) (Finding, error) {
	v := &r.vals
	sev, ok := sevs[v[fSeverity]]
	if !ok {
		if err := sev.UnmarshalText([]byte(v[fSeverity])); err != nil {
			return Finding{}, fmt.Errorf("%w: finding %s: %v", errCorrupt, v[fID], err)
		}
		sevs[v[fSeverity]] = sev
	}
	return Finding{ID: v[fID], RuleID: rule, Title: v[fTitle], Status: Status(v[fStatus]), Severity: sev,
		Account: v[fAccount], AccountName: v[fAccountName], OU: v[fOU], Region: v[fRegion],
		ResourceArn: v[fResourceArn], ResourceType: v[fResourceType], Message: v[fMessage],
		Muted: v[fMuted] != "", MuteReason: v[fMuteReason], MuteExpires: v[fMuteExpires],
		Mappings: Mappings{ConfigRule: v[fConfigRule], SecurityHub: v[fSecurityHub], CIS: v[fCIS],
			NistCsf: v[fNistCsf], ControlTower: v[fControlTower]}}, nil
}

// splitRun divides a run's findings, ordered by id, into those stored
// as rows (in id order) and the documents' findings per rule (in the
// report's order). A finding id that occurs more than once keeps its
// last finding, as the rows' INSERT OR REPLACE always did.
func splitRun(byID []*Finding) (rows []*Finding, docs map[string][]*Finding) {
	docs = map[string][]*Finding{}
	for i, f := range byID {
		if i+1 < len(byID) && byID[i+1].ID == f.ID {
			continue
		}
		if packed(f.Status) {
			docs[f.RuleID] = append(docs[f.RuleID], f)
		} else {
			rows = append(rows, f)
		}
	}
	for _, fs := range docs {
		slices.SortFunc(fs, func(a, b *Finding) int {
			if c := strings.Compare(a.Account, b.Account); c != 0 {
				return c
			}
			if c := strings.Compare(a.Region, b.Region); c != 0 {
				return c
			}
			if c := strings.Compare(a.ResourceArn, b.ResourceArn); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	return rows, docs
}
