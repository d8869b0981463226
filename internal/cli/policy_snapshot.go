package cli

import "github.com/orgrail/orgrail/internal/authz"

// snapshotInput fills in the policies of a request from a snapshot.
func snapshotInput(f *simulateFlags, in *authz.Input) (*authz.Input, error) {
	return nil, Usage("--snapshot is not supported yet")
}
