package notify

import (
	"strings"
	"time"
)

// Decision is what routing decided for one detection.
type Decision struct {
	// Suppressed is set, with its reason, when a suppression matched; the
	// detection is then recorded but not delivered.
	Suppressed string
	// Targets are the channels to send to, one per channel.
	Targets []Target
	// Triage is set when a triage route matched (or none matched).
	Triage bool
	// Routes names the routes that matched.
	Routes []string
	// Remediate lists remediation actions of matching automatic routes.
	Remediate []string
}

// Target is one message to one channel.
type Target struct {
	Channel string
	Lane    string
	// GroupKey is set when the route groups bursts; alike detections
	// share it. GroupWindow is how long the group collects.
	GroupKey    string
	GroupWindow time.Duration
}

// Route decides where e goes at time now: suppressions first, then every
// matching route in order until one with stop. A detection no route
// matches goes to the default route, or else to the triage queue.
func (c *Config) Route(e *Event, now time.Time) Decision {
	var d Decision
	for _, s := range c.Suppressions {
		if now.Before(s.until) && s.Match.matches(e) {
			d.Suppressed = s.Reason
			return d
		}
	}
	seen := map[string]bool{}
	apply := func(r *Route) {
		d.Routes = append(d.Routes, r.Name)
		if r.Lane == LaneTriage {
			d.Triage = true
		}
		if r.Remediate != "" && r.Lane == LaneAutomatic {
			d.Remediate = append(d.Remediate, r.Remediate)
		}
		for _, ch := range r.Channels {
			if seen[ch] {
				continue
			}
			seen[ch] = true
			dl := Target{Channel: ch, Lane: r.Lane}
			if g := r.Grouping; g != nil && g.Window > 0 {
				dl.GroupKey, dl.GroupWindow = g.key(e), g.Window
			}
			d.Targets = append(d.Targets, dl)
		}
	}
	for _, r := range c.Routes {
		if !r.Match.matches(e) {
			continue
		}
		apply(r)
		if r.Stop {
			break
		}
	}
	if len(d.Routes) == 0 {
		if c.Default != nil {
			apply(c.Default)
		} else {
			d.Triage = true
		}
	}
	return d
}

func (g *Grouping) key(e *Event) string {
	by := g.By
	if len(by) == 0 {
		by = []string{"detectionId", "account", "region", "eventName"}
	}
	parts := make([]string, len(by))
	for i, f := range by {
		parts[i] = groupFields[f](e)
	}
	return strings.Join(parts, "\x1f")
}

func (m *Match) matches(e *Event) bool {
	if e.Severity < m.minSeverity {
		return false
	}
	if len(m.Detections) > 0 && !anyOf(m.Detections, func(p string) bool { return globMatch(p, e.DetectionID) }) {
		return false
	}
	if len(m.Accounts) > 0 && !anyOf(m.Accounts, func(a string) bool { return a == e.Account || (a != "" && a == e.AccountName) }) {
		return false
	}
	if len(m.OUs) > 0 && !anyOf(m.OUs, func(o string) bool { return underOU(e.OU, o) }) {
		return false
	}
	if len(m.Regions) > 0 && !anyOf(m.Regions, func(r string) bool { return r == e.Region }) {
		return false
	}
	if len(m.NistCSF) > 0 && !anyOf(m.NistCSF, func(n string) bool { return csfMatch(n, e.NistCSF) }) {
		return false
	}
	return true
}

func anyOf(list []string, f func(string) bool) bool {
	for _, s := range list {
		if f(s) {
			return true
		}
	}
	return false
}

func globMatch(pattern, s string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(s, p)
	}
	return pattern == s
}

// underOU reports whether path is ou or one of its descendants; "Root"
// matches every account.
func underOU(path, ou string) bool {
	ou = strings.Trim(ou, "/")
	if ou == "Root" {
		return true
	}
	path = strings.TrimPrefix(strings.Trim(path, "/"), "Root/")
	return path == ou || strings.HasPrefix(path, ou+"/")
}

// csfMatch reports whether the detection's NIST CSF value (one or more
// categories such as "DE.CM-01, PR.AA") falls under want, a function
// ("DE") or a category ("DE.CM").
func csfMatch(want, have string) bool {
	want = strings.ToUpper(strings.TrimSpace(want))
	for _, h := range strings.FieldsFunc(have, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		h = strings.ToUpper(h)
		if h == want || strings.HasPrefix(h, want+".") || strings.HasPrefix(h, want+"-") {
			return true
		}
	}
	return false
}

// holdUntil returns when a message of severity sev may be sent to a
// channel with quiet hours q: now, or the end of the quiet window.
func (q *QuietHours) holdUntil(now time.Time, e *Event) time.Time {
	if q == nil || q.loc == nil || e.Severity >= q.urgent || q.start == q.end {
		return now
	}
	t := now.In(q.loc)
	mins := t.Hour()*60 + t.Minute()
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, q.loc)
	var startDay time.Time // the day the current quiet window started
	switch {
	case q.start < q.end && mins >= q.start && mins < q.end:
		startDay = midnight
	case q.start > q.end && mins >= q.start:
		startDay = midnight
	case q.start > q.end && mins < q.end:
		startDay = midnight.AddDate(0, 0, -1)
	default:
		return now
	}
	if q.days != nil && !q.days[startDay.Weekday()] {
		return now
	}
	end := startDay.Add(time.Duration(q.end) * time.Minute)
	if q.start > q.end {
		end = startDay.AddDate(0, 0, 1).Add(time.Duration(q.end) * time.Minute)
	}
	return end
}
