package authz

import (
	"strings"

	"github.com/orgrail/orgrail/internal/policy"
)

// Context holds a request's condition keys. Keys are matched without
// regard to case, as AWS does; a key with several values is multi-valued.
type Context struct {
	m policy.MapContext
}

// NewContext builds a Context from keys and values.
func NewContext(kv map[string][]string) Context {
	m := make(policy.MapContext, len(kv))
	for k, v := range kv {
		lk := strings.ToLower(k)
		m[lk] = append(m[lk], v...)
	}
	return Context{m: m}
}

// Set adds values to a key.
func (c *Context) Set(key string, vals ...string) {
	if c.m == nil {
		c.m = policy.MapContext{}
	}
	lk := strings.ToLower(key)
	c.m[lk] = append(c.m[lk], vals...)
}

// setLowered is Set for a key already in lower case.
func (c *Context) setLowered(lk string, vals []string) {
	if c.m == nil {
		c.m = make(policy.MapContext, 8)
	}
	if old, ok := c.m[lk]; ok {
		vals = append(old, vals...)
	}
	c.m[lk] = vals
}

// Has reports whether the context has a key (case-insensitive).
func (c Context) Has(key string) bool {
	_, ok := c.m[strings.ToLower(key)]
	return ok
}

// SetDefault sets a key only when the context does not have it.
func (c *Context) SetDefault(key string, vals ...string) {
	if !c.Has(key) {
		c.Set(key, vals...)
	}
}

// Len returns how many keys the context has.
func (c Context) Len() int { return len(c.m) }

// requestContext answers condition key lookups for one evaluation: the
// caller's keys first, then the keys AWS always sets from the principal
// and the resource (aws:PrincipalArn, aws:PrincipalAccount,
// aws:username, aws:PrincipalType, aws:ResourceAccount,
// aws:PrincipalIsAWSService, aws:PrincipalServiceName).
type requestContext struct {
	given   policy.MapContext
	derived [7][1]string
	has     [7]bool
	sub     *policy.Subject
	arnDone bool
}

const (
	dPrincipalArn = iota
	dPrincipalAccount
	dUsername
	dPrincipalType
	dResourceAccount
	dIsService
	dServiceName
)

var derivedKeys = map[string]int{
	"aws:principalarn":          dPrincipalArn,
	"aws:principalaccount":      dPrincipalAccount,
	"aws:username":              dUsername,
	"aws:principaltype":         dPrincipalType,
	"aws:resourceaccount":       dResourceAccount,
	"aws:principalisawsservice": dIsService,
	"aws:principalservicename":  dServiceName,
}

func (rc *requestContext) fill(in *Input) {
	rc.given = in.Context.m
	sub := &in.Principal
	set := func(i int, v string) {
		if v != "" {
			rc.derived[i][0], rc.has[i] = v, true
		}
	}
	rc.has = [7]bool{}
	rc.sub, rc.arnDone = sub, false
	if sub.Kind == policy.KindService {
		set(dIsService, "true")
		set(dServiceName, sub.ARN)
	} else if sub.Kind != policy.KindAnonymous {
		set(dIsService, "false")
		set(dPrincipalAccount, sub.Account)
		if sub.Kind == policy.KindUser {
			set(dUsername, sub.UserName)
		}
	}
	set(dPrincipalType, principalType(sub.Kind))
	set(dResourceAccount, in.ResourceAccount)
}

// Values implements policy.Lookup.
func (rc *requestContext) Values(k string) ([]string, bool) {
	if v, ok := rc.given[k]; ok {
		return v, true
	}
	i, ok := derivedKeys[k]
	if !ok {
		return nil, false
	}
	if i == dPrincipalArn && !rc.arnDone {
		// Built on demand: a role session's role ARN costs a string.
		rc.arnDone = true
		if k := rc.sub.Kind; k != policy.KindService && k != policy.KindAnonymous {
			rc.derived[i][0], rc.has[i] = principalArn(rc.sub), true
		}
	}
	if rc.has[i] {
		return rc.derived[i][:], true
	}
	return nil, false
}
