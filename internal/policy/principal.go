package policy

import "strings"

// Via tells how a statement's Principal element named the caller. The
// evaluation flow needs it: a resource policy that names a user or a
// role session directly is not cut by a permissions boundary, one that
// names the role or the account is.
type Via uint8

// The ways a principal can be named, weakest first.
const (
	ViaNone      Via = iota // the statement has no Principal element
	ViaAccount              // the account (ID or :root ARN)
	ViaRole                 // the role behind a role session
	ViaWildcard             // "*" or {"AWS": "*"}
	ViaService              // a service principal
	ViaFederated            // a federated identity provider
	ViaCanonical            // an S3 canonical user
	ViaPrincipal            // the exact user, role session or federated user ARN
)

var viaNames = [...]string{"none", "account", "role", "wildcard", "service", "federated", "canonicalUser", "principal"}

// String names the way.
func (v Via) String() string {
	if int(v) < len(viaNames) {
		return viaNames[v]
	}
	return "unknown"
}

type roleRef struct {
	account, name, arn string
}

// principalSet is a compiled Principal or NotPrincipal element.
type principalSet struct {
	wildcard  bool
	accounts  []string
	exact     []string // user, session and federated-user ARNs
	roles     []roleRef
	services  []string // lower case
	federated []string
	canonical []string
}

func compilePrincipals(el *PrincipalElement) *principalSet {
	ps := &principalSet{wildcard: el.Wildcard}
	for _, e := range el.Entries {
		v := strings.TrimSpace(e.Value.S)
		switch e.Kind {
		case "AWS":
			ps.addAWS(v)
		case "Service":
			if v == "*" {
				ps.wildcard = true
			}
			ps.services = append(ps.services, strings.ToLower(v))
		case "Federated":
			ps.federated = append(ps.federated, v)
		case "CanonicalUser":
			if v == "*" {
				ps.wildcard = true
			}
			ps.canonical = append(ps.canonical, v)
		}
	}
	return ps
}

func (ps *principalSet) addAWS(v string) {
	if v == "*" {
		ps.wildcard = true
		return
	}
	if isAccountID(v) {
		ps.accounts = append(ps.accounts, v)
		return
	}
	segs, ok := splitArn(v)
	if !ok {
		ps.exact = append(ps.exact, v)
		return
	}
	acct, res := segs[4], segs[5]
	switch {
	case segs[2] == "iam" && res == "root":
		ps.accounts = append(ps.accounts, acct)
	case segs[2] == "iam" && strings.HasPrefix(res, "role/"):
		name := res[strings.LastIndexByte(res, '/')+1:]
		ps.roles = append(ps.roles, roleRef{account: acct, name: name, arn: v})
	default:
		ps.exact = append(ps.exact, v)
	}
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// match returns how the set names the subject, and false when it does
// not name it at all.
func (ps *principalSet) match(sub *Subject) (Via, bool) {
	best, found := ViaNone, false
	take := func(v Via) {
		if !found || v > best {
			best, found = v, true
		}
	}
	if ps.wildcard {
		take(ViaWildcard)
	}
	switch sub.Kind {
	case KindAnonymous:
		return best, found
	case KindService:
		for _, s := range ps.services {
			if strings.EqualFold(s, sub.ARN) {
				take(ViaService)
			}
		}
		return best, found
	}
	for _, a := range ps.exact {
		if a == sub.ARN {
			take(ViaPrincipal)
		}
	}
	for _, f := range ps.federated {
		if f == sub.ARN {
			take(ViaFederated)
		}
	}
	for _, c := range ps.canonical {
		if c == sub.ARN {
			take(ViaCanonical)
		}
	}
	if sub.RoleName != "" {
		for _, r := range ps.roles {
			if r.account == sub.Account && r.name == sub.RoleName {
				take(ViaRole)
			}
		}
	}
	for _, a := range ps.accounts {
		if a == sub.Account {
			take(ViaAccount)
		}
	}
	return best, found
}

// names reports whether a NotPrincipal set lists the subject. For an
// Allow it is enough that an entry names the caller. For a Deny, AWS may
// check the account, then the role, then the session ("you must also
// specify the account ARN of the not-denied principal"), so the caller
// is spared only when every one of those levels is listed.
func (ps *principalSet) names(sub *Subject, deny bool) bool {
	if ps.wildcard {
		return true
	}
	if !deny {
		v, ok := ps.match(sub)
		if ok && v == ViaAccount {
			return sub.Kind == KindRoot
		}
		return ok
	}
	switch sub.Kind {
	case KindAnonymous:
		return false
	case KindService:
		_, ok := ps.match(sub)
		return ok
	}
	if !ps.listsAccount(sub.Account) {
		return false
	}
	switch sub.Kind {
	case KindRoot:
		return true
	case KindRoleSession:
		return ps.listsExact(sub.ARN) && ps.listsRole(sub)
	case KindRole, KindServiceLinkedRole:
		return ps.listsRole(sub)
	}
	return ps.listsExact(sub.ARN)
}

func (ps *principalSet) listsAccount(a string) bool {
	for _, x := range ps.accounts {
		if x == a {
			return true
		}
	}
	return false
}

func (ps *principalSet) listsExact(arn string) bool {
	for _, x := range ps.exact {
		if x == arn {
			return true
		}
	}
	for _, x := range ps.federated {
		if x == arn {
			return true
		}
	}
	return false
}

func (ps *principalSet) listsRole(sub *Subject) bool {
	for _, r := range ps.roles {
		if r.account == sub.Account && r.name == sub.RoleName {
			return true
		}
	}
	return false
}
