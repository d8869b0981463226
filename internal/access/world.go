package access

import (
	"strings"

	"github.com/orgrail/orgrail/internal/authz/orgsnap"
)

// world is what belongs to the organization: a condition value that
// names it cannot be taken by a principal outside.
type world struct {
	orgID    string
	accounts map[string]bool
	buckets  map[string]bool
	// outsider is an account id that is not in the organization.
	outsider string
}

func newWorld(src *orgsnap.Source, res []Resource) *world {
	w := &world{orgID: src.Snap.Org.Id, accounts: map[string]bool{}, buckets: map[string]bool{}}
	for _, a := range src.Snap.Org.AccountIDs() {
		w.accounts[a] = true
	}
	for i := range res {
		if res[i].Type == TypeS3Bucket {
			w.buckets[strings.TrimPrefix(res[i].ARN, "arn:aws:s3:::")] = true
		}
	}
	w.outsider = "999999999999"
	for n := 999999999998; w.accounts[w.outsider]; n-- {
		w.outsider = itoa12(n)
	}
	return w
}

func itoa12(n int) string {
	b := make([]byte, 12)
	for i := 11; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

// ours reports whether a concrete value names the organization: its id,
// one of its accounts (a 12-digit run), or one of its buckets.
func (w *world) ours(v string) bool {
	if w.orgID != "" && strings.Contains(v, w.orgID) {
		return true
	}
	run := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] >= '0' && v[i] <= '9' {
			run++
			continue
		}
		if run == 12 && w.accounts[v[i-12:i]] {
			return true
		}
		run = 0
	}
	if rest, ok := strings.CutPrefix(v, "arn:aws:s3:::"); ok {
		b, _, _ := strings.Cut(rest, "/")
		return w.buckets[b]
	}
	return false
}

// inOrg reports whether an account belongs to the organization.
func (w *world) inOrg(account string) bool { return w.accounts[account] }
