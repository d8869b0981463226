// Package drift reports what changed in an organization outside orgrail
// since the last apply: it plans the configuration that apply made true
// against the organization as it is now, and turns every change that
// plan would make into a finding that notify can route, with who made
// the change and when from the CloudTrail index where it has the event.
package drift

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
)

// DetectionID prefixes the detection ids of drift findings:
// orgrail.drift.<object kind>.
const DetectionID = "orgrail.drift"

// Who finds the CloudTrail record of the last change to an object (by
// its AWS id) since a time; nil when unknown.
type Who func(ctx context.Context, objectID string, since time.Time) (*notify.Event, error)

// Detect returns one finding per object that no longer matches the
// configuration last applied (applied, finished at since) in cur.
// The configuration's identity section is left out: DetectFull compares
// it too.
func Detect(ctx context.Context, applied *plan.Plan, since time.Time, cur *org.Organization, who Who) ([]notify.Event, error) {
	return detect(ctx, applied, since, cur, nil, false, who)
}

// DetectFull is Detect with the IAM Identity Center instance as it is
// now (nil: the organization has none): permission sets, their policies
// and assignments changed by hand in Identity Center are drift too.
// Without an identity section in the configuration last applied it is
// Detect.
func DetectFull(ctx context.Context, applied *plan.Plan, since time.Time, cur *org.Organization, idc *identity.Center, who Who) ([]notify.Event, error) {
	return detect(ctx, applied, since, cur, idc, true, who)
}

// NeedsIdentity reports whether the configuration last applied has an
// identity section, so that the caller reads Identity Center for
// DetectFull.
func NeedsIdentity(applied *plan.Plan) bool {
	cfg := &config.Config{}
	return json.Unmarshal(applied.Desired, cfg) == nil && cfg.Identity.NeedsCenter()
}

func detect(ctx context.Context, applied *plan.Plan, since time.Time, cur *org.Organization, idc *identity.Center, readIDC bool, who Who) ([]notify.Event, error) {
	cfg := &config.Config{}
	if err := json.Unmarshal(applied.Desired, cfg); err != nil {
		return nil, fmt.Errorf("drift: the configuration last applied: %w", err)
	}
	var p *plan.Plan
	var diags diag.List
	if readIDC && cfg.Identity.NeedsCenter() {
		p, diags = plan.NewFull(cfg, cur, idc, applied.Options)
	} else {
		p, diags = plan.New(cfg, cur, applied.Options)
	}
	for _, d := range diags {
		if d.Severity.Reaches(severity.High) && d.Code != plan.CodeLint {
			return nil, fmt.Errorf("drift: %s", d.Message)
		}
	}
	v := plan.NewView(cur, cfg)
	var out []notify.Event
	for i := range p.Changes {
		ch := &p.Changes[i]
		e := finding(cur, v, ch, since)
		if who != nil {
			if id := objectID(v, ch); id != "" {
				rec, err := who(ctx, id, since)
				if err != nil {
					return nil, err
				}
				if rec != nil {
					e.EventID, e.EventTime, e.Principal, e.EventName, e.EventSource, e.SourceIP, e.Region =
						rec.EventID, rec.EventTime, rec.Principal, rec.EventName, rec.EventSource, rec.SourceIP, rec.Region
				}
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// finding describes one drifted object.
func finding(cur *org.Organization, v *plan.View, ch *plan.Change, since time.Time) notify.Event {
	sev := severity.Medium
	t := ch.Ref.PolicyType
	if ch.Kind == plan.KindPolicyType || ((t == org.SCP || t == org.RCP) && (ch.Kind == plan.KindPolicy || ch.Kind == plan.KindAttachment)) {
		sev = severity.High // a guardrail is not what was applied
	}
	switch ch.Kind {
	case plan.KindAccountAssign, plan.KindPSManaged, plan.KindPSCustomer, plan.KindPSInline, plan.KindPSBoundary:
		sev = severity.High // who can do what in which account is not what was applied
	}
	acct := cur.MasterAccountId
	if a := v.Account(ch.Ref.Account); a != nil {
		acct = a.Id
	}
	h := sha256.Sum256([]byte(cur.Id + "|" + ch.Key + "|" + plan.Observe(ch, v)))
	return notify.Event{
		DetectionID: DetectionID + "." + string(ch.Kind),
		Title:       fmt.Sprintf("%s changed outside orgrail since the last apply (%s to restore)", ch.Address, ch.Action),
		Severity:    sev,
		NistCSF:     "DE.CM",
		EventTime:   time.Now().UTC(),
		Account:     acct,
		Resources:   nonEmpty(objectID(v, ch)),
		Source:      "orgrail drift",
		FindingID:   hex.EncodeToString(h[:10]),
		Raw:         mustJSON(map[string]any{"change": ch, "organization": cur.Id, "lastApply": since}),
	}
}

// objectID is the AWS id of the object a change acts on, "" when it
// does not exist.
func objectID(v *plan.View, ch *plan.Change) string {
	switch ch.Kind {
	case plan.KindPolicy, plan.KindAttachment:
		if p := v.Policy(ch.Ref.PolicyType, ch.Ref.Policy); p != nil {
			return p.Id
		}
	case plan.KindOU:
		if u := v.OU(ch.Ref.OU); u != nil {
			return u.Id
		}
	case plan.KindAccount, plan.KindDelegatedAdm, plan.KindContact:
		if a := v.Account(ch.Ref.Account); a != nil {
			return a.Id
		}
	case plan.KindPolicyType:
		return v.RootID
	}
	return ch.Ref.ID
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// TrailWho answers Who from the store's CloudTrail index (trail_index,
// filled by `orgrail trail index` from the Log Archive): the latest
// successful Organizations call since the last apply whose resources
// name the object.
func TrailWho(db *sql.DB) Who {
	return func(ctx context.Context, id string, since time.Time) (*notify.Event, error) {
		var e notify.Event
		var ms int64
		var principal, ip sql.NullString
		err := db.QueryRowContext(ctx, `SELECT event_id, event_time, region, event_name, event_source, principal, source_ip
FROM trail_index WHERE event_source = 'organizations.amazonaws.com' AND event_time >= ? AND error_code IS NULL
AND instr(resources, ?) > 0 ORDER BY event_time DESC LIMIT 1`, since.UnixMilli(), id).
			Scan(&e.EventID, &ms, &e.Region, &e.EventName, &e.EventSource, &principal, &ip)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("drift: CloudTrail index: %w", err)
		}
		e.EventTime, e.Principal, e.SourceIP = time.UnixMilli(ms).UTC(), principal.String, strings.TrimSpace(ip.String)
		return &e, nil
	}
}
