package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/severity"
)

const routingConfig = `
channels:
  soc: {type: webhook, url: https://hooks.example/soc}
  prod: {type: slack, urlEnv: PROD_SLACK, quietHours: {start: "22:00", end: "07:00", timezone: Europe/Berlin, urgent: critical}}
  mail: {type: email, addr: "smtp.example:587", from: a@example.com, to: [b@example.com]}
routes:
  - name: critical
    match: {severity: critical}
    channels: [soc]
    stop: true
  - name: prod
    match: {ous: [Workloads/Prod], severity: high}
    channels: [prod]
  - name: identity
    match: {nistCsf: [PR.AA], detections: ["ORG-IAM-*"]}
    channels: [mail]
    lane: triage
  - name: eu
    match: {regions: [eu-west-1], accounts: [sandbox]}
    channels: [soc]
suppressions:
  - match: {detections: [ORG-EC2-001], accounts: ["444455556666"]}
    until: 2099-01-01
    reason: load test account
  - match: {detections: [ORG-EC2-001]}
    until: 2020-01-01
    reason: expired long ago
`

func TestRoute(t *testing.T) {
	cfg, err := DecodeYAML("n.yaml", []byte(routingConfig))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		edit     func(e *Event)
		channels string
		triage   bool
		supp     bool
	}{
		{"prod high", func(e *Event) {}, "prod", false, false},
		{"prod descendant OU", func(e *Event) { e.OU = "Workloads/Prod/Payments" }, "prod", false, false},
		{"critical stops", func(e *Event) { e.Severity = severity.Critical }, "soc", false, false},
		{"medium prod: nothing matches, triage", func(e *Event) { e.Severity = severity.Medium }, "", true, false},
		{"identity triage", func(e *Event) { e.DetectionID, e.NistCSF, e.OU = "ORG-IAM-007", "PR.AA-01", "Sandbox" }, "mail", true, false},
		{"account by name", func(e *Event) { e.OU, e.AccountName = "Sandbox", "sandbox" }, "soc", false, false},
		{"suppressed", func(e *Event) { e.Account = "444455556666" }, "", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := sampleEvent("e1")
			tc.edit(e)
			d := cfg.Route(e, now)
			var chans []string
			for _, tg := range d.Targets {
				chans = append(chans, tg.Channel)
			}
			if got := strings.Join(chans, ","); got != tc.channels || d.Triage != tc.triage || (d.Suppressed != "") != tc.supp {
				t.Fatalf("got channels %q triage %v suppressed %q", got, d.Triage, d.Suppressed)
			}
		})
	}
}

func TestQuietHours(t *testing.T) {
	cfg, err := DecodeYAML("n.yaml", []byte(routingConfig))
	if err != nil {
		t.Fatal(err)
	}
	q := cfg.Channels["prod"].QuietHours
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		at   time.Time
		sev  severity.Level
		want time.Time
	}{
		{time.Date(2026, 11, 25, 23, 30, 0, 0, berlin), severity.High, time.Date(2026, 11, 26, 7, 0, 0, 0, berlin)},
		{time.Date(2026, 11, 26, 3, 0, 0, 0, berlin), severity.High, time.Date(2026, 11, 26, 7, 0, 0, 0, berlin)},
		{time.Date(2026, 11, 26, 3, 0, 0, 0, berlin), severity.Critical, time.Date(2026, 11, 26, 3, 0, 0, 0, berlin)},
		{time.Date(2026, 11, 26, 12, 0, 0, 0, berlin), severity.Low, time.Date(2026, 11, 26, 12, 0, 0, 0, berlin)},
	}
	for _, tc := range tests {
		e := sampleEvent("x")
		e.Severity = tc.sev
		if got := q.holdUntil(tc.at, e); !got.Equal(tc.want) {
			t.Errorf("at %v %s: hold until %v, want %v", tc.at, tc.sev, got, tc.want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"chanels: {}", `unknown key "chanels"`},
		{"channels: {x: {type: pager}}", `type "pager"`},
		{"channels: {x: {type: slack}}", "needs url, urlEnv or urlSecret"},
		{"routes: [{name: r, channels: [nope]}]", `channel "nope" is not defined`},
		{"routes: [{name: r, lane: later}]", `lane "later"`},
		{"routes: [{name: r, lane: triage, match: {severity: loud}}]", `unknown severity "loud"`},
		{"suppressions: [{reason: x}]", "must expire"},
		{"suppressions: [{until: 2030-01-01}]", "needs a reason"},
		{"routes: [{name: r, lane: triage, grouping: {by: [colour], window: 1m}}]", `unknown field "colour"`},
		{"channels: {x: {type: slack, url: u, quietHours: {start: '25:00', end: '07:00'}}}", "want HH:MM"},
	}
	for _, tc := range tests {
		_, err := DecodeYAML("n.yaml", []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.yaml, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), "n.yaml:") {
			t.Errorf("%s: error does not name the file: %v", tc.yaml, err)
		}
	}
}
