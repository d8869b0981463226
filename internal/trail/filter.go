package trail

import (
	"strconv"
	"strings"
	"time"
)

// deliverySlack is how long after an event CloudTrail may deliver the
// file holding it (typically about five minutes; the file lands in the
// day directory of its delivery). Listings keep day prefixes and file
// stamps up to this much after --until; records are then filtered by
// their own eventTime.
const deliverySlack = 2 * time.Hour

// Filter selects records by account, region and time. Empty fields select
// everything. Since is inclusive, Until exclusive.
type Filter struct {
	Accounts []string
	Regions  []string
	Since    time.Time
	Until    time.Time

	sinceText, untilText string
}

// prepare caches the textual bounds used against eventTime.
func (f *Filter) prepare() {
	if !f.Since.IsZero() {
		f.sinceText = f.Since.UTC().Format(time.RFC3339)
	}
	if !f.Until.IsZero() {
		f.untilText = f.Until.UTC().Format(time.RFC3339)
	}
}

// WantAccount reports whether the account is selected.
func (f *Filter) WantAccount(a string) bool {
	return a == "" || len(f.Accounts) == 0 || has(f.Accounts, a)
}

// WantRegion reports whether the region is selected.
func (f *Filter) WantRegion(r string) bool {
	return r == "" || len(f.Regions) == 0 || has(f.Regions, r)
}

// wantSpan reports whether [from, to) may hold records in range, allowing
// for delivery after the event.
func (f *Filter) wantSpan(from, to time.Time) bool {
	if !f.Since.IsZero() && !to.After(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !from.Before(f.Until.Add(deliverySlack)) {
		return false
	}
	return true
}

// wantStamp reports whether a file delivered at stamp may hold records in
// range: a file holds only events from before its delivery.
func (f *Filter) wantStamp(stamp time.Time) bool {
	if stamp.IsZero() {
		return true
	}
	if !f.Since.IsZero() && stamp.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !stamp.Before(f.Until.Add(deliverySlack)) {
		return false
	}
	return true
}

// WantObject reports whether an object listed at loc may hold records in
// range.
func (f *Filter) WantObject(loc Location) bool {
	if !f.WantAccount(loc.Account) || !f.WantRegion(loc.Region) {
		return false
	}
	if !loc.Day.IsZero() && !f.wantSpan(loc.Day, loc.Day.AddDate(0, 0, 1)) {
		return false
	}
	return f.wantStamp(loc.Stamp)
}

// WantTime reports whether a record's eventTime (RFC 3339 text, UTC) is in
// range. Records without a time pass only an unbounded filter.
func (f *Filter) WantTime(eventTime []byte) bool {
	if f.sinceText == "" && f.untilText == "" {
		return true
	}
	if len(eventTime) == 0 {
		return false
	}
	t := string(eventTime)
	if f.sinceText != "" && t < f.sinceText {
		return false
	}
	if f.untilText != "" && t >= f.untilText {
		return false
	}
	return true
}

// descend decides, from the path of a directory relative to the source
// root, whether a listing should enter it. Inside AWSLogs it follows the
// CloudTrail layout and prunes by account, kind, region and date; outside
// it enters everything.
func (f *Filter) descend(segs []string, kinds Kind) bool {
	i := indexOf(segs, dirRoot)
	if i < 0 {
		return true
	}
	rest := segs[i+1:]
	if len(rest) == 0 {
		return true
	}
	if isOrgID(rest[0]) {
		rest = rest[1:]
	}
	switch {
	case len(rest) == 0:
		return true
	case len(rest) == 1:
		return f.WantAccount(rest[0])
	case len(rest) == 2:
		return (rest[1] == dirLogs && kinds&KindLog != 0) || (rest[1] == dirDigests && kinds&KindDigest != 0)
	case len(rest) == 3:
		return f.WantRegion(rest[2])
	}
	return f.wantDate(rest[3:])
}

// wantDate prunes the YYYY, YYYY/MM and YYYY/MM/DD levels.
func (f *Filter) wantDate(parts []string) bool {
	n := len(parts)
	if n > 3 {
		n = 3
	}
	v := [3]int{0, 1, 1}
	for k := 0; k < n; k++ {
		x, err := strconv.Atoi(strings.TrimSpace(parts[k]))
		if err != nil {
			return true // not a date level: do not guess
		}
		v[k] = x
	}
	from := time.Date(v[0], time.Month(v[1]), v[2], 0, 0, 0, 0, time.UTC)
	var to time.Time
	switch n {
	case 1:
		to = from.AddDate(1, 0, 0)
	case 2:
		to = from.AddDate(0, 1, 0)
	default:
		to = from.AddDate(0, 0, 1)
	}
	return f.wantSpan(from, to)
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
