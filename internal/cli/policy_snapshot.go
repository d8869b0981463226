package cli

import (
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/identity"
)

// snapshotInput fills in the policies of a request from a snapshot.
func snapshotInput(f *simulateFlags, in *authz.Input) (*authz.Input, error) {
	src, err := orgsnap.Open(f.snapshot)
	if err != nil {
		return nil, Usage("%v", err)
	}
	if err := src.Fill(in); err != nil {
		return nil, Usage("%v", err)
	}
	return in, nil
}

// lintSnapshot lints every policy of the organization in a snapshot.
func lintSnapshot(dir string) (diag.List, error) {
	src, err := orgsnap.Open(dir)
	if err != nil {
		return nil, Usage("%v", err)
	}
	ds, err := src.Lint()
	if err != nil {
		return nil, Usage("%v", err)
	}
	return ds, nil
}

// permissionSetPrincipal turns --permission-set and --account into
// --principal: the role Identity Center created for the permission set
// in that account, found in the snapshot.
func permissionSetPrincipal(f *simulateFlags) error {
	if f.permissionSet == "" && f.account == "" {
		return nil
	}
	if f.permissionSet == "" || f.account == "" || f.snapshot == "" {
		return Usage("--permission-set needs --account and --snapshot")
	}
	if f.principal != "" {
		return Usage("--permission-set and --principal are exclusive")
	}
	s, err := openSnapshot(f.snapshot)
	if err != nil {
		return err
	}
	acct := f.account
	for _, a := range s.Org.Accounts {
		if a.Name == f.account {
			acct = a.Id
		}
	}
	if s.Org.Account(acct) == nil {
		return Usage("--account %q: not an account of the snapshot's organization", f.account)
	}
	arn, err := identity.RoleARN(s, acct, f.permissionSet)
	if err != nil {
		return Usage("--permission-set: %v", err)
	}
	f.principal = arn
	return nil
}
