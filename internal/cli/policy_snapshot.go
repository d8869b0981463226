package cli

import (
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/diag"
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
