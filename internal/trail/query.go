package trail

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Query selects indexed events. String criteria match exactly, or as a
// glob when they hold * or ?; Principal and Resource also match as a
// substring when they have no wildcard and Principal does not start with
// "arn:". Lists are ORed.
type Query struct {
	Filter
	Principals []string
	EventNames []string
	SourceIPs  []string
	Resources  []string
	ErrorCodes []string
	// Limit caps the rows returned (0: no limit).
	Limit int
}

// Event is one indexed CloudTrail record: who did what, where, when.
type Event struct {
	EventTime   string   `json:"eventTime"`
	EventID     string   `json:"eventId"`
	Account     string   `json:"account"`
	Region      string   `json:"region"`
	EventSource string   `json:"eventSource"`
	EventName   string   `json:"eventName"`
	Principal   string   `json:"principal"`
	SourceIP    string   `json:"sourceIp"`
	ErrorCode   string   `json:"errorCode"`
	Resources   []string `json:"resources"`
	File        string   `json:"file"`
	Record      int      `json:"record"`
}

// Query returns the indexed events of src's files matching q, oldest
// first. Call Update first to bring the index up to date.
func (ix *Index) Query(ctx context.Context, src Source, q Query) ([]Event, error) {
	var where []string
	var args []any
	prefix := SourcePrefix(src)
	where = append(where, "substr(f.path, 1, ?) = ?")
	args = append(args, len(prefix), prefix)
	if !q.Since.IsZero() {
		where = append(where, "i.event_time >= ?")
		args = append(args, q.Since.UnixMilli())
	}
	if !q.Until.IsZero() {
		where = append(where, "i.event_time < ?")
		args = append(args, q.Until.UnixMilli())
	}
	add := func(col string, vals []string, substr bool) {
		if len(vals) == 0 {
			return
		}
		var ors []string
		for _, v := range vals {
			switch {
			case strings.ContainsAny(v, "*?"):
				ors = append(ors, col+" GLOB ?")
			case substr:
				ors = append(ors, "instr("+col+", ?) > 0")
			default:
				ors = append(ors, col+" = ?")
			}
			args = append(args, v)
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	add("i.account", q.Accounts, false)
	add("i.region", q.Regions, false)
	add("i.event_name", q.EventNames, false)
	add("i.source_ip", q.SourceIPs, false)
	add("i.error_code", q.ErrorCodes, false)
	add("i.resources", q.Resources, true)
	var exact, sub []string
	for _, p := range q.Principals {
		if strings.HasPrefix(p, "arn:") {
			exact = append(exact, p)
		} else {
			sub = append(sub, p)
		}
	}
	if len(exact) > 0 && len(sub) > 0 {
		// Keep the OR across both kinds.
		sub = append(sub, exact...)
		exact = nil
	}
	add("i.principal", exact, false)
	add("i.principal", sub, true)
	sqlText := `SELECT i.event_time, i.event_id, i.account, i.region, i.event_source, i.event_name,
COALESCE(i.principal, ''), COALESCE(i.source_ip, ''), COALESCE(i.error_code, ''), COALESCE(i.resources, ''), f.path, i.record
FROM trail_index i JOIN trail_files f ON f.id = i.file_id
WHERE f.etag <> '' AND ` + strings.Join(where, " AND ") + `
ORDER BY i.event_time, i.event_id`
	if q.Limit > 0 {
		sqlText += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := ix.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("trail query: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var ms int64
		var res string
		if err := rows.Scan(&ms, &e.EventID, &e.Account, &e.Region, &e.EventSource, &e.EventName,
			&e.Principal, &e.SourceIP, &e.ErrorCode, &res, &e.File, &e.Record); err != nil {
			return nil, fmt.Errorf("trail query: %w", err)
		}
		e.EventTime = time.UnixMilli(ms).UTC().Format(time.RFC3339)
		e.Resources = strings.Fields(res)
		if e.Resources == nil {
			e.Resources = []string{}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
