// Package runbook renders the operator runbooks (account vending,
// response to a guardrail violation, incident handling) and the user
// guide of the platform from the landing-zone configuration, as Markdown
// in English or Japanese. The facts come from the configuration (who
// approves, which OUs, standards, channels and triage lanes); the prose
// and the commands to run are embedded templates, one per language.
package runbook

import (
	"fmt"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/detect"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/rules"
)

// Data is what the templates read: the facts of one configuration.
type Data struct {
	Lang       i18n.Lang
	ConfigDir  string
	OrgID      string
	Mode       string
	HomeRegion string

	Management, Audit, LogArchive string

	AllowedRegions   []string
	RequiredTags     []string
	LogRetentionDays int
	Services         []string
	DelegatedAdmins  []config.DelegatedAdmin
	// HubStandards are the Security Hub standards of the baseline.
	HubStandards []string
	// LogSource is the Log Archive as trail commands take it
	// (s3://bucket/AWSLogs/ORG-ID), or a placeholder.
	LogSource string

	OUs         []OU
	WorkloadOUs []string
	VendingOU   string
	Ops         config.Operations

	Channels     []Channel
	Routes       []Route
	DefaultRoute *Route
	Suppressions int

	PermissionSets []PermissionSet
	Detections     []Detection
	DetectionCount int
	RuleCount      int
	Guardrails     []Guardrail
}

// OU is one organizational unit with what applies to it.
type OU struct {
	Path        string
	Description string
	Policies    []string // "name (TYPE)" attached directly
	Accounts    int      // accounts placed directly in it
}

// Channel is one notification channel, without its secrets.
type Channel struct {
	Name, Type, Dest, Lang string
	QuietHours             string
}

// Route is one notification route in words.
type Route struct {
	Name     string
	Match    string
	Channels []string
	Lane     string
}

// PermissionSet is one Identity Center permission set and who holds it.
type PermissionSet struct {
	Name, Description, Session string
	Holders                    []string // "group → accounts/OUs"
}

// Detection is one built-in detection as the guide lists it.
type Detection struct {
	ID, Title, Severity string
}

// Guardrail is one preventive policy (SCP or RCP) and its targets.
type Guardrail struct {
	Name, Type, Description string
	Targets                 []string
}

// Build collects the data of the configuration c for language l. The
// notifications section is decoded (and must be valid); a configuration
// without one yields no channels and every detection in the triage queue.
func Build(c *config.Config, l i18n.Lang) (*Data, error) {
	d := &Data{Lang: l, ConfigDir: c.Dir, OrgID: c.Organization.ID, Mode: c.Organization.Mode,
		HomeRegion: c.Organization.HomeRegion, Management: c.Organization.ManagementAccount,
		Audit: c.Security.AuditAccount, LogArchive: c.Security.LogArchiveAccount,
		AllowedRegions: c.Standards.AllowedRegions, RequiredTags: c.Standards.RequiredTags,
		LogRetentionDays: c.Standards.LogRetentionDays, Services: c.Security.Services,
		DelegatedAdmins: c.Organization.DelegatedAdministrators, Ops: c.Operations}
	if d.Mode == "" {
		d.Mode = config.ModeOrganizations
	}
	d.HubStandards = c.Baseline.SecurityHub.Standards
	if len(d.HubStandards) == 0 {
		d.HubStandards = []string{"fsbp", "cis"}
	}
	d.LogSource = logSource(c)
	d.buildOUs(c)
	d.buildGuardrails(c)
	if err := d.buildNotifications(c); err != nil {
		return nil, err
	}
	d.buildIdentity(c)
	if err := d.buildDetections(l); err != nil {
		return nil, err
	}
	d.RuleCount = len(rules.Builtin())
	return d, nil
}

func (d *Data) buildOUs(c *config.Config) {
	ous := append([]config.OU{{Path: "Root", Description: i18n.T(d.Lang, "runbook.root")}}, c.OUs...)
	for _, ou := range ous {
		o := OU{Path: ou.Path, Description: ou.Description}
		for _, p := range c.Policies {
			if p.AWSManaged {
				continue // FullAWSAccess and its kind are everywhere
			}
			for _, t := range p.Targets {
				if t == ou.Path {
					o.Policies = append(o.Policies, fmt.Sprintf("%s (%s)", p.Name, p.Type))
				}
			}
		}
		for _, a := range c.Accounts {
			if a.OU == ou.Path {
				o.Accounts++
			}
		}
		d.OUs = append(d.OUs, o)
		if strings.HasPrefix(ou.Path, "Workloads/") {
			d.WorkloadOUs = append(d.WorkloadOUs, ou.Path)
		}
	}
	d.VendingOU = c.Operations.VendingOU
	if d.VendingOU == "" && len(d.WorkloadOUs) > 0 {
		d.VendingOU = d.WorkloadOUs[len(d.WorkloadOUs)-1]
		for _, p := range d.WorkloadOUs {
			if strings.HasSuffix(strings.ToLower(p), "/dev") {
				d.VendingOU = p
			}
		}
	}
	if d.VendingOU == "" {
		d.VendingOU = "Root"
	}
}

func (d *Data) buildGuardrails(c *config.Config) {
	for _, p := range c.Policies {
		if p.AWSManaged || p.Type != "SERVICE_CONTROL_POLICY" && p.Type != "RESOURCE_CONTROL_POLICY" {
			continue
		}
		d.Guardrails = append(d.Guardrails, Guardrail{Name: p.Name, Type: p.Type, Description: p.Description, Targets: p.Targets})
	}
}

func (d *Data) buildNotifications(c *config.Config) error {
	nc, err := notify.Decode(c.Notifications)
	if err != nil {
		return fmt.Errorf("runbook: %w", err)
	}
	names := make([]string, 0, len(nc.Channels))
	for n := range nc.Channels {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cc := nc.Channels[n]
		ch := Channel{Name: n, Type: cc.Type, Dest: channelDest(cc), Lang: cc.Lang}
		if ch.Lang == "" {
			ch.Lang = "en"
		}
		if q := cc.QuietHours; q != nil {
			ch.QuietHours = strings.TrimSpace(fmt.Sprintf("%s–%s %s %s", q.Start, q.End, q.Timezone, strings.Join(q.Days, ",")))
		}
		d.Channels = append(d.Channels, ch)
	}
	for i, r := range nc.Routes {
		d.Routes = append(d.Routes, routeOf(r, i, d.Lang))
	}
	if nc.Default != nil {
		r := routeOf(nc.Default, -1, d.Lang)
		d.DefaultRoute = &r
	}
	d.Suppressions = len(nc.Suppressions)
	return nil
}

// channelDest names where a channel delivers without revealing a
// secret: webhook URLs are credentials and are never shown.
func channelDest(cc *notify.ChannelConfig) string {
	switch cc.Type {
	case "slack-api":
		return cc.Channel
	case "sns":
		return cc.TopicARN
	case "email":
		return strings.Join(cc.To, ", ")
	}
	return ""
}

func routeOf(r *notify.Route, i int, l i18n.Lang) Route {
	out := Route{Name: r.Name, Channels: r.Channels, Lane: r.Lane}
	if out.Name == "" {
		out.Name = fmt.Sprintf("#%d", i+1)
	}
	if out.Lane == "" {
		out.Lane = notify.LaneAutomatic
	}
	m := r.Match
	var parts []string
	add := func(key string, vs ...string) {
		if len(vs) > 0 && vs[0] != "" {
			parts = append(parts, i18n.T(l, "runbook.match."+key, strings.Join(vs, ", ")))
		}
	}
	sev := m.Severity
	if sev != "" && i18n.Has("severity."+sev) {
		sev = i18n.T(l, "severity."+sev)
	}
	add("severity", sev)
	add("detections", m.Detections...)
	add("accounts", m.Accounts...)
	add("ous", m.OUs...)
	add("regions", m.Regions...)
	add("nist", m.NistCSF...)
	if len(parts) == 0 {
		parts = append(parts, i18n.T(l, "runbook.match.all"))
	}
	out.Match = strings.Join(parts, i18n.T(l, "runbook.match.and"))
	return out
}

func (d *Data) buildIdentity(c *config.Config) {
	for _, ps := range c.Identity.PermissionSets {
		p := PermissionSet{Name: ps.Name, Description: ps.Description, Session: ps.SessionDuration}
		if p.Session == "" {
			p.Session = "PT1H"
		}
		for _, a := range c.Identity.Assignments {
			if a.PermissionSet != ps.Name {
				continue
			}
			who := append(append([]string(nil), a.Groups...), a.Users...)
			where := append(append([]string(nil), a.Accounts...), a.OUs...)
			p.Holders = append(p.Holders, strings.Join(who, ", ")+" → "+strings.Join(where, ", "))
		}
		d.PermissionSets = append(d.PermissionSets, p)
	}
}

func (d *Data) buildDetections(l i18n.Lang) error {
	rs, err := detect.Builtin()
	if err != nil {
		return fmt.Errorf("runbook: %w", err)
	}
	for _, r := range rs {
		d.Detections = append(d.Detections, Detection{ID: r.ID, Title: r.TitleIn(l), Severity: r.Severity.String()})
	}
	d.DetectionCount = len(d.Detections)
	return nil
}

// logSource returns the trail commands' --source for the configuration's
// Log Archive bucket: the baseline's bucket name, or its default when
// the Log Archive account id is known, or a placeholder.
func logSource(c *config.Config) string {
	bucket := c.Baseline.LogArchive.BucketName
	if bucket == "" {
		if a := c.Account(c.Security.LogArchiveAccount); a != nil && a.ID != "" && c.Organization.HomeRegion != "" {
			bucket = "orgrail-logs-" + a.ID + "-" + c.Organization.HomeRegion
		}
	}
	if bucket == "" {
		return "s3://LOG-ARCHIVE-BUCKET/AWSLogs/"
	}
	if c.Organization.ID != "" {
		return "s3://" + bucket + "/AWSLogs/" + c.Organization.ID + "/"
	}
	return "s3://" + bucket + "/AWSLogs/"
}
