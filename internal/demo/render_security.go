package demo

import (
	"fmt"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2types "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// orgTrailKey is the KMS key (in Log Archive) the organization trail
// encrypts with.
func (w *world) orgTrailKey() string {
	for _, k := range w.region(w.logArch, w.home).keys {
		if k.alias == "kumo-org-trail" {
			return keyARN(w.logArch, w.home, k.id)
		}
	}
	return ""
}

func renderCloudTrail(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "cloudtrail")
	trails := []cttypes.Trail{{Name: aws.String(w.trailName), S3BucketName: aws.String(w.trailBkt),
		IncludeGlobalServiceEvents: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true), HomeRegion: aws.String(w.home),
		TrailARN: aws.String(w.trailARN), LogFileValidationEnabled: aws.Bool(true), IsOrganizationTrail: aws.Bool(true),
		KmsKeyId:                  aws.String(w.orgTrailKey()),
		CloudWatchLogsLogGroupArn: aws.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", w.home, w.mgmt.Id, orgTrailLogGroup)),
		CloudWatchLogsRoleArn:     aws.String(fmt.Sprintf("arn:aws:iam::%s:role/KumoOrgTrailToCloudWatch", w.mgmt.Id)),
		HasCustomEventSelectors:   aws.Bool(true), HasInsightSelectors: aws.Bool(false)}}
	statusOf := func(created time.Time) cloudtrail.GetTrailStatusOutput {
		return cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(true), StartLoggingTime: ptime(created),
			LatestDeliveryTime: ptime(w.collected.Add(-4 * time.Minute)), LatestDigestDeliveryTime: ptime(End.Add(4 * time.Minute)),
			LatestCloudWatchLogsDeliveryTime: ptime(w.collected.Add(-3 * time.Minute)),
			TimeLoggingStarted:               aws.String(isoTime(created)), LatestDeliveryAttemptSucceeded: aws.String(isoTime(w.collected.Add(-4 * time.Minute))),
			LatestDeliveryAttemptTime: aws.String(isoTime(w.collected.Add(-4 * time.Minute)))}
	}
	f.res("GetTrailStatus", w.trailARN, statusOf(w.mgmt.JoinedTimestamp.Add(3*time.Hour)))
	f.res("GetEventSelectors", w.trailARN, cloudtrail.GetEventSelectorsOutput{TrailARN: aws.String(w.trailARN),
		AdvancedEventSelectors: []cttypes.AdvancedEventSelector{
			{Name: aws.String("Management events"), FieldSelectors: []cttypes.AdvancedFieldSelector{
				{Field: aws.String("eventCategory"), Equals: []string{"Management"}}}},
			{Name: aws.String("S3 data events"), FieldSelectors: []cttypes.AdvancedFieldSelector{
				{Field: aws.String("eventCategory"), Equals: []string{"Data"}},
				{Field: aws.String("resources.type"), Equals: []string{"AWS::S3::Object"}}}},
		}})
	if t := a.extraTrail; t != nil && t.region == rr.region {
		arn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", t.region, a.Id, t.name)
		trails = append(trails, cttypes.Trail{Name: aws.String(t.name), S3BucketName: aws.String(t.bucket),
			IncludeGlobalServiceEvents: aws.Bool(false), IsMultiRegionTrail: aws.Bool(false), HomeRegion: aws.String(t.region),
			TrailARN: aws.String(arn), LogFileValidationEnabled: aws.Bool(t.validation), IsOrganizationTrail: aws.Bool(false),
			CloudWatchLogsLogGroupArn: aws.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/kumo/legacy-audit-trail:*", t.region, a.Id)),
			CloudWatchLogsRoleArn:     aws.String(fmt.Sprintf("arn:aws:iam::%s:role/KumoLegacyTrailToCloudWatch", a.Id)),
			HasCustomEventSelectors:   aws.Bool(false), HasInsightSelectors: aws.Bool(false)})
		f.res("GetTrailStatus", arn, statusOf(a.JoinedTimestamp.Add(30*24*time.Hour)))
		f.res("GetEventSelectors", arn, cloudtrail.GetEventSelectorsOutput{TrailARN: aws.String(arn),
			EventSelectors: []cttypes.EventSelector{{IncludeManagementEvents: aws.Bool(true), ReadWriteType: cttypes.ReadWriteTypeAll,
				DataResources: []cttypes.DataResource{}, ExcludeManagementEventSources: []string{}}}})
	}
	f.put("DescribeTrails", cloudtrail.DescribeTrailsOutput{TrailList: trails})
	return f
}

func renderConfig(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "config")
	slr := w.roleARN(a, "aws-service-role/config.amazonaws.com/"+configSLR)
	since := a.JoinedTimestamp.Add(28 * time.Hour)
	recorders := []cfgtypes.ConfigurationRecorder{}
	statuses := []cfgtypes.ConfigurationRecorderStatus{}
	channels := []cfgtypes.DeliveryChannel{}
	if rr.config {
		recorders = append(recorders, cfgtypes.ConfigurationRecorder{Name: aws.String("default"), RoleARN: aws.String(slr),
			RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: rr.region == w.home,
				ResourceTypes: []cfgtypes.ResourceType{}},
			RecordingMode: &cfgtypes.RecordingMode{RecordingFrequency: cfgtypes.RecordingFrequencyContinuous}})
		statuses = append(statuses, cfgtypes.ConfigurationRecorderStatus{Name: aws.String("default"), Recording: true,
			LastStatus: cfgtypes.RecorderStatusSuccess, LastStartTime: ptime(since), LastStatusChangeTime: ptime(w.collected.Add(-11 * time.Minute))})
		channels = append(channels, cfgtypes.DeliveryChannel{Name: aws.String("default"), S3BucketName: aws.String("kumo-org-config-" + w.logArch.Id),
			ConfigSnapshotDeliveryProperties: &cfgtypes.ConfigSnapshotDeliveryProperties{DeliveryFrequency: cfgtypes.MaximumExecutionFrequencyTwentyFourHours}})
	}
	f.put("DescribeConfigurationRecorders", configservice.DescribeConfigurationRecordersOutput{ConfigurationRecorders: recorders})
	f.put("DescribeConfigurationRecorderStatus", configservice.DescribeConfigurationRecorderStatusOutput{ConfigurationRecordersStatus: statuses})
	f.put("DescribeDeliveryChannels", configservice.DescribeDeliveryChannelsOutput{DeliveryChannels: channels})
	f.put("DescribeConfigRules", configservice.DescribeConfigRulesOutput{ConfigRules: []cfgtypes.ConfigRule{}})
	aggs := []cfgtypes.ConfigurationAggregator{}
	if a == w.audit && rr.region == w.home {
		aggs = append(aggs, cfgtypes.ConfigurationAggregator{ConfigurationAggregatorName: aws.String("kumo-org-aggregator"),
			ConfigurationAggregatorArn: aws.String(fmt.Sprintf("arn:aws:config:%s:%s:config-aggregator/config-aggregator-kumo0org", rr.region, a.Id)),
			OrganizationAggregationSource: &cfgtypes.OrganizationAggregationSource{AllAwsRegions: true,
				RoleArn: aws.String(w.roleARN(a, "service-role/KumoConfigAggregator"))},
			CreationTime: ptime(since), LastUpdatedTime: ptime(since)})
	}
	f.put("DescribeConfigurationAggregators", configservice.DescribeConfigurationAggregatorsOutput{ConfigurationAggregators: aggs})
	return f
}

// detectorID is the account's GuardDuty detector id in a region.
func detectorID(a *acct, region string) string {
	r := newRand(uint64(a.index), uint64(len(region))<<4|uint64(region[len(region)-1]))
	return randString(r, hexDigits, 32)
}

func renderGuardDuty(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "guardduty")
	ids := []string{}
	if rr.guardDuty {
		id := detectorID(a, rr.region)
		ids = append(ids, id)
		created := isoTime(a.JoinedTimestamp.Add(29 * time.Hour))
		var feats []gdtypes.DetectorFeatureConfigurationResult
		for _, n := range []gdtypes.DetectorFeatureResult{gdtypes.DetectorFeatureResultCloudTrail, gdtypes.DetectorFeatureResultDnsLogs,
			gdtypes.DetectorFeatureResultFlowLogs, gdtypes.DetectorFeatureResultS3DataEvents, gdtypes.DetectorFeatureResultEksAuditLogs,
			gdtypes.DetectorFeatureResultEbsMalwareProtection, gdtypes.DetectorFeatureResultRdsLoginEvents,
			gdtypes.DetectorFeatureResultLambdaNetworkLogs, gdtypes.DetectorFeatureResultRuntimeMonitoring} {
			feats = append(feats, gdtypes.DetectorFeatureConfigurationResult{Name: n, Status: gdtypes.FeatureStatusEnabled,
				UpdatedAt: ptime(a.JoinedTimestamp.Add(29 * time.Hour))})
		}
		f.res("GetDetector", id, guardduty.GetDetectorOutput{Status: gdtypes.DetectorStatusEnabled, CreatedAt: aws.String(created),
			UpdatedAt: aws.String(created), FindingPublishingFrequency: gdtypes.FindingPublishingFrequencyFifteenMinutes,
			ServiceRole: aws.String(w.roleARN(a, "aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty")),
			Features:    feats, Tags: map[string]string{}})
		admin := guardduty.GetAdministratorAccountOutput{}
		if a != w.audit {
			admin.Administrator = &gdtypes.Administrator{AccountId: aws.String(w.audit.Id), RelationshipStatus: aws.String("Enabled"),
				InvitedAt: aws.String(created)}
		}
		f.res("GetAdministratorAccount", id, admin)
	}
	f.put("ListDetectors", guardduty.ListDetectorsOutput{DetectorIds: ids})
	if a == w.mgmt {
		f.put("ListOrganizationAdminAccounts", guardduty.ListOrganizationAdminAccountsOutput{AdminAccounts: []gdtypes.AdminAccount{
			{AdminAccountId: aws.String(w.audit.Id), AdminStatus: gdtypes.AdminStatusEnabled}}})
	}
	return f
}

func renderSecurityHub(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "securityhub")
	if a == w.mgmt {
		f.put("ListOrganizationAdminAccounts", securityhub.ListOrganizationAdminAccountsOutput{AdminAccounts: []shtypes.AdminAccount{
			{AccountId: aws.String(w.audit.Id), Status: shtypes.AdminStatusEnabled}}})
	}
	if !rr.securityHub {
		for _, op := range []string{"DescribeHub", "GetEnabledStandards", "GetAdministratorAccount"} {
			f.SetError(op, "InvalidAccessException")
		}
		return f
	}
	since := a.JoinedTimestamp.Add(30 * time.Hour)
	f.put("DescribeHub", securityhub.DescribeHubOutput{HubArn: aws.String(fmt.Sprintf("arn:aws:securityhub:%s:%s:hub/default", rr.region, a.Id)),
		SubscribedAt: aws.String(isoTime(since)), AutoEnableControls: aws.Bool(true), ControlFindingGenerator: shtypes.ControlFindingGeneratorSecurityControl})
	var subs []shtypes.StandardsSubscription
	for _, s := range []string{"aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/3.0.0"} {
		subs = append(subs, shtypes.StandardsSubscription{StandardsArn: aws.String(fmt.Sprintf("arn:aws:securityhub:%s::standards/%s", rr.region, s)),
			StandardsSubscriptionArn: aws.String(fmt.Sprintf("arn:aws:securityhub:%s:%s:subscription/%s", rr.region, a.Id, s)),
			StandardsStatus:          shtypes.StandardsStatusReady, StandardsInput: map[string]string{}, StandardsControlsUpdatable: shtypes.StandardsControlsUpdatableReadyForUpdates})
	}
	f.put("GetEnabledStandards", securityhub.GetEnabledStandardsOutput{StandardsSubscriptions: subs})
	admin := securityhub.GetAdministratorAccountOutput{}
	if a != w.audit {
		admin.Administrator = &shtypes.Invitation{AccountId: aws.String(w.audit.Id), MemberStatus: aws.String("Enabled"), InvitedAt: ptime(since)}
	}
	f.put("GetAdministratorAccount", admin)
	return f
}

func renderAccessAnalyzer(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "accessanalyzer")
	list := []aatypes.AnalyzerSummary{}
	if rr.analyzer {
		list = append(list, aatypes.AnalyzerSummary{Name: aws.String("kumo-org-analyzer"),
			Arn:  aws.String(fmt.Sprintf("arn:aws:access-analyzer:%s:%s:analyzer/kumo-org-analyzer", rr.region, a.Id)),
			Type: aatypes.TypeOrganization, Status: aatypes.AnalyzerStatusActive,
			CreatedAt: ptime(a.JoinedTimestamp.Add(31 * time.Hour)), Tags: map[string]string{}})
	}
	f.put("ListAnalyzers", accessanalyzer.ListAnalyzersOutput{Analyzers: list})
	return f
}

// renderMacie writes the account's Macie session in the region: enabled
// everywhere, except where a plant leaves Macie off (AWS then answers
// AccessDeniedException "Macie is not enabled.").
func renderMacie(a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "macie2")
	if rr.macieOff {
		f.SetError("GetMacieSession", "AccessDeniedException")
		return f
	}
	f.put("GetMacieSession", macie2.GetMacieSessionOutput{Status: m2types.MacieStatusEnabled,
		FindingPublishingFrequency: m2types.FindingPublishingFrequencyFifteenMinutes,
		ServiceRole:                aws.String("arn:aws:iam::" + a.Id + ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"),
		CreatedAt:                  ptime(a.JoinedTimestamp.Add(32 * time.Hour)), UpdatedAt: ptime(a.JoinedTimestamp.Add(32 * time.Hour))})
	return f
}
