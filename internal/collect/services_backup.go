package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

func init() { collectors["backup"] = collectBackup }

// collectBackup reads the region's AWS Backup plans, their rules and
// their resource assignments (selections). ListBackupPlans returns the
// plans an organization's backup policy created in the account beside
// the account's own, so both count for the coverage rules.
func collectBackup(j *job) {
	c := backup.NewFromConfig(j.cfg)
	plans := once(j, "ListBackupPlans", func(ctx context.Context) (*backup.ListBackupPlansOutput, error) {
		p := backup.NewListBackupPlansPaginator(c, &backup.ListBackupPlansInput{})
		return allPages(ctx, &backup.ListBackupPlansOutput{}, p.HasMorePages, p.NextPage)
	})
	if plans == nil {
		return
	}
	fanOut(j, plans.BackupPlansList, func(m backuptypes.BackupPlansListMember) {
		id := aws.ToString(m.BackupPlanId)
		each(j, "GetBackupPlan", id, func(ctx context.Context) (*backup.GetBackupPlanOutput, error) {
			return c.GetBackupPlan(ctx, &backup.GetBackupPlanInput{BackupPlanId: m.BackupPlanId})
		})
		sel := each(j, "ListBackupSelections", id, func(ctx context.Context) (*backup.ListBackupSelectionsOutput, error) {
			p := backup.NewListBackupSelectionsPaginator(c, &backup.ListBackupSelectionsInput{BackupPlanId: m.BackupPlanId})
			return allPages(ctx, &backup.ListBackupSelectionsOutput{}, p.HasMorePages, p.NextPage)
		})
		if sel == nil {
			return
		}
		for _, s := range sel.BackupSelectionsList {
			each(j, "GetBackupSelection", id+"|"+aws.ToString(s.SelectionId), func(ctx context.Context) (*backup.GetBackupSelectionOutput, error) {
				return c.GetBackupSelection(ctx, &backup.GetBackupSelectionInput{BackupPlanId: m.BackupPlanId, SelectionId: s.SelectionId})
			})
		}
	})
}
