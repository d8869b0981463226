package rules

import (
	"testing"

	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// TestIdentityRules covers the Identity Center rules' edges: a user
// without a key passes, no instance is NOT_APPLICABLE, and an
// administrator permission set in two accounts of four is not "broad".
func TestIdentityRules(t *testing.T) {
	f := newFx()
	setUsers(f, userRow(acctW, "reader", true, true, -1, 0))
	res := auditFx(t, f)
	if got := byStatus(res.Report.Findings, "identity.iam-user-access-keys", findings.Passed); len(got) == 0 {
		t.Error("a user without access keys does not pass identity.iam-user-access-keys")
	}

	f = newFx()
	f.assign(fxPSAdmin, acctA, ssotypes.PrincipalTypeGroup, "group-AdministratorAccess")
	res = auditFx(t, f)
	if got := byStatus(res.Report.Findings, "identity.admin-assigned-broadly", findings.Passed); len(got) != 1 {
		t.Errorf("admin in 2 of 4 accounts: %d passed findings, want 1", len(got))
	}

	f = newFx()
	ff := f.file(acctM, region1, "ssoadmin")
	ff.ops["ListInstances"] = map[string]any{"Instances": []any{}}
	ff.res = map[string]map[string]any{}
	res = auditFx(t, f)
	for _, id := range []string{"identity.admin-assigned-broadly", "identity.unused-permission-set", "identity.iam-user-access-keys"} {
		if got := byStatus(res.Report.Findings, id, findings.NotApplicable); len(got) == 0 {
			t.Errorf("%s: not NOT_APPLICABLE without an Identity Center instance", id)
		}
		if got := byStatus(res.Report.Findings, id, findings.Failed); len(got) != 0 {
			t.Errorf("%s: FAILED without an Identity Center instance: %v", id, got)
		}
	}
}
