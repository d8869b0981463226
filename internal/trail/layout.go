package trail

import (
	"strconv"
	"strings"
	"time"
)

// Kind says what an object in a CloudTrail archive holds.
type Kind uint8

// The kinds of object a source lists.
const (
	KindLog    Kind = 1 << iota // CloudTrail log file (records)
	KindDigest                  // CloudTrail-Digest file
	KindEvents                  // JSON Lines of EventBridge events
)

// Service directory names under AWSLogs/<account>/.
const (
	dirLogs    = "CloudTrail"
	dirDigests = "CloudTrail-Digest"
	dirRoot    = "AWSLogs"
)

// Location is what an object's key says about it: the organization,
// account, region and day of the CloudTrail layout, and the delivery
// time in the file name. Fields are empty (or zero) when the key does not
// say.
type Location struct {
	OrgID   string
	Account string
	Region  string
	Kind    Kind
	// Day is the YYYY/MM/DD of the key, midnight UTC.
	Day time.Time
	// Stamp is the delivery (or digest end) time in the file name.
	Stamp time.Time
}

// ParseKey reads the CloudTrail layout out of a slash-separated key:
// AWSLogs/[<o-id>/]<account>/CloudTrail[-Digest]/<region>/YYYY/MM/DD/<file>,
// and the file name <account>_CloudTrail[-Digest]_<region>_<stamp>_….
// Keys outside the layout yield what the file name alone says.
func ParseKey(key string) Location {
	var loc Location
	segs := strings.Split(key, "/")
	name := segs[len(segs)-1]
	parseFileName(name, &loc)
	if isEventsFile(name) {
		loc.Kind = KindEvents
		return loc
	}
	i := indexOf(segs[:len(segs)-1], dirRoot)
	if i < 0 {
		if loc.Kind == 0 {
			loc.Kind = KindLog
		}
		return loc
	}
	rest := segs[i+1 : len(segs)-1]
	if len(rest) > 0 && isOrgID(rest[0]) {
		loc.OrgID = rest[0]
		rest = rest[1:]
	}
	if len(rest) > 0 {
		loc.Account = rest[0]
	}
	if len(rest) > 1 {
		switch rest[1] {
		case dirLogs:
			loc.Kind = KindLog
		case dirDigests:
			loc.Kind = KindDigest
		default:
			loc.Kind = 0
		}
	}
	if len(rest) > 2 {
		loc.Region = rest[2]
	}
	if len(rest) > 5 {
		y, e1 := strconv.Atoi(rest[3])
		m, e2 := strconv.Atoi(rest[4])
		d, e3 := strconv.Atoi(rest[5])
		if e1 == nil && e2 == nil && e3 == nil {
			loc.Day = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		}
	}
	return loc
}

// parseFileName reads <account>_CloudTrail[-Digest]_<region>_<stamp>_…
// into loc, leaving it unchanged for other names.
func parseFileName(name string, loc *Location) {
	parts := strings.SplitN(name, "_", 5)
	if len(parts) < 4 || !isAccountID(parts[0]) {
		return
	}
	switch parts[1] {
	case dirLogs:
		loc.Kind = KindLog
	case dirDigests:
		loc.Kind = KindDigest
	default:
		return
	}
	loc.Account = parts[0]
	loc.Region = parts[2]
	stamp := parts[3]
	if loc.Kind == KindDigest {
		// Digest names repeat the region before the stamp:
		// <acct>_CloudTrail-Digest_<region>_<trail>_<region>_<stamp>.json.gz.
		stamp = lastStamp(name)
	}
	for _, layout := range []string{"20060102T1504Z", "20060102T150405Z"} {
		if t, err := time.Parse(layout, stamp); err == nil {
			loc.Stamp = t
			return
		}
	}
}

// lastStamp returns the last _-separated part of name before its
// extension.
func lastStamp(name string) string {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".json")
	if i := strings.LastIndexByte(base, '_'); i >= 0 {
		return base[i+1:]
	}
	return base
}

func indexOf(segs []string, s string) int {
	for i, x := range segs {
		if x == s {
			return i
		}
	}
	return -1
}

func isOrgID(s string) bool { return strings.HasPrefix(s, "o-") && len(s) > 2 }

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isRecordFile reports whether a file name looks like CloudTrail records
// (.json, .json.gz, .gz) or EventBridge events (.jsonl, .jsonl.gz).
func isRecordFile(name string) bool {
	return strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".gz") || isEventsFile(name)
}

// isEventsFile reports whether a file name is JSON Lines.
func isEventsFile(name string) bool {
	name = strings.TrimSuffix(name, ".gz")
	return strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".ndjson")
}
