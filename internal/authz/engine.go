// Package authz decides AWS requests offline the way AWS's policy
// evaluation logic does: explicit denies anywhere win; otherwise every
// resource control policy and service control policy level, endpoint
// policy, and the identity, resource, permissions boundary and session
// policies must allow, with the exemptions and cross-account rules of
// the AWS documentation (see docs/authz.md).
//
// An Engine is immutable and safe for concurrent use. Inputs hold
// compiled policies (policy.Policy), which a Cache shares between
// requests by content.
package authz

import (
	"strings"

	"github.com/orgrail/orgrail/internal/policy"
)

// Named is a compiled policy with the id results report for it.
type Named struct {
	ID     string
	Policy *policy.Policy
}

// Level is one level of the organization (root, an OU, the account)
// with the SCPs or RCPs attached to it.
type Level struct {
	ID       string
	Policies []Named
}

// Input is one request and every policy that applies to it.
type Input struct {
	Principal       policy.Subject
	Action          string
	Resource        string
	ResourceAccount string
	Context         Context

	Identity       []Named
	Boundaries     []Named
	Session        []Named
	ResourcePolicy *Named
	SCPs           []Level // root first, account last
	RCPs           []Level // root first, account last
	Endpoints      []Named

	PrincipalIsManagementAccount bool
	PrincipalIsServiceLinkedRole bool
	// ResourceIsManagementAccount exempts the resource from RCPs. When
	// unset it follows PrincipalIsManagementAccount for same-account
	// requests.
	ResourceIsManagementAccount bool
}

// Engine evaluates requests. The zero value is not usable; use New.
type Engine struct {
	rcpServices map[string]bool
	hints       bool   // WithContextHints
	hintRegion  string // WithContextHints
}

// Option configures an Engine.
type Option func(*Engine)

// WithRCPServices replaces the list of service prefixes that RCPs apply
// to (the default is the embedded list).
func WithRCPServices(prefixes ...string) Option {
	return func(e *Engine) {
		e.rcpServices = map[string]bool{}
		for _, p := range prefixes {
			e.rcpServices[strings.ToLower(p)] = true
		}
	}
}

// New returns an Engine.
func New(opts ...Option) *Engine {
	e := &Engine{rcpServices: map[string]bool{}}
	for _, s := range RCPServices() {
		e.rcpServices[s] = true
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// SupportsRCP reports whether RCPs apply to a service prefix.
func (e *Engine) SupportsRCP(service string) bool { return e.rcpServices[strings.ToLower(service)] }
