package demo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// cisAlarmTopic is the management account's SNS topic the CIS alarms
// notify (two confirmed subscriptions, as every demo topic).
const cisAlarmTopic = "kumo-cis-alarms"

// orgTrailLogGroup is the organization trail's log group name.
const orgTrailLogGroup = "/kumo/org-trail"

// cisFilters are the CIS AWS Foundations v3.0.0 section 4 metric
// filters Kumo Foods keeps on the organization trail's log group,
// written the way the benchmark's audit steps spell them.
var cisFilters = []struct{ name, pattern string }{
	{"unauthorized-api-calls", `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`},
	{"console-no-mfa", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`},
	{"root-usage", `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`},
	{"iam-policy-changes", `{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = SetDefaultPolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }`},
	{"cloudtrail-changes", `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`},
	{"console-auth-failures", `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`},
	{"cmk-disable-delete", `{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`},
	{"s3-policy-changes", `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`},
	{"config-changes", `{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }`},
	{"security-group-changes", `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`},
	{"nacl-changes", `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`},
	{"network-gateway-changes", `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`},
	{"route-table-changes", `{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`},
	{"vpc-changes", `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`},
	{"organizations-changes", `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`},
}

// hasCISAlarms says whether the account and region hold the
// organization trail's log group (the management account's home region).
func (w *world) hasCISAlarms(a *acct, region string) bool {
	return a == w.mgmt && region == w.home
}

func renderLogs(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "logs")
	filters := []cwltypes.MetricFilter{}
	if w.hasCISAlarms(a, rr.region) {
		for _, c := range cisFilters {
			if w.cisOmitted[c.name] {
				continue
			}
			filters = append(filters, cwltypes.MetricFilter{FilterName: aws.String("cis-" + c.name), LogGroupName: aws.String(orgTrailLogGroup),
				FilterPattern: aws.String(c.pattern), CreationTime: aws.Int64(w.mgmt.JoinedTimestamp.Add(5 * 24 * 3600e9).UnixMilli()),
				MetricTransformations: []cwltypes.MetricTransformation{{MetricName: aws.String("cis-" + c.name),
					MetricNamespace: aws.String("CISBenchmark"), MetricValue: aws.String("1")}}})
		}
	}
	f.put("DescribeMetricFilters", cloudwatchlogs.DescribeMetricFiltersOutput{MetricFilters: filters})
	groups := []cwltypes.LogGroup{}
	if w.hasCISAlarms(a, rr.region) {
		g := logGroupOf(a, rr.region, &logGroup{name: orgTrailLogGroup, retention: 365, created: w.mgmt.JoinedTimestamp.Add(5 * 24 * 3600e9)})
		g.MetricFilterCount = aws.Int32(int32(len(filters)))
		groups = append(groups, g)
	}
	for _, g := range rr.logGroups {
		groups = append(groups, logGroupOf(a, rr.region, g))
	}
	f.put("DescribeLogGroups", cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: groups})
	return f
}

// logGroupOf is g as DescribeLogGroups returns it.
func logGroupOf(a *acct, region string, g *logGroup) cwltypes.LogGroup {
	arn := logGroupARN(a, region, g.name)
	out := cwltypes.LogGroup{LogGroupName: aws.String(g.name), Arn: aws.String(arn + ":*"), LogGroupArn: aws.String(arn),
		CreationTime: aws.Int64(g.created.UnixMilli()), StoredBytes: aws.Int64(0), MetricFilterCount: aws.Int32(0),
		LogGroupClass: cwltypes.LogGroupClassStandard}
	if g.retention > 0 {
		out.RetentionInDays = aws.Int32(g.retention)
	}
	return out
}

func logGroupARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, a.Id, name)
}

func renderCloudWatch(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "cloudwatch")
	alarms := []cwtypes.MetricAlarm{}
	if w.hasCISAlarms(a, rr.region) {
		topic := fmt.Sprintf("arn:aws:sns:%s:%s:%s", rr.region, a.Id, cisAlarmTopic)
		for _, c := range cisFilters {
			if w.cisOmitted[c.name] {
				continue
			}
			name := "cis-" + c.name
			alarms = append(alarms, cwtypes.MetricAlarm{AlarmName: aws.String(name),
				AlarmArn:   aws.String(fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", rr.region, a.Id, name)),
				MetricName: aws.String(name), Namespace: aws.String("CISBenchmark"), Statistic: cwtypes.StatisticSum,
				Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
				ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold, ActionsEnabled: aws.Bool(true),
				AlarmActions: []string{topic}, OKActions: []string{}, InsufficientDataActions: []string{}, Dimensions: []cwtypes.Dimension{},
				StateValue: cwtypes.StateValueOk, TreatMissingData: aws.String("notBreaching")})
		}
	}
	f.put("DescribeAlarms", cloudwatch.DescribeAlarmsOutput{MetricAlarms: alarms, CompositeAlarms: []cwtypes.CompositeAlarm{}})
	return f
}
