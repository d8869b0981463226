package notify

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/severity"
)

// Lanes of a route: automatic deliveries go out at once; triage items
// wait in the triage queue for a person to acknowledge or dismiss them.
const (
	LaneAutomatic = "automatic"
	LaneTriage    = "triage"
)

// Config is the notifications: section of the landing-zone configuration.
type Config struct {
	// Channels are the destinations, by name.
	Channels map[string]*ChannelConfig `yaml:"channels"`
	// Routes are evaluated in order; every matching route applies until
	// one with Stop set matches.
	Routes []*Route `yaml:"routes"`
	// Default applies to detections no route matches. Without it such
	// detections go to the triage queue, so that none is lost.
	Default *Route `yaml:"default"`
	// Suppressions silence matching detections until they expire.
	Suppressions []*Suppression `yaml:"suppressions"`
	// Grouping is the default burst grouping of routes that set none.
	Grouping *Grouping `yaml:"grouping"`
	// Delivery tunes retries.
	Delivery Delivery `yaml:"delivery"`
	// Lang is the language of the messages (ja or en; default en) of
	// channels that set none.
	Lang string `yaml:"lang"`
}

// ChannelConfig is one destination. Secrets (webhook URLs, tokens,
// signing keys, SMTP passwords) are read from the environment variable
// named by the *Env field, or from Secrets Manager or SSM Parameter
// Store by the reference in the *Secret field (a secret ARN, an SSM
// parameter ARN, or ssm:/path/name), so that they stay out of the
// configuration and, on Lambda, out of the function's environment.
type ChannelConfig struct {
	Name string `yaml:"-"`
	// Type is slack, slack-api, teams, webhook, sns or email.
	Type string `yaml:"type"`
	// URL (or the variable URLEnv names) is the webhook URL of slack,
	// teams and webhook channels, or the Slack API base URL of slack-api.
	URL       string `yaml:"url"`
	URLEnv    string `yaml:"urlEnv"`
	URLSecret string `yaml:"urlSecret"`
	// TokenEnv names the variable holding the Slack bot token (slack-api);
	// TokenSecret references it in Secrets Manager or SSM.
	TokenEnv    string `yaml:"tokenEnv"`
	TokenSecret string `yaml:"tokenSecret"`
	// Channel is the Slack channel id (slack-api).
	Channel string `yaml:"channel"`
	// SecretEnv names the variable holding the HMAC key (webhook);
	// SecretSecret references it in Secrets Manager or SSM.
	SecretEnv    string `yaml:"secretEnv"`
	SecretSecret string `yaml:"secretSecret"`
	// SignatureHeader is the header carrying the HMAC-SHA256 signature
	// (webhook); default X-Orgrail-Signature-256.
	SignatureHeader string `yaml:"signatureHeader"`
	// TopicARN is the SNS topic (sns).
	TopicARN string `yaml:"topicArn"`
	// SMTP settings (email). Addr is host:port of a server that offers
	// STARTTLS; mail is never sent in clear text.
	Addr        string   `yaml:"addr"`
	From        string   `yaml:"from"`
	To          []string `yaml:"to"`
	UsernameEnv string   `yaml:"usernameEnv"`
	PasswordEnv string   `yaml:"passwordEnv"`
	// UsernameSecret and PasswordSecret reference the SMTP credentials
	// in Secrets Manager or SSM.
	UsernameSecret string `yaml:"usernameSecret"`
	PasswordSecret string `yaml:"passwordSecret"`
	// CAFile is a PEM bundle to trust for the SMTP server's certificate,
	// in addition to the system roots.
	CAFile string `yaml:"caFile"`
	// QuietHours hold non-urgent messages for this channel.
	QuietHours *QuietHours `yaml:"quietHours"`
	// RatePerMinute caps messages per minute (0: no cap; slack defaults to 60).
	RatePerMinute int `yaml:"ratePerMinute"`
	// Lang is the language of the channel's messages: ja or en (default:
	// the notifications section's lang, else en).
	Lang string `yaml:"lang"`

	pos string
}

// Match selects detections. Empty fields match everything; a list
// matches when any element does.
type Match struct {
	// Severity is the lowest severity that matches.
	Severity string `yaml:"severity"`
	// Detections are detection ids; a trailing * matches a prefix.
	Detections []string `yaml:"detections"`
	// Accounts are account ids or names.
	Accounts []string `yaml:"accounts"`
	// OUs are OU paths; an OU matches its descendants too.
	OUs []string `yaml:"ous"`
	// Regions are region names.
	Regions []string `yaml:"regions"`
	// NistCSF are NIST CSF 2.0 functions (DE) or categories (DE.CM).
	NistCSF []string `yaml:"nistCsf"`

	minSeverity severity.Level
}

// Route sends matching detections to channels in a lane.
type Route struct {
	Name     string    `yaml:"name"`
	Match    Match     `yaml:"match"`
	Channels []string  `yaml:"channels"`
	Lane     string    `yaml:"lane"`
	Grouping *Grouping `yaml:"grouping"`
	// Stop ends route evaluation when this route matches.
	Stop bool `yaml:"stop"`
	// Remediate names a remediation action run for automatic-lane
	// detections, once remediation actions exist.
	Remediate string `yaml:"remediate"`

	pos string
}

// Grouping folds a burst of alike detections into one message with a
// count. A grouped message waits Window after the first detection of its
// group; every alike detection in that time adds to its count.
type Grouping struct {
	// By lists the fields that make detections alike: detectionId,
	// account, region, eventName, principal, sourceIp. Default
	// detectionId, account, region, eventName.
	By []string `yaml:"by"`
	// Window is how long a group collects (e.g. 5m). Zero turns grouping off.
	Window time.Duration `yaml:"window"`
}

// QuietHours is a daily window in which messages below Urgent wait for
// the window's end. Start and End are HH:MM in Timezone; End before
// Start spans midnight.
type QuietHours struct {
	Start    string   `yaml:"start"`
	End      string   `yaml:"end"`
	Timezone string   `yaml:"timezone"`
	Days     []string `yaml:"days"`
	// Urgent is the lowest severity sent even in quiet hours (default critical).
	Urgent string `yaml:"urgent"`

	loc        *time.Location
	start, end int // minutes after midnight
	urgent     severity.Level
	days       map[time.Weekday]bool
}

// Suppression silences matching detections until Until. Suppressed
// detections are recorded, not delivered.
type Suppression struct {
	Match  Match  `yaml:"match"`
	Until  string `yaml:"until"`
	Reason string `yaml:"reason"`

	until time.Time
	pos   string
}

// Delivery tunes the outbox's retries.
type Delivery struct {
	// MaxAttempts before a message is parked (default 10).
	MaxAttempts int `yaml:"maxAttempts"`
	// Backoff is the first retry delay (default 2s); it doubles up to MaxBackoff (default 10m).
	Backoff    time.Duration `yaml:"backoff"`
	MaxBackoff time.Duration `yaml:"maxBackoff"`
}

// Decode reads the notifications: section, every file's part in order,
// and validates it. Channels and routes from several files are merged;
// a channel defined twice is an error.
func Decode(sec config.Section) (*Config, error) {
	c := &Config{Channels: map[string]*ChannelConfig{}}
	var errs []string
	for _, p := range sec.Parts {
		var part Config
		if err := checkKeys(p.Node, reflect.TypeOf(part)); err != nil {
			errs = append(errs, fmt.Sprintf("%s:%v", p.File, err))
			continue
		}
		if err := p.Node.Decode(&part); err != nil {
			errs = append(errs, fmt.Sprintf("%s: notifications: %v", p.File, err))
			continue
		}
		errs = append(errs, c.merge(&part, p.File)...)
	}
	errs = append(errs, c.prepare(time.Now())...)
	if len(errs) > 0 {
		return c, fmt.Errorf("notifications configuration:\n  %s", strings.Join(errs, "\n  "))
	}
	return c, nil
}

// DecodeYAML decodes a notifications: section from YAML text, the
// mapping itself (without the notifications: key). It serves tests.
func DecodeYAML(file string, data []byte) (*Config, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(n.Content) == 0 {
		return Decode(config.Section{})
	}
	return Decode(config.Section{Parts: []config.Part{{File: file, Node: n.Content[0]}}})
}

func (c *Config) merge(p *Config, file string) []string {
	var errs []string
	names := make([]string, 0, len(p.Channels))
	for n := range p.Channels {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ch := p.Channels[n]
		if ch == nil {
			ch = &ChannelConfig{}
		}
		ch.Name, ch.pos = n, file+":"+ch.pos
		if prev, dup := c.Channels[n]; dup {
			errs = append(errs, fmt.Sprintf("%s: channel %q is already defined at %s", ch.pos, n, prev.pos))
			continue
		}
		c.Channels[n] = ch
	}
	for _, r := range p.Routes {
		if r != nil {
			r.pos = file + ":" + r.pos
			c.Routes = append(c.Routes, r)
		}
	}
	for _, s := range p.Suppressions {
		if s != nil {
			s.pos = file + ":" + s.pos
			c.Suppressions = append(c.Suppressions, s)
		}
	}
	if p.Default != nil {
		p.Default.pos = file + ":" + p.Default.pos
		c.Default = p.Default
	}
	if p.Grouping != nil {
		c.Grouping = p.Grouping
	}
	if p.Delivery != (Delivery{}) {
		c.Delivery = p.Delivery
	}
	if p.Lang != "" {
		c.Lang = p.Lang
	}
	return errs
}
