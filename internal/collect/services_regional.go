package collect

import (
	"context"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

func init() {
	collectors["cloudtrail"] = collectCloudTrail
	collectors["config"] = collectConfig
	collectors["guardduty"] = collectGuardDuty
	collectors["securityhub"] = collectSecurityHub
	collectors["accessanalyzer"] = collectAccessAnalyzer
}

func collectCloudTrail(j *job) {
	c := cloudtrail.NewFromConfig(j.cfg)
	trails := once(j, "DescribeTrails", func(ctx context.Context) (*cloudtrail.DescribeTrailsOutput, error) {
		return c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	})
	if trails == nil {
		return
	}
	fanOut(j, trails.TrailList, func(t cttypes.Trail) {
		// A trail's status and selectors are the same wherever it is
		// listed (its home region, its shadow copies, member accounts of
		// an organization trail): read once per collection, stored in
		// every file that lists the trail.
		arn := aws.ToString(t.TrailARN)
		each(j, "GetTrailStatus", arn, func(ctx context.Context) (*cloudtrail.GetTrailStatusOutput, error) {
			return sharedOf(j.run, "GetTrailStatus|"+arn, func() (*cloudtrail.GetTrailStatusOutput, error) {
				return c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: t.TrailARN})
			})
		})
		each(j, "GetEventSelectors", arn, func(ctx context.Context) (*cloudtrail.GetEventSelectorsOutput, error) {
			return sharedOf(j.run, "GetEventSelectors|"+arn, func() (*cloudtrail.GetEventSelectorsOutput, error) {
				return c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: t.TrailARN})
			})
		})
	})
}

func collectConfig(j *job) {
	c := configservice.NewFromConfig(j.cfg)
	once(j, "DescribeConfigurationRecorders", func(ctx context.Context) (*configservice.DescribeConfigurationRecordersOutput, error) {
		return c.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	})
	once(j, "DescribeConfigurationRecorderStatus", func(ctx context.Context) (*configservice.DescribeConfigurationRecorderStatusOutput, error) {
		return c.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	})
	once(j, "DescribeDeliveryChannels", func(ctx context.Context) (*configservice.DescribeDeliveryChannelsOutput, error) {
		return c.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
	})
	once(j, "DescribeConfigRules", func(ctx context.Context) (*configservice.DescribeConfigRulesOutput, error) {
		p := configservice.NewDescribeConfigRulesPaginator(c, &configservice.DescribeConfigRulesInput{})
		return allPages(ctx, &configservice.DescribeConfigRulesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeConfigurationAggregators", func(ctx context.Context) (*configservice.DescribeConfigurationAggregatorsOutput, error) {
		p := configservice.NewDescribeConfigurationAggregatorsPaginator(c, &configservice.DescribeConfigurationAggregatorsInput{})
		return allPages(ctx, &configservice.DescribeConfigurationAggregatorsOutput{}, p.HasMorePages, p.NextPage)
	})
}

func collectGuardDuty(j *job) {
	c := guardduty.NewFromConfig(j.cfg)
	dets := once(j, "ListDetectors", func(ctx context.Context) (*guardduty.ListDetectorsOutput, error) {
		p := guardduty.NewListDetectorsPaginator(c, &guardduty.ListDetectorsInput{})
		return allPages(ctx, &guardduty.ListDetectorsOutput{}, p.HasMorePages, p.NextPage)
	})
	if dets != nil {
		for _, id := range dets.DetectorIds {
			id := id
			each(j, "GetDetector", id, func(ctx context.Context) (*guardduty.GetDetectorOutput, error) {
				return c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: &id})
			})
			each(j, "GetAdministratorAccount", id, func(ctx context.Context) (*guardduty.GetAdministratorAccountOutput, error) {
				return c.GetAdministratorAccount(ctx, &guardduty.GetAdministratorAccountInput{DetectorId: &id})
			})
		}
	}
	if j.run.org.IsManagementAccount(j.account) {
		once(j, "ListOrganizationAdminAccounts", func(ctx context.Context) (*guardduty.ListOrganizationAdminAccountsOutput, error) {
			return c.ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{})
		})
	}
}

func collectSecurityHub(j *job) {
	c := securityhub.NewFromConfig(j.cfg)
	hub := once(j, "DescribeHub", func(ctx context.Context) (*securityhub.DescribeHubOutput, error) {
		return c.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	})
	if code := j.file.Error("DescribeHub"); code == "InvalidAccessException" {
		// Security Hub is not enabled: AWS answers every Security Hub
		// read with the same error, so it is recorded, not asked for.
		j.file.SetError("GetEnabledStandards", code)
		j.file.SetError("GetAdministratorAccount", code)
	}
	if hub != nil {
		once(j, "GetEnabledStandards", func(ctx context.Context) (*securityhub.GetEnabledStandardsOutput, error) {
			p := securityhub.NewGetEnabledStandardsPaginator(c, &securityhub.GetEnabledStandardsInput{})
			return allPages(ctx, &securityhub.GetEnabledStandardsOutput{}, p.HasMorePages, p.NextPage)
		})
		once(j, "GetAdministratorAccount", func(ctx context.Context) (*securityhub.GetAdministratorAccountOutput, error) {
			return c.GetAdministratorAccount(ctx, &securityhub.GetAdministratorAccountInput{})
		})
	}
	if j.run.org.IsManagementAccount(j.account) {
		once(j, "ListOrganizationAdminAccounts", func(ctx context.Context) (*securityhub.ListOrganizationAdminAccountsOutput, error) {
			return c.ListOrganizationAdminAccounts(ctx, &securityhub.ListOrganizationAdminAccountsInput{})
		})
	}
}

func collectAccessAnalyzer(j *job) {
	c := accessanalyzer.NewFromConfig(j.cfg)
	once(j, "ListAnalyzers", func(ctx context.Context) (*accessanalyzer.ListAnalyzersOutput, error) {
		p := accessanalyzer.NewListAnalyzersPaginator(c, &accessanalyzer.ListAnalyzersInput{})
		return allPages(ctx, &accessanalyzer.ListAnalyzersOutput{}, p.HasMorePages, p.NextPage)
	})
}
