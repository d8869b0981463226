package rules

import (
	"testing"

	"github.com/orgrail/orgrail/internal/findings"
)

func TestBackupGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "arn:aws:ec2:us-east-1:111122223333:volume/vol-1", true},
		{"arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:us-east-1:111122223333:volume/vol-1", true},
		{"arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", false},
		{"arn:aws:ec2:*", "arn:aws:ec2:us-east-1:111122223333:volume/vol-1", true},
		{"arn:aws:rds:*:*:db:db1", "arn:aws:rds:eu-west-1:111122223333:db:db1", true},
		{"arn:aws:rds:*:*:db:db1", "arn:aws:rds:eu-west-1:111122223333:db:db10", false},
		{"prod*", "production", true},
		{"*rod*", "production", true},
		{"prod*", "preprod", false},
		{"a*b*b", "ab", false},
		{"a*b*b", "abb", true},
		{"vol-?", "vol-1", false}, // ? is no wildcard in AWS Backup
		{"exact", "exact", true},
	} {
		if got := backupGlob(c.pattern, c.s); got != c.want {
			t.Errorf("backupGlob(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

// TestBackupUnreadableSelectionIsError: a volume no readable selection
// assigns is an ERROR, not a FAILED, when a selection of a plan with
// rules is missing from the snapshot.
func TestBackupUnreadableSelectionIsError(t *testing.T) {
	f := newFx()
	delete(f.file(acctW, region1, "backup").res["GetBackupSelection"], bkPlanID+"|"+bkSelID)
	res := auditFx(t, f)
	if got := outcome(res.Report.Findings, "ec2.volume-backup-plan-coverage", acctW, "volume/vol-0001"); got != findings.Error {
		t.Fatalf("volume with an unreadable selection: %s, want ERROR", got)
	}
}
