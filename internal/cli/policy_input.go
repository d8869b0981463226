package cli

import (
	"os"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
)

// singleInput builds one request from the flags of 'policy simulate'.
func singleInput(f *simulateFlags, l *authz.Loader) (*authz.Input, error) {
	if f.action == "" || f.principal == "" {
		return nil, Usage("give --request FILE, or --principal and --action (see --help)")
	}
	sub, ok := authz.ParsePrincipal(f.principal, f.principalKind)
	if !ok {
		return nil, Usage("--principal %q: not a principal ARN, account ID, service principal or anonymous", f.principal)
	}
	in := &authz.Input{Principal: sub, Action: f.action, Resource: f.resource, ResourceAccount: f.resAcct,
		PrincipalIsManagementAccount: f.mgmt, PrincipalIsServiceLinkedRole: f.slr}
	if in.ResourceAccount == "" {
		in.ResourceAccount = arnAccountOf(f.resource)
	}
	for _, kv := range f.context {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, Usage("--context %q: want key=value", kv)
		}
		in.Context.Set(k, v)
	}
	if f.snapshot != "" {
		return snapshotInput(f, in)
	}
	var err error
	if in.Identity, err = policyFiles(l, f.identity); err != nil {
		return nil, err
	}
	if in.Boundaries, err = policyFiles(l, f.boundary); err != nil {
		return nil, err
	}
	if in.Session, err = policyFiles(l, f.session); err != nil {
		return nil, err
	}
	if in.Endpoints, err = policyFiles(l, f.endpoints); err != nil {
		return nil, err
	}
	if f.resourcePolicy != "" {
		rp, err := policyFiles(l, []string{f.resourcePolicy})
		if err != nil {
			return nil, err
		}
		in.ResourcePolicy = &rp[0]
	}
	if in.SCPs, err = levelFiles(l, "--scp", f.scps); err != nil {
		return nil, err
	}
	if in.RCPs, err = levelFiles(l, "--rcp", f.rcps); err != nil {
		return nil, err
	}
	return in, nil
}

func policyFiles(l *authz.Loader, paths []string) ([]authz.Named, error) {
	var out []authz.Named
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, Usage("%v", err)
		}
		pol, err := l.Cache.Compile(p, b)
		if err != nil {
			return nil, Usage("%s: %v", p, err)
		}
		out = append(out, authz.Named{ID: p, Policy: pol})
	}
	return out, nil
}

// levelFiles reads LEVEL=FILE flags into levels, in order of first use.
func levelFiles(l *authz.Loader, flag string, specs []string) ([]authz.Level, error) {
	var out []authz.Level
	index := map[string]int{}
	for _, s := range specs {
		level, path, ok := strings.Cut(s, "=")
		if !ok {
			return nil, Usage("%s %q: want LEVEL=FILE (root first)", flag, s)
		}
		ps, err := policyFiles(l, []string{path})
		if err != nil {
			return nil, err
		}
		i, seen := index[level]
		if !seen {
			i = len(out)
			index[level] = i
			out = append(out, authz.Level{ID: level})
		}
		out[i].Policies = append(out[i].Policies, ps...)
	}
	return out, nil
}

func arnAccountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && len(parts[4]) == 12 {
		return parts[4]
	}
	return ""
}
