package notify

import (
	"fmt"
	"github.com/orgrail/orgrail/internal/i18n"
	"reflect"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/severity"
)

// checkKeys reports mapping keys of n that t (a struct) has no yaml field for.
func checkKeys(n *yaml.Node, t reflect.Type) error {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	known := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			known[tag] = true
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !known[k.Value] {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			sort.Strings(names)
			return fmt.Errorf("%d:%d: unknown key %q (known: %s)", k.Line, k.Column, k.Value, strings.Join(names, ", "))
		}
	}
	return nil
}

// UnmarshalYAML decodes a channel, rejecting unknown keys and keeping its position.
func (c *ChannelConfig) UnmarshalYAML(n *yaml.Node) error {
	type plain ChannelConfig
	if err := checkKeys(n, reflect.TypeOf(plain{})); err != nil {
		return err
	}
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.pos = fmt.Sprintf("%d:%d", n.Line, n.Column)
	return nil
}

// UnmarshalYAML decodes a route, rejecting unknown keys and keeping its position.
func (r *Route) UnmarshalYAML(n *yaml.Node) error {
	type plain Route
	if err := checkKeys(n, reflect.TypeOf(plain{})); err != nil {
		return err
	}
	if err := n.Decode((*plain)(r)); err != nil {
		return err
	}
	r.pos = fmt.Sprintf("%d:%d", n.Line, n.Column)
	return nil
}

// UnmarshalYAML decodes a match, rejecting unknown keys.
func (m *Match) UnmarshalYAML(n *yaml.Node) error {
	type plain Match
	if err := checkKeys(n, reflect.TypeOf(plain{})); err != nil {
		return err
	}
	return n.Decode((*plain)(m))
}

// UnmarshalYAML decodes a suppression, rejecting unknown keys and keeping its position.
func (s *Suppression) UnmarshalYAML(n *yaml.Node) error {
	type plain Suppression
	if err := checkKeys(n, reflect.TypeOf(plain{})); err != nil {
		return err
	}
	if err := n.Decode((*plain)(s)); err != nil {
		return err
	}
	s.pos = fmt.Sprintf("%d:%d", n.Line, n.Column)
	return nil
}

// channelTypes lists the channel types and what each requires.
var channelTypes = map[string]func(c *ChannelConfig) string{
	"slack":   needURL,
	"teams":   needURL,
	"webhook": needURL,
	"slack-api": func(c *ChannelConfig) string {
		return need(c.Channel != "" && (c.TokenEnv != "" || c.TokenSecret != ""), "channel and tokenEnv or tokenSecret")
	},
	"sns": func(c *ChannelConfig) string { return need(c.TopicARN != "", "topicArn") },
	"email": func(c *ChannelConfig) string {
		return need(c.Addr != "" && c.From != "" && len(c.To) > 0, "addr, from and to")
	},
}

func needURL(c *ChannelConfig) string {
	return need(c.URL != "" || c.URLEnv != "" || c.URLSecret != "", "url, urlEnv or urlSecret")
}

// secretRefs are a channel's *Secret fields by YAML name.
func (c *ChannelConfig) secretRefs() map[string]string {
	return map[string]string{"urlSecret": c.URLSecret, "tokenSecret": c.TokenSecret, "secretSecret": c.SecretSecret,
		"usernameSecret": c.UsernameSecret, "passwordSecret": c.PasswordSecret}
}

// UsesSecretRefs reports whether a channel reads a secret from Secrets
// Manager or SSM (and so needs AWS clients).
func (c *Config) UsesSecretRefs() bool {
	for _, ch := range c.Channels {
		for _, ref := range ch.secretRefs() {
			if ref != "" {
				return true
			}
		}
	}
	return false
}

func need(ok bool, what string) string {
	if ok {
		return ""
	}
	return "needs " + what
}

// prepare validates the merged configuration and compiles what routing
// evaluates (severities, quiet hours, expiry times).
func (c *Config) prepare(now time.Time) []string {
	var errs []string
	add := func(pos, f string, a ...any) { errs = append(errs, pos+": "+fmt.Sprintf(f, a...)) }
	names := make([]string, 0, len(c.Channels))
	for n := range c.Channels {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ch := c.Channels[n]
		check, ok := channelTypes[ch.Type]
		if !ok {
			add(ch.pos, "channel %q: type %q (want slack, slack-api, teams, webhook, sns or email)", n, ch.Type)
			continue
		}
		if msg := check(ch); msg != "" {
			add(ch.pos, "channel %q (%s) %s", n, ch.Type, msg)
		}
		for field, ref := range ch.secretRefs() {
			if _, _, err := parseSecretRef(ref); ref != "" && err != nil {
				add(ch.pos, "channel %q: %s: %v", n, field, err)
			}
		}
		if ch.Lang == "" {
			ch.Lang = c.Lang
		}
		if _, err := i18n.Parse(ch.Lang); ch.Lang != "" && err != nil {
			add(ch.pos, "channel %q: lang: %v", n, err)
		}
		if ch.QuietHours != nil {
			if err := ch.QuietHours.prepare(); err != nil {
				add(ch.pos, "channel %q: quietHours: %v", n, err)
			}
		}
	}
	routes := c.Routes
	if c.Default != nil {
		routes = append(routes[:len(routes):len(routes)], c.Default)
	}
	for i, r := range routes {
		label := r.Name
		if label == "" {
			label = fmt.Sprintf("#%d", i+1)
		}
		switch r.Lane {
		case "":
			r.Lane = LaneAutomatic
		case LaneAutomatic, LaneTriage:
		default:
			add(r.pos, "route %s: lane %q (want automatic or triage)", label, r.Lane)
		}
		if len(r.Channels) == 0 && r.Lane == LaneAutomatic {
			add(r.pos, "route %s: an automatic route needs channels", label)
		}
		for _, ch := range r.Channels {
			if _, ok := c.Channels[ch]; !ok {
				add(r.pos, "route %s: channel %q is not defined under channels", label, ch)
			}
		}
		if err := r.Match.prepare(); err != nil {
			add(r.pos, "route %s: %v", label, err)
		}
		if r.Grouping == nil {
			r.Grouping = c.Grouping
		}
		if err := r.Grouping.check(); err != nil {
			add(r.pos, "route %s: grouping: %v", label, err)
		}
	}
	for _, s := range c.Suppressions {
		if err := s.prepare(); err != nil {
			add(s.pos, "suppression: %v", err)
		}
	}
	if c.Delivery.MaxAttempts <= 0 {
		c.Delivery.MaxAttempts = 10
	}
	if c.Delivery.Backoff <= 0 {
		c.Delivery.Backoff = 2 * time.Second
	}
	if c.Delivery.MaxBackoff <= 0 {
		c.Delivery.MaxBackoff = 10 * time.Minute
	}
	return errs
}

func (m *Match) prepare() error {
	if m.Severity == "" {
		m.minSeverity = severity.Informational
		return nil
	}
	l, err := severity.Parse(strings.TrimSuffix(m.Severity, "+"))
	if err != nil {
		return fmt.Errorf("match.severity: %w", err)
	}
	m.minSeverity = l
	return nil
}

// groupFields are the fields Grouping.By may name.
var groupFields = map[string]func(e *Event) string{
	"detectionId": func(e *Event) string { return e.DetectionID },
	"account":     func(e *Event) string { return e.Account },
	"region":      func(e *Event) string { return e.Region },
	"eventName":   func(e *Event) string { return e.EventName },
	"principal":   func(e *Event) string { return e.Principal },
	"sourceIp":    func(e *Event) string { return e.SourceIP },
}

func (g *Grouping) check() error {
	if g == nil {
		return nil
	}
	if g.Window < 0 {
		return fmt.Errorf("window %s is negative", g.Window)
	}
	for _, f := range g.By {
		if _, ok := groupFields[f]; !ok {
			return fmt.Errorf("by: unknown field %q (want detectionId, account, region, eventName, principal or sourceIp)", f)
		}
	}
	return nil
}

func (s *Suppression) prepare() error {
	if strings.TrimSpace(s.Reason) == "" {
		return fmt.Errorf("needs a reason")
	}
	if s.Until == "" {
		return fmt.Errorf("needs until (a date or RFC 3339 time): suppressions must expire")
	}
	t, err := time.Parse(time.RFC3339, s.Until)
	if err != nil {
		d, err2 := time.Parse(time.DateOnly, s.Until)
		if err2 != nil {
			return fmt.Errorf("until %q: want YYYY-MM-DD or an RFC 3339 time", s.Until)
		}
		t = d.Add(24 * time.Hour) // through the end of that day, UTC
	}
	s.until = t
	return s.Match.prepare()
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

func (q *QuietHours) prepare() error {
	var err error
	if q.start, err = clock(q.Start); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if q.end, err = clock(q.End); err != nil {
		return fmt.Errorf("end: %w", err)
	}
	q.loc = time.UTC
	if q.Timezone != "" {
		if q.loc, err = time.LoadLocation(q.Timezone); err != nil {
			return fmt.Errorf("timezone: %w", err)
		}
	}
	q.urgent = severity.Critical
	if q.Urgent != "" {
		if q.urgent, err = severity.Parse(q.Urgent); err != nil {
			return fmt.Errorf("urgent: %w", err)
		}
	}
	if len(q.Days) > 0 {
		q.days = map[time.Weekday]bool{}
		for _, d := range q.Days {
			wd, ok := weekdays[strings.ToLower(d)[:min(3, len(d))]]
			if !ok {
				return fmt.Errorf("days: %q is not a weekday", d)
			}
			q.days[wd] = true
		}
	}
	return nil
}

func clock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q: want HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}
