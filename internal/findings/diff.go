package findings

import (
	"fmt"
	"io"
	"sort"

	"github.com/orgrail/orgrail/internal/output"
)

// Change says how a failure moved between two runs.
type Change string

// The changes a diff reports.
const (
	New       Change = "new"
	Fixed     Change = "fixed"
	StillOpen Change = "still-open"
)

// DiffEntry is one failure that is new, fixed or still open.
type DiffEntry struct {
	Change  Change  `json:"change"`
	Finding Finding `json:"finding"`
}

// DiffResult compares the failures of two runs.
type DiffResult struct {
	Entries   []DiffEntry `json:"entries"`
	New       int         `json:"new"`
	Fixed     int         `json:"fixed"`
	StillOpen int         `json:"stillOpen"`
}

// Diff compares the FAILED findings of a previous run with the current
// one. A failure is new when it did not fail before, fixed when it fails
// no more (passed, not applicable, or the resource is gone) and still
// open when it fails in both. A failure that now yields ERROR is neither
// fixed nor open: it is reported as still open, since nothing shows it
// was fixed.
func Diff(prev, cur []Finding) *DiffResult {
	pm := make(map[string]*Finding, len(prev))
	for i := range prev {
		if prev[i].Status == Failed {
			pm[prev[i].Key()] = &prev[i]
		}
	}
	seen := map[string]bool{}
	d := &DiffResult{Entries: []DiffEntry{}}
	for i := range cur {
		f := &cur[i]
		k := f.Key()
		seen[k] = true
		p, was := pm[k]
		switch {
		case f.Status == Failed && !was:
			d.add(New, *f)
		case f.Status == Failed || (was && f.Status == Error):
			d.add(StillOpen, *f)
		case was:
			fixed := *p
			fixed.Status = f.Status
			d.add(Fixed, fixed)
		}
	}
	for k, p := range pm {
		if !seen[k] {
			gone := *p
			gone.Message = "resource no longer present"
			d.add(Fixed, gone)
		}
	}
	sort.SliceStable(d.Entries, func(i, j int) bool {
		a, b := d.Entries[i], d.Entries[j]
		if a.Change != b.Change {
			return changeOrder(a.Change) < changeOrder(b.Change)
		}
		return a.Finding.Key() < b.Finding.Key()
	})
	return d
}

func changeOrder(c Change) int {
	switch c {
	case New:
		return 0
	case Fixed:
		return 1
	}
	return 2
}

func (d *DiffResult) add(c Change, f Finding) {
	d.Entries = append(d.Entries, DiffEntry{Change: c, Finding: f})
	switch c {
	case New:
		d.New++
	case Fixed:
		d.Fixed++
	default:
		d.StillOpen++
	}
}

// RenderDiff writes a diff in a general format (table, json, jsonl, yaml).
func RenderDiff(w io.Writer, f output.Format, d *DiffResult) error {
	switch f {
	case output.Table:
		t := output.NewTable(w, "CHANGE", "SEVERITY", "RULE", "ACCOUNT", "REGION", "RESOURCE", "MUTED")
		for _, e := range d.Entries {
			muted := ""
			if e.Finding.Muted {
				muted = "muted"
			}
			t.Row(string(e.Change), e.Finding.Severity.String(), e.Finding.RuleID, e.Finding.Account,
				e.Finding.Region, e.Finding.ResourceArn, muted)
		}
		if err := t.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "\n%d new, %d fixed, %d still open\n", d.New, d.Fixed, d.StillOpen)
		return err
	case output.JSONL:
		return output.Encode(w, f, d.Entries)
	}
	return output.Encode(w, f, d)
}
