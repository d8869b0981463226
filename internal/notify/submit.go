package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// SubmitLines submits detections read as JSON Lines (the contract's
// detection objects, as `orgrail trail scan` prints them). Accounts
// without a name are named through dir (may be nil).
func SubmitLines(ctx context.Context, n *Notifier, r io.Reader, dir Directory) (Stats, error) {
	var st Stats
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var e Event
		if err := json.Unmarshal(b, &e); err != nil {
			return st, fmt.Errorf("line %d: %w", line, err)
		}
		if e.AccountName == "" && dir != nil {
			e.AccountName, e.OU = dir.Lookup(e.Account)
		}
		st.Records++
		res, err := n.Submit(ctx, &e)
		if err != nil {
			return st, fmt.Errorf("line %d: %w", line, err)
		}
		switch {
		case res.Duplicate:
			st.Duplicates++
		case res.Suppressed != "":
			st.Suppressed++
		default:
			st.Detections++
		}
	}
	if err := sc.Err(); err != nil {
		return st, fmt.Errorf("line %d: %w", line+1, err)
	}
	return st, nil
}
