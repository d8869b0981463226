package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/catalog"
	"github.com/orgrail/orgrail/internal/org"
)

// States Observe reports besides fingerprints.
const (
	StatePresent    = "present"
	StateAbsent     = "absent"
	StateEnabled    = "enabled"
	StateDisabled   = "disabled"
	StateAttached   = "attached"
	StateDetached   = "detached"
	StateRegistered = "registered"
	StateActive     = "active"
	StateClosed     = "closed"
)

// Observe returns the current state of the attributes a change touches,
// in the form of Change.Version and Change.Result. Apply calls it on the
// organization it re-reads: Version means the change is still to do,
// Result that it is done, anything else that the plan is stale.
func Observe(ch *Change, v *View) string {
	r := ch.Ref
	if IsIdentity(ch.Kind) {
		return observeIdentity(ch, v)
	}
	switch ch.Kind {
	case KindPolicyType:
		for _, root := range v.Org.Roots {
			for _, t := range root.PolicyTypes {
				if t.Type == r.PolicyType && t.Status == "ENABLED" {
					return StateEnabled
				}
			}
		}
		return StateDisabled
	case KindTrustedAccess:
		if v.Org.ServiceAccessEnabled(r.Service) {
			return StateEnabled
		}
		return StateDisabled
	case KindOU:
		return observeOU(ch, v)
	case KindAccount:
		return observeAccount(ch, v)
	case KindContact:
		return observeContact(ch, v)
	case KindPolicy:
		p := v.Policy(r.PolicyType, r.Policy)
		if p == nil {
			return StateAbsent
		}
		if ch.Action == Update {
			return policyFingerprint(p.Description, p.Content)
		}
		return StatePresent
	case KindAttachment:
		p, id := v.Policy(r.PolicyType, r.Policy), v.TargetID(r.Target)
		if p != nil && id != "" && attached(p, id) {
			return StateAttached
		}
		return StateDetached
	case KindCatalog:
		if ch.Catalog == nil {
			return ""
		}
		return catalog.Observe(ch.Catalog, v.Catalog)
	case KindBaseline:
		if ch.Baseline == nil {
			return ""
		}
		return baseline.Observe(ch.Baseline, v.Baseline)
	case KindDelegatedAdm:
		id := r.AccountID
		if a := v.Account(r.Account); a != nil {
			id = a.Id
		}
		if id != "" && delegated(v.Org, id, r.Service) {
			return StateRegistered
		}
		return StateAbsent
	}
	return ""
}

func observeOU(ch *Change, v *View) string {
	if ch.Action == Rename {
		u := v.Org.OU(ch.Ref.ID)
		if u == nil {
			return StateAbsent
		}
		return nameState(u.Name)
	}
	u := v.OU(ch.Ref.OU)
	if ch.Action == Tag {
		if u == nil {
			return StateAbsent
		}
		return tagsFingerprint(u.Tags)
	}
	if u == nil {
		return StateAbsent
	}
	return StatePresent
}

func observeAccount(ch *Change, v *View) string {
	a := v.Account(ch.Ref.Account)
	if a == nil && ch.Ref.AccountID != "" && ch.Action != Create && ch.Action != Invite {
		a = v.Org.Account(ch.Ref.AccountID)
	}
	if a == nil {
		return StateAbsent
	}
	switch ch.Action {
	case Move:
		return v.ParentPath(a.Id)
	case Tag:
		return tagsFingerprint(a.Tags)
	case Close:
		if a.Status != "" && a.Status != org.StatusActive {
			return StateClosed
		}
		return StateActive
	}
	return StatePresent
}

func delegated(o *org.Organization, account, service string) bool {
	for _, d := range o.DelegatedAdministrators {
		if d.AccountId != account {
			continue
		}
		for _, s := range d.ServicePrincipals {
			if s == service {
				return true
			}
		}
	}
	return false
}

// nameState is the Version/Result form of an object's name.
func nameState(n string) string { return "name:" + n }

// tagsFingerprint is a short digest of a tag set; no tags is "tags:none".
func tagsFingerprint(t map[string]string) string {
	if len(t) == 0 {
		return "tags:none"
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "\x00" + t[k] + "\x00")
	}
	return "tags:" + digest(b.String())
}

// policyFingerprint digests a policy's description and its document in
// canonical form (parsed and re-encoded: key order and white space do
// not count).
func policyFingerprint(description, content string) string {
	return "policy:" + digest(description+"\x00"+Canonical(content))
}

// Canonical returns a JSON document re-encoded with sorted keys and no
// white space; text that is not JSON comes back unchanged.
func Canonical(doc string) string {
	if strings.HasPrefix(doc, "%7B") || strings.HasPrefix(doc, "%7b") {
		if d, err := url.PathUnescape(doc); err == nil {
			doc = d
		}
	}
	var x any
	if err := json.Unmarshal([]byte(doc), &x); err != nil {
		return doc
	}
	b, err := json.Marshal(x)
	if err != nil {
		return doc
	}
	return string(b)
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}
