package collect

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
)

func init() {
	collectors["s3accesspoints"] = collectS3AccessPoints
}

// collectS3AccessPoints reads the account's access points in the job's
// region: each one's configuration (network origin, bucket and bucket
// owner, block public access), its policy and policy status.
func collectS3AccessPoints(j *job) {
	c := s3control.NewFromConfig(j.cfg, S3ControlEndpointAsGiven(j.cfg))
	acct := aws.String(j.account)
	aps := once(j, "ListAccessPoints", func(ctx context.Context) (*s3control.ListAccessPointsOutput, error) {
		p := s3control.NewListAccessPointsPaginator(c, &s3control.ListAccessPointsInput{AccountId: acct})
		return allPages(ctx, &s3control.ListAccessPointsOutput{}, p.HasMorePages, p.NextPage)
	})
	if aps == nil {
		return
	}
	fanOut(j, aps.AccessPointList, func(ap s3ctypes.AccessPoint) {
		name := aws.ToString(ap.Name)
		each(j, "GetAccessPoint", name, func(ctx context.Context) (*s3control.GetAccessPointOutput, error) {
			return c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: acct, Name: ap.Name})
		})
		each(j, "GetAccessPointPolicy", name, func(ctx context.Context) (*s3control.GetAccessPointPolicyOutput, error) {
			return c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: acct, Name: ap.Name})
		})
		each(j, "GetAccessPointPolicyStatus", name, func(ctx context.Context) (*s3control.GetAccessPointPolicyStatusOutput, error) {
			return c.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: acct, Name: ap.Name})
		})
	})
}

// mrapControlRegion is where AWS serves the multi-region access point
// control plane: its calls are routed to US West (Oregon).
const mrapControlRegion = "us-west-2"

// collectMultiRegionAccessPoints reads the account's multi-region access
// points and their policies (the commercial partition only: the others
// have none).
func collectMultiRegionAccessPoints(j *job, acct *string) {
	if r := j.cfg.Region; strings.HasPrefix(r, "cn-") || strings.HasPrefix(r, "us-gov-") || strings.HasPrefix(r, "us-iso") {
		return
	}
	c := s3control.NewFromConfig(j.cfg, S3ControlEndpointAsGiven(j.cfg), func(o *s3control.Options) { o.Region = mrapControlRegion })
	mraps := once(j, "ListMultiRegionAccessPoints", func(ctx context.Context) (*s3control.ListMultiRegionAccessPointsOutput, error) {
		p := s3control.NewListMultiRegionAccessPointsPaginator(c, &s3control.ListMultiRegionAccessPointsInput{AccountId: acct})
		return allPages(ctx, &s3control.ListMultiRegionAccessPointsOutput{}, p.HasMorePages, p.NextPage)
	})
	if mraps == nil {
		return
	}
	fanOut(j, mraps.AccessPoints, func(m s3ctypes.MultiRegionAccessPointReport) {
		each(j, "GetMultiRegionAccessPointPolicy", aws.ToString(m.Name), func(ctx context.Context) (*s3control.GetMultiRegionAccessPointPolicyOutput, error) {
			return c.GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: acct, Name: m.Name})
		})
	})
}
