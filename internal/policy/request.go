package policy

import (
	"strings"
	"unsafe"
)

// PrincipalKind is the kind of caller making a request.
type PrincipalKind uint8

// The kinds of principal the engine knows.
const (
	KindUnknown PrincipalKind = iota
	KindUser
	KindRole        // a role named by its role ARN (treated as one of its sessions)
	KindRoleSession // arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION
	KindRoot
	KindServiceLinkedRole
	KindFederatedUser
	KindService
	KindAnonymous
)

var kindNames = [...]string{"unknown", "user", "role", "roleSession", "root", "serviceLinkedRole", "federatedUser", "service", "anonymous"}

// String returns the kind's name as used in request files.
func (k PrincipalKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// ParseKind reads a kind name, case-insensitively.
func ParseKind(s string) (PrincipalKind, bool) {
	for i, n := range kindNames {
		if strings.EqualFold(n, s) {
			return PrincipalKind(i), true
		}
	}
	return 0, false
}

// IsIAM reports whether the kind is an IAM principal of an account.
func (k PrincipalKind) IsIAM() bool {
	switch k {
	case KindUser, KindRole, KindRoleSession, KindRoot, KindServiceLinkedRole, KindFederatedUser:
		return true
	}
	return false
}

// Subject is the caller of a request, as resource policies see it.
type Subject struct {
	Kind      PrincipalKind
	ARN       string // the principal as given (an ARN, a service name, or "*")
	Partition string
	Account   string
	// RoleARN is the role behind a role or role session, without its
	// path (a session ARN does not carry it): arn:P:iam::A:role/NAME.
	RoleName string
	UserName string
}

// Request is one prepared question: who does what to which resource, in
// which context. Build it with NewRequest; it is read-only afterwards.
type Request struct {
	Subject Subject
	// Action as given, and its lower-case service prefix and name.
	Action      string
	actionLower string
	service     string
	actionName  string
	Resource    string
	Context     Lookup
	// resourceService is the service field of the resource ARN.
	resourceService string
	serviceID       int32
	lowerBuf        []byte
}

// NewRequest prepares a request: the action is lowered once here, so
// statements compare without folding.
func NewRequest(sub Subject, action, resource string, ctx Lookup) *Request {
	r := &Request{}
	r.Reset(sub, action, resource, ctx)
	return r
}

// Reset fills r in place, for callers that reuse requests.
func (r *Request) Reset(sub Subject, action, resource string, ctx Lookup) {
	r.Subject, r.Action, r.Resource, r.Context = sub, action, resource, ctx
	r.actionLower = lowerInto(&r.lowerBuf, action)
	r.service, r.actionName = r.actionLower, ""
	r.resourceService = ""
	if strings.HasPrefix(resource, "arn:") {
		rest := resource[4:]
		if i := strings.IndexByte(rest, ':'); i >= 0 {
			rest = rest[i+1:]
			if j := strings.IndexByte(rest, ':'); j >= 0 {
				r.resourceService = rest[:j]
			}
		}
	}
	if i := strings.IndexByte(r.actionLower, ':'); i >= 0 {
		r.service, r.actionName = r.actionLower[:i], r.actionLower[i+1:]
	}
	r.serviceID = serviceID(r.service, false)
}

// ActionName returns the lower-case action name without its service.
func (r *Request) ActionName() string { return r.actionName }

// Service returns the request's lower-case service prefix.
func (r *Request) Service() string { return r.service }

// lowerInto lowers s using buf for storage, so that a reused Request
// lowers actions without allocating. The result aliases buf and is only
// valid until the next call with the same buf.
func lowerInto(buf *[]byte, s string) string {
	upper := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			upper = true
			break
		}
		if s[i] >= 0x80 {
			return strings.ToLower(s)
		}
	}
	if !upper {
		return s
	}
	b := append((*buf)[:0], s...)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
		if c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	*buf = b
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// MapContext is a Lookup over a map whose keys are already lower case.
type MapContext map[string][]string

// Values implements Lookup.
func (m MapContext) Values(k string) ([]string, bool) {
	v, ok := m[k]
	return v, ok
}
