package awstest

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	wafv2types "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestCloudFrontAndWAFv2ReadsAgreeWithMoto builds a CloudFront
// distribution and AWS WAF web ACLs of both scopes (one with logging) in
// moto, stores moto's answers to the collector's reads as a snapshot
// (cloudfront and wafv2cloudfront global, wafv2 in us-east-1), and asks
// moto and the local AWS serving that snapshot the same reads through the
// SDK: the local server's REST-XML (CloudFront) and JSON (AWS WAF) wire,
// and its routing of the CLOUDFRONT scope to the global file, must give
// the SDK back what moto's gave.
func TestCloudFrontAndWAFv2ReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	cf := cloudfront.NewFromConfig(mcfg)
	d, err := cf.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: &cftypes.DistributionConfig{
		CallerReference: aws.String("moto-edge"), Comment: aws.String("edge"), Enabled: aws.Bool(true), DefaultRootObject: aws.String("index.html"),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{Id: aws.String("assets"), DomainName: aws.String("assets.s3.amazonaws.com"),
			S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("origin-access-identity/cloudfront/E127EXAMPLE51Z")}}}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("assets"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyRedirectToHttps,
			CachePolicyId: aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6")},
	}})
	must(err)
	id := aws.ToString(d.Distribution.Id)
	wc := wafv2.NewFromConfig(mcfg)
	vis := &wafv2types.VisibilityConfig{SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: aws.String("m")}
	acls := map[wafv2types.Scope]*wafv2types.WebACLSummary{}
	for _, scope := range []wafv2types.Scope{wafv2types.ScopeRegional, wafv2types.ScopeCloudfront} {
		out, err := wc.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("acl-" + strings.ToLower(string(scope))), Scope: scope,
			DefaultAction: &wafv2types.DefaultAction{Allow: &wafv2types.AllowAction{}}, VisibilityConfig: vis})
		must(err)
		acls[scope] = out.Summary
	}
	regional := acls[wafv2types.ScopeRegional]
	_, err = wc.PutLoggingConfiguration(ctx, &wafv2.PutLoggingConfigurationInput{LoggingConfiguration: &wafv2types.LoggingConfiguration{
		ResourceArn: regional.ARN, LogDestinationConfigs: []string{"arn:aws:logs:us-east-1:" + motoAccount + ":log-group:aws-waf-logs-app"}}})
	must(err)

	type read struct {
		file, region, op, key string
		ask                   func(aws.Config) (any, error)
	}
	reads := []read{
		{"cloudfront", snapshot.Global, "ListDistributions", "", func(c aws.Config) (any, error) {
			return cloudfront.NewFromConfig(c).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
		}},
		{"cloudfront", snapshot.Global, "GetDistributionConfig", id, func(c aws.Config) (any, error) {
			return cloudfront.NewFromConfig(c).GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(id)})
		}},
	}
	for _, scope := range []wafv2types.Scope{wafv2types.ScopeRegional, wafv2types.ScopeCloudfront} {
		file, region, a := "wafv2", "us-east-1", acls[scope]
		if scope == wafv2types.ScopeCloudfront {
			file, region = "wafv2cloudfront", snapshot.Global
		}
		reads = append(reads,
			read{file, region, "ListWebACLs", "", func(c aws.Config) (any, error) {
				return wafv2.NewFromConfig(c).ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: scope, Limit: aws.Int32(100)})
			}},
			read{file, region, "GetWebACL", aws.ToString(a.Id), func(c aws.Config) (any, error) {
				return wafv2.NewFromConfig(c).GetWebACL(ctx, &wafv2.GetWebACLInput{Name: a.Name, Scope: scope, Id: a.Id})
			}})
	}
	reads = append(reads, read{"wafv2", "us-east-1", "GetLoggingConfiguration", aws.ToString(regional.ARN), func(c aws.Config) (any, error) {
		return wafv2.NewFromConfig(c).GetLoggingConfiguration(ctx, &wafv2.GetLoggingConfigurationInput{ResourceArn: regional.ARN})
	}})

	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	must(err)
	files := map[string]*snapshot.ServiceFile{}
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(mcfg)
		must(err)
		want[i] = wireView(t, out)
		f := files[r.file]
		if f == nil {
			f = snapshot.NewServiceFile(motoAccount, r.region, r.file)
			files[r.file] = f
		}
		if r.key == "" {
			must(f.Set(r.op, out))
		} else {
			must(f.SetResource(r.op, r.key, out))
		}
	}
	for i, sub := range map[int]string{0: id, 1: `"index.html"`, 2: `"acl-regional"`, 4: `"acl-cloudfront"`, 6: `aws-waf-logs-app`} {
		if !strings.Contains(want[i], sub) {
			t.Fatalf("%s: moto's answer lacks %s: %s", reads[i].op, sub, want[i])
		}
	}
	for _, f := range files {
		must(w.WriteService(f))
	}
	must(w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto"}))
	srv := startFixture(t, Options{SnapshotDir: dir})
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	for i, r := range reads {
		out, err := r.ask(lcfg)
		if err != nil {
			t.Errorf("%s %s: local AWS: %v", r.file, r.op, err)
			continue
		}
		if got := wireView(t, out); got != want[i] {
			t.Errorf("%s %s:\nmoto  %s\nlocal %s", r.file, r.op, want[i], got)
		}
	}
}
