package web

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// Heatmap is compliance by OU (rows) and framework (columns).
type Heatmap struct {
	Frameworks []HeatColumn
	Rows       []HeatRow
}

// HeatColumn is one framework.
type HeatColumn struct {
	Name, Title string
}

// HeatRow is one OU's compliance in each framework.
type HeatRow struct {
	OU    string
	Cells []HeatCell
}

// HeatCell is one OU × framework cell. Empty is set when no finding of
// the framework falls in the OU.
type HeatCell struct {
	Empty      bool
	Compliance float64
	Failed     int
	Evaluated  int
	// Bucket is the cell's colour class (0 worst to 7 for 100%): the
	// page's CSP allows no inline style.
	Bucket int
}

// BuildHeatmap computes the heatmap of a set of findings.
func BuildHeatmap(fs []findings.Finding) *Heatmap {
	h := &Heatmap{}
	for _, fw := range findings.Frameworks {
		h.Frameworks = append(h.Frameworks, HeatColumn{Name: fw, Title: findings.FrameworkTitle(fw)})
	}
	counts := map[string]map[string]*findings.Counts{}
	for i := range fs {
		f := &fs[i]
		ou := f.OU
		if ou == "" {
			ou = "Root"
		}
		if counts[ou] == nil {
			counts[ou] = map[string]*findings.Counts{}
		}
		for _, fw := range findings.Frameworks {
			if f.Mappings.Control(fw) == "" {
				continue
			}
			c := counts[ou][fw]
			if c == nil {
				c = &findings.Counts{}
				counts[ou][fw] = c
			}
			c.Add(f)
		}
	}
	ous := make([]string, 0, len(counts))
	for ou := range counts {
		ous = append(ous, ou)
	}
	sort.Strings(ous)
	for _, ou := range ous {
		row := HeatRow{OU: ou}
		for _, fw := range findings.Frameworks {
			c := counts[ou][fw]
			if c == nil || c.Passed+c.Failed+c.Muted == 0 {
				row.Cells = append(row.Cells, HeatCell{Empty: true})
				continue
			}
			pct := c.Compliance()
			row.Cells = append(row.Cells, HeatCell{Compliance: pct, Failed: c.Failed,
				Evaluated: c.Passed + c.Failed + c.Muted, Bucket: bucket(pct)})
		}
		h.Rows = append(h.Rows, row)
	}
	return h
}

// bucketFloors are the lower bounds of the heatmap's colour classes
// h7 (100%) down to h0: finer near 100%, where organizations live.
var bucketFloors = []float64{100, 98, 95, 90, 80, 70, 50}

// bucket returns a compliance percentage's colour class number.
func bucket(pct float64) int {
	for i, f := range bucketFloors {
		if pct >= f {
			return len(bucketFloors) - i
		}
	}
	return 0
}

// Series is chart data as uPlot takes it: X values (unix seconds) and
// one Y array per named line.
type Series struct {
	Title  string      `json:"title"`
	Names  []string    `json:"names"`
	X      []int64     `json:"x"`
	Y      [][]float64 `json:"y"`
	YLabel string      `json:"ylabel"`
	Bars   bool        `json:"bars,omitempty"`
}

// JSON returns the series as JSON for a data attribute.
func (s *Series) JSON() string {
	b, err := json.Marshal(s)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// trend computes compliance per framework over the stored runs, oldest
// first.
func (l *loader) trend(ctx context.Context, d *Data, t Translator) (*Series, error) {
	s := &Series{Title: t("trend.heading"), YLabel: "%"}
	for _, fw := range findings.Frameworks {
		s.Names = append(s.Names, findings.FrameworkTitle(fw))
		s.Y = append(s.Y, nil)
	}
	for i := len(d.Runs) - 1; i >= 0; i-- {
		r := d.Runs[i]
		c, err := l.runCounts(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", r.ID, err)
		}
		s.X = append(s.X, r.StartedAt.Unix())
		for j, fw := range findings.Frameworks {
			s.Y[j] = append(s.Y[j], round1(c[fw].Compliance()))
		}
	}
	return s, nil
}

func round1(v float64) float64 { return float64(int(v*10+0.5)) / 10 }

// detectionsPerDay counts the stored detections per UTC day and
// severity (high and above, the rest).
func detectionsPerDay(d *Data, t Translator) *Series {
	s := &Series{Title: t("det.perDay"), Names: []string{"critical/high", "medium/low/info"}, Y: [][]float64{nil, nil}, Bars: true}
	type day struct{ hi, lo float64 }
	days := map[int64]*day{}
	for _, it := range d.Triage {
		k := it.Event.EventTime.UTC().Truncate(24 * 3600e9).Unix()
		if days[k] == nil {
			days[k] = &day{}
		}
		if it.Event.Severity.Reaches(severity.High) {
			days[k].hi++
		} else {
			days[k].lo++
		}
	}
	keys := make([]int64, 0, len(days))
	for k := range days {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		s.X = append(s.X, k)
		s.Y[0] = append(s.Y[0], days[k].hi)
		s.Y[1] = append(s.Y[1], days[k].lo)
	}
	return s
}
