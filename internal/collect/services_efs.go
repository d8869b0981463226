package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
)

func init() {
	collectors["efs"] = collectEFS
}

// collectEFS reads the region's file systems (encryption), access points
// (root directory, POSIX user), and each file system's mount targets and
// automatic backup policy. No file data.
func collectEFS(j *job) {
	c := efs.NewFromConfig(j.cfg)
	fss := once(j, "DescribeFileSystems", func(ctx context.Context) (*efs.DescribeFileSystemsOutput, error) {
		p := efs.NewDescribeFileSystemsPaginator(c, &efs.DescribeFileSystemsInput{})
		return allPages(ctx, &efs.DescribeFileSystemsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeAccessPoints", func(ctx context.Context) (*efs.DescribeAccessPointsOutput, error) {
		p := efs.NewDescribeAccessPointsPaginator(c, &efs.DescribeAccessPointsInput{})
		return allPages(ctx, &efs.DescribeAccessPointsOutput{}, p.HasMorePages, p.NextPage)
	})
	if fss == nil {
		return
	}
	fanOut(j, fss.FileSystems, func(fs efstypes.FileSystemDescription) {
		id := aws.ToString(fs.FileSystemId)
		each(j, "DescribeMountTargets", id, func(ctx context.Context) (*efs.DescribeMountTargetsOutput, error) {
			p := efs.NewDescribeMountTargetsPaginator(c, &efs.DescribeMountTargetsInput{FileSystemId: fs.FileSystemId})
			return allPages(ctx, &efs.DescribeMountTargetsOutput{}, p.HasMorePages, p.NextPage)
		})
		each(j, "DescribeBackupPolicy", id, func(ctx context.Context) (*efs.DescribeBackupPolicyOutput, error) {
			return c.DescribeBackupPolicy(ctx, &efs.DescribeBackupPolicyInput{FileSystemId: fs.FileSystemId})
		})
	})
}
