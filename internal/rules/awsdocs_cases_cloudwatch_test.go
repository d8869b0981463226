package rules

import (
	"os"
	"strings"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgrail/orgrail/internal/findings"
)

// Sentences of the Security Hub user guide's CloudWatch controls page
// (the same note and remediation steps for CloudWatch.1–14).
const (
	qCWOrgTrail  = "When Security Hub performs the check for this control, it looks for CloudTrail trails that the current account uses. These trails might be organization trails that belong to another account."
	qCWLogGroup  = "Make a note of the name of the CloudWatch Logs log group that you associate with the CloudTrail trail. You create the metric filter for that log group."
	qCWSubscribe = "Create at least one subscriber to the topic."
	qCWNoTrail   = "The check results in FAILED findings in the following cases: No trail is configured."
)

// mgmtFilters returns the metric filters of the organization trail's
// log group.
func mgmtFilters(f *fx) *cloudwatchlogs.DescribeMetricFiltersOutput {
	return op[cloudwatchlogs.DescribeMetricFiltersOutput](f, acctM, region1, "logs", "DescribeMetricFilters")
}

// dropFilter removes the filter of one CIS item from the organization
// trail's log group.
func dropFilter(f *fx, id string) {
	out := mgmtFilters(f)
	keep := out.MetricFilters[:0]
	for _, m := range out.MetricFilters {
		if awsv2.ToString(m.FilterName) != id {
			keep = append(keep, m)
		}
	}
	out.MetricFilters = keep
}

// setFilterPattern replaces the pattern of one CIS item's filter.
func setFilterPattern(f *fx, id, pattern string) {
	out := mgmtFilters(f)
	for i := range out.MetricFilters {
		if awsv2.ToString(out.MetricFilters[i].FilterName) == id {
			out.MetricFilters[i].FilterPattern = awsv2.String(pattern)
		}
	}
}

// noTrailLogGroup takes the CloudWatch Logs delivery off the
// organization trail in every account's view.
func noTrailLogGroup(f *fx) {
	for _, a := range f.org.Accounts {
		dt := op[cloudtrail.DescribeTrailsOutput](f, a.Id, region1, "cloudtrail", "DescribeTrails")
		for i := range dt.TrailList {
			dt.TrailList[i].CloudWatchLogsLogGroupArn = nil
		}
	}
}

// docPatternFile reads the documented patterns outside a test (init).
func docPatternFile() map[string]string {
	out := map[string]string{}
	b, err := os.ReadFile("testdata/cloudwatch/securityhub-filter-patterns.txt")
	if err != nil {
		return out
	}
	for _, l := range strings.Split(string(b), "\n") {
		if id, p, ok := strings.Cut(l, " | "); ok && !strings.HasPrefix(l, "#") {
			out[id] = p
		}
	}
	return out
}

func init() {
	doc := docPatternFile()
	for _, s := range metricAlarmSpecs {
		id := s.id
		failCases[id] = func(f *fx) { dropFilter(f, id) }
		src, qOrg := shDoc("cloudwatch-controls"), qCWOrgTrail
		documented := doc[s.sh]
		if s.sh == "" {
			// CIS 4.15 has no Security Hub control; the page's note and
			// steps are the same for every metric filter item.
			documented = s.pattern
		}
		addDocCases(
			docCase{Rule: id, Source: src, Quote: qOrg, Name: "the organization trail's log group has the documented filter and an alarm (member account)",
				Mutate: func(f *fx) { setFilterPattern(f, id, documented) }, Want: findings.Passed},
			docCase{Rule: id, Source: src, Quote: qCWLogGroup, Name: "no metric filter on the trail's log group",
				Mutate: func(f *fx) { dropFilter(f, id) }, Want: findings.Failed},
			docCase{Rule: id, Source: src, Quote: qCWSubscribe, Name: "the alarm's topic has no confirmed subscriber",
				Mutate: func(f *fx) {
					res[sns.GetTopicAttributesOutput](f, acctM, region1, "sns", "GetTopicAttributes", "arn:aws:sns:"+region1+":"+acctM+":alerts").
						Attributes["SubscriptionsConfirmed"] = "0"
				}, Want: findings.Failed},
			docCase{Rule: id, Source: src, Quote: qCWNoTrail, Name: "no trail delivers to CloudWatch Logs",
				Mutate: noTrailLogGroup, Want: findings.Failed},
		)
	}
}

// Sentences of the AWS Config pages of CLOUDWATCH_ALARM_ACTION_CHECK
// (CloudWatch.15 checks the ALARM state only) and
// CLOUDWATCH_ALARM_ACTION_ENABLED_CHECK (CloudWatch.17).
const (
	qCWAction     = "The rule is NON_COMPLIANT if there is no action specified for the alarm or optional parameter."
	qCWActionOne  = "Alarms have at least one action."
	qCWActionsOn  = "The rule is NON_COMPLIANT if the CloudWatch alarms actions are not in enabled state."
	qCWActionsChk = "Checks if Amazon CloudWatch alarms actions are in enabled state."
)

// mgmtAlarm is the first alarm of the management account's home region
// (the clean fixture's CIS alarms: enabled, notifying a topic).
func mgmtAlarm(f *fx) *cwtypes.MetricAlarm {
	return &op[cloudwatch.DescribeAlarmsOutput](f, acctM, region1, "cloudwatch", "DescribeAlarms").MetricAlarms[0]
}

func init() {
	act, on := cfgDoc("cloudwatch-alarm-action-check"), cfgDoc("cloudwatch-alarm-action-enabled-check")
	failCases["cloudwatch.alarm-action-configured"] = func(f *fx) { mgmtAlarm(f).AlarmActions = nil }
	failCases["cloudwatch.alarm-actions-enabled"] = func(f *fx) { mgmtAlarm(f).ActionsEnabled = awsv2.Bool(false) }
	addDocCases(
		docCase{Rule: "cloudwatch.alarm-action-configured", Source: act, Quote: qCWActionOne, Name: "an SNS topic as ALARM action",
			Account: acctM, Want: findings.Passed},
		docCase{Rule: "cloudwatch.alarm-action-configured", Source: act, Quote: qCWAction, Name: "no action at all",
			Account: acctM, Mutate: func(f *fx) { mgmtAlarm(f).AlarmActions = nil }, Want: findings.Failed},
		docCase{Rule: "cloudwatch.alarm-action-configured", Source: act, Quote: qCWAction, Name: "an OK action but none for ALARM",
			Account: acctM, Mutate: func(f *fx) {
				a := mgmtAlarm(f)
				a.OKActions, a.AlarmActions = a.AlarmActions, nil
			}, Want: findings.Failed},
		docCase{Rule: "cloudwatch.alarm-actions-enabled", Source: on, Quote: qCWActionsChk, Name: "actions enabled",
			Account: acctM, Want: findings.Passed},
		docCase{Rule: "cloudwatch.alarm-actions-enabled", Source: on, Quote: qCWActionsOn, Name: "actions disabled",
			Account: acctM, Mutate: func(f *fx) { mgmtAlarm(f).ActionsEnabled = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "cloudwatch.alarm-actions-enabled", Source: on, Quote: qCWActionsOn, Name: "ActionsEnabled absent (not in enabled state)",
			Account: acctM, Mutate: func(f *fx) { mgmtAlarm(f).ActionsEnabled = nil }, Want: findings.Failed},
	)
}

// Sentences of the AWS Config page of CW_LOGGROUP_RETENTION_PERIOD_CHECK
// (CloudWatch.16).
const (
	qLogRet      = "The rule is NON_COMPLIANT if the retention period is less than MinRetentionTime, if specified, or else 365 days."
	qLogRetNever = `If the retention setting is "Never expire" for a log group, the rule is marked as COMPLIANT.`
)

// workerLogGroup is the clean fixture's log group of acctW's home region.
func workerLogGroup(f *fx) *cwltypes.LogGroup {
	return &op[cloudwatchlogs.DescribeLogGroupsOutput](f, acctW, region1, "logs", "DescribeLogGroups").LogGroups[0]
}

func init() {
	src := cfgDoc("cw-loggroup-retention-period-check")
	failCases["logs.log-group-retention-1y"] = func(f *fx) { workerLogGroup(f).RetentionInDays = awsv2.Int32(30) }
	addDocCases(
		docCase{Rule: "logs.log-group-retention-1y", Source: src, Quote: qLogRet, Name: "400 days", Want: findings.Passed},
		docCase{Rule: "logs.log-group-retention-1y", Source: src, Quote: qLogRet, Name: "exactly 365 days (not less)",
			Mutate: func(f *fx) { workerLogGroup(f).RetentionInDays = awsv2.Int32(365) }, Want: findings.Passed},
		docCase{Rule: "logs.log-group-retention-1y", Source: src, Quote: qLogRet, Name: "180 days",
			Mutate: func(f *fx) { workerLogGroup(f).RetentionInDays = awsv2.Int32(180) }, Want: findings.Failed},
		docCase{Rule: "logs.log-group-retention-1y", Source: src, Quote: qLogRetNever, Name: "never expire (no RetentionInDays)",
			Mutate: func(f *fx) { workerLogGroup(f).RetentionInDays = nil }, Want: findings.Passed},
	)
}
