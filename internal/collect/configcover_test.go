package collect

import (
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestConfigUnavailableComplete: every operation of the catalog is
// either filled from AWS Config files or named in configUnavailable
// (whole service "svc (all)" or "svc Op"), so a snapshot's manifest
// says honestly what an audit from Config files lacks.
func TestConfigUnavailableComplete(t *testing.T) {
	filled := map[string]bool{}
	for _, s := range configSpecialOps {
		filled[s] = true
	}
	for _, k := range listKinds {
		filled[k.Service+" "+k.Op] = true
		for _, s := range listSuppls {
			if s.ResourceType == k.ResourceType && s.New != nil {
				filled[k.Service+" "+s.Op] = true
			}
		}
	}
	for _, k := range describedKinds {
		filled[k.Service+" "+k.ListOp] = true
		filled[k.Service+" "+k.Op] = true
	}
	for _, s := range s3Suppl {
		filled["s3 "+s.Op] = true
	}
	listed := func(svc, op string) bool {
		for _, u := range configUnavailable {
			if u == svc+" (all)" || strings.HasPrefix(u, svc+" (all) ") || u == svc+" "+op || strings.HasPrefix(u, svc+" "+op+" ") {
				return true
			}
		}
		return false
	}
	for svc, ops := range configOpGaps {
		for _, op := range ops {
			if !listed(svc, op) {
				t.Errorf("%s %s is marked as a gap but not in configUnavailable", svc, op)
			}
		}
	}
	for _, svc := range snapshot.Catalog {
		for _, op := range svc.Operations {
			if filled[svc.Name+" "+op.Name] && listed(svc.Name, op.Name) && !strings.Contains(strings.Join(configUnavailable, "|"), svc.Name+" "+op.Name+" (") {
				t.Errorf("%s %s is filled from Config files but listed as unavailable", svc.Name, op.Name)
			}
			if !filled[svc.Name+" "+op.Name] && !listed(svc.Name, op.Name) {
				t.Errorf("%s %s: neither filled from Config files nor in configUnavailable", svc.Name, op.Name)
			}
		}
	}
}
