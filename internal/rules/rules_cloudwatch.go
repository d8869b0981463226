package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// metricAlarmSpec is one CIS section 4 item: the events its metric
// filter must catch, as the documented filter pattern, and a title.
type metricAlarmSpec struct {
	id, title, what string
	sh, cis         string
	pattern         string
	sev             severity.Level
	// source is the eventSource of the events the pattern names when
	// the pattern itself does not say (witness events carry it, so a
	// filter that adds the eventSource guard still counts).
	source string
}

// metricAlarmSpecs are the documented filter patterns (the Security Hub
// user guide's CloudWatch.1–14 remediation, CIS v3.0.0 4.15 for
// Organizations). A filter counts when it matches every event the
// documented pattern is written for, and not a routine read.
var metricAlarmSpecs = []metricAlarmSpec{
	{"cloudwatch.alarm-root-usage", "A metric filter and alarm exist for usage of the root user", "root user activity", "CloudWatch.1", "4.3",
		`{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`, severity.Medium, ""},
	{"cloudwatch.alarm-unauthorized-api-calls", "A metric filter and alarm exist for unauthorized API calls", "unauthorized API calls", "CloudWatch.2", "4.1",
		`{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`, severity.Low, ""},
	{"cloudwatch.alarm-console-no-mfa", "A metric filter and alarm exist for console sign-in without MFA", "console sign-in without MFA", "CloudWatch.3", "4.2",
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`, severity.Low, "signin.amazonaws.com"},
	{"cloudwatch.alarm-iam-policy-changes", "A metric filter and alarm exist for IAM policy changes", "IAM policy changes", "CloudWatch.4", "4.4",
		`{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}`, severity.Low, "iam.amazonaws.com"},
	{"cloudwatch.alarm-cloudtrail-changes", "A metric filter and alarm exist for CloudTrail configuration changes", "CloudTrail configuration changes", "CloudWatch.5", "4.5",
		`{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}`, severity.Low, "cloudtrail.amazonaws.com"},
	{"cloudwatch.alarm-console-auth-failures", "A metric filter and alarm exist for console authentication failures", "console authentication failures", "CloudWatch.6", "4.6",
		`{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}`, severity.Low, "signin.amazonaws.com"},
	{"cloudwatch.alarm-cmk-disable-delete", "A metric filter and alarm exist for disabling or scheduled deletion of customer managed keys", "disabling or scheduled deletion of KMS keys", "CloudWatch.7", "4.7",
		`{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}`, severity.Low, ""},
	{"cloudwatch.alarm-s3-policy-changes", "A metric filter and alarm exist for S3 bucket policy changes", "S3 bucket policy changes", "CloudWatch.8", "4.8",
		`{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}`, severity.Low, ""},
	{"cloudwatch.alarm-config-changes", "A metric filter and alarm exist for AWS Config configuration changes", "AWS Config configuration changes", "CloudWatch.9", "4.9",
		`{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}`, severity.Low, ""},
	{"cloudwatch.alarm-security-group-changes", "A metric filter and alarm exist for security group changes", "security group changes", "CloudWatch.10", "4.10",
		`{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}`, severity.Low, "ec2.amazonaws.com"},
	{"cloudwatch.alarm-nacl-changes", "A metric filter and alarm exist for network ACL changes", "network ACL changes", "CloudWatch.11", "4.11",
		`{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}`, severity.Low, "ec2.amazonaws.com"},
	{"cloudwatch.alarm-network-gateway-changes", "A metric filter and alarm exist for network gateway changes", "network gateway changes", "CloudWatch.12", "4.12",
		`{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}`, severity.Low, "ec2.amazonaws.com"},
	{"cloudwatch.alarm-route-table-changes", "A metric filter and alarm exist for route table changes", "route table changes", "CloudWatch.13", "4.13",
		`{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}`, severity.Low, "ec2.amazonaws.com"},
	{"cloudwatch.alarm-vpc-changes", "A metric filter and alarm exist for VPC changes", "VPC changes", "CloudWatch.14", "4.14",
		`{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}`, severity.Low, "ec2.amazonaws.com"},
	{"cloudwatch.alarm-organizations-changes", "A metric filter and alarm exist for AWS Organizations changes", "AWS Organizations changes", "", "4.15",
		`{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`, severity.Low, ""},
}

func init() {
	for i := range metricAlarmSpecs {
		s := &metricAlarmSpecs[i]
		register(&Rule{ID: s.id, Title: s.title, Severity: s.sev,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"cloudtrail", "logs", "cloudwatch", "sns"},
			Rationale: "An alarm on " + s.what + " tells the security team within minutes, instead of at the next log review; " +
				"an organization trail's log group with the filter and alarm covers every member account.",
			Remediation: "On the CloudWatch Logs log group of the organization trail (or of a multi-region trail of the account), create a metric filter for " +
				s.what + " with the CIS pattern, an alarm on its metric, and an SNS topic with a confirmed subscriber as the alarm action.",
			Mappings: findings.Mappings{SecurityHub: s.sh, CIS: s.cis, NistCsf: "DE.CM"},
			check:    func(c *Ctx) error { return checkMetricAlarm(c, s) }})
	}
}

// coverCache memoizes covers: the same organization filters are judged
// for every member account.
var coverCache sync.Map // [2]string{spec id, pattern} -> coverResult

type coverResult struct {
	ok  bool
	why string
}

// covers is filterCovers with the spec's event source on witnesses.
func (s *metricAlarmSpec) covers(pattern string) (bool, string) {
	k := [2]string{s.id, pattern}
	if r, ok := coverCache.Load(k); ok {
		return r.(coverResult).ok, r.(coverResult).why
	}
	ok, why := filterCoversFrom(s.pattern, s.source, pattern)
	coverCache.Store(k, coverResult{ok, why})
	return ok, why
}

// filterCovers reports whether pattern catches the events the spec's
// documented pattern is written for (one witness event per alternative)
// and leaves a routine read alone. The reason says what it misses.
func filterCovers(spec, pattern string) (bool, string) {
	return filterCoversFrom(spec, "", pattern)
}

// filterCoversFrom is filterCovers with witnesses from source (the
// routine event's eventSource when empty).
func filterCoversFrom(spec, source, pattern string) (bool, string) {
	ref, err := parseFilterPattern(spec)
	if err != nil {
		return false, err.Error()
	}
	got, err := parseFilterPattern(pattern)
	if err != nil {
		return false, err.Error()
	}
	for _, w := range witnesses(ref, source) {
		if !got.match(w) {
			return false, "does not match " + describeEvent(w)
		}
	}
	if got.match(routineEvent()) {
		return false, "matches routine API calls too"
	}
	return true, ""
}

// routineEvent is a successful read by a role: no CIS filter matches it.
func routineEvent() map[string]any {
	return map[string]any{"eventVersion": "1.08", "eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances",
		"eventType": "AwsApiCall", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
		"userIdentity": map[string]any{"type": "AssumedRole", "accountId": "111122223333"},
		"readOnly":     true, "managementEvent": true}
}

// witnesses returns, for each alternative of the pattern in disjunctive
// form, a CloudTrail-like event that satisfies it.
func witnesses(e *filterExpr, source string) []map[string]any {
	var out []map[string]any
	for _, conj := range disjuncts(e) {
		ev := routineEvent()
		delete(ev, "readOnly")
		if source != "" {
			ev["eventSource"] = source
		}
		for _, c := range conj {
			setWitness(ev, c)
		}
		out = append(out, ev)
	}
	return out
}

// disjuncts expands e into alternatives, each a list of comparisons.
func disjuncts(e *filterExpr) [][]*filterExpr {
	switch e.op {
	case "||":
		var out [][]*filterExpr
		for _, c := range e.children {
			out = append(out, disjuncts(c)...)
		}
		return out
	case "&&":
		out := [][]*filterExpr{{}}
		for _, c := range e.children {
			var next [][]*filterExpr
			for _, left := range out {
				for _, right := range disjuncts(c) {
					next = append(next, append(append([]*filterExpr{}, left...), right...))
				}
			}
			out = next
		}
		return out
	}
	return [][]*filterExpr{{e}}
}

// setWitness makes ev satisfy one comparison.
func setWitness(ev map[string]any, c *filterExpr) {
	switch c.cmp {
	case "NOT EXISTS":
		deletePath(ev, c.path)
	case "=":
		setPath(ev, c.path, strings.ReplaceAll(c.value, "*", "Example"))
	case "!=":
		if cur, ok := lookupPath(ev, c.path); ok && !c.equals(cur) {
			return
		}
		v := "No"
		if c.value == "No" {
			v = "Yes"
		}
		setPath(ev, c.path, v)
	case "IS TRUE", "IS FALSE":
		setPath(ev, c.path, c.cmp == "IS TRUE")
	case "IS NULL":
		setPath(ev, c.path, nil)
	default:
		n, _ := strconv.ParseFloat(c.value, 64)
		switch c.cmp {
		case "<":
			n--
		case ">":
			n++
		}
		setPath(ev, c.path, n)
	}
}

func setPath(ev map[string]any, path []string, v any) {
	m := ev
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func deletePath(ev map[string]any, path []string) {
	m := ev
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, path[len(path)-1])
}

func describeEvent(ev map[string]any) string {
	var parts []string
	for _, k := range []string{"eventSource", "eventName", "errorCode", "errorMessage"} {
		if v, ok := ev[k].(string); ok && (k != "eventSource" || ev["eventName"] != "DescribeInstances") {
			parts = append(parts, k+"="+v)
		}
	}
	if ui, ok := ev["userIdentity"].(map[string]any); ok && ui["type"] != "AssumedRole" {
		parts = append(parts, fmt.Sprintf("userIdentity.type=%v", ui["type"]))
	}
	return "an event with " + strings.Join(parts, ", ")
}

// checkMetricAlarm passes the account when a multi-region trail that
// records it — the organization trail first, then its own — delivers to
// a log group with a covering metric filter whose metric has an alarm
// notifying an SNS topic with a confirmed subscriber.
func checkMetricAlarm(c *Ctx, s *metricAlarmSpec) error {
	var cands []*trailInfo
	for _, t := range c.run.facts.orgTrails {
		if trailCovers(t) {
			cands = append(cands, t)
		}
	}
	own, err := accountTrails(c)
	if err != nil && len(cands) == 0 {
		return err
	}
	for _, t := range sortedTrails(own) {
		if trailCovers(t) && !boolv(t.IsOrganizationTrail) {
			cands = append(cands, t)
		}
	}
	var why []string
	var firstErr error
	for _, t := range cands {
		lg := aws(t.CloudWatchLogsLogGroupArn)
		if lg == "" {
			why = append(why, "trail "+aws(t.Name)+" does not deliver to CloudWatch Logs")
			continue
		}
		ok, msg, err := alarmChain(c, lg, s)
		switch {
		case err != nil:
			if firstErr == nil {
				firstErr = fmt.Errorf("trail %s: %w", aws(t.Name), err)
			}
		case ok:
			kind := "trail"
			if boolv(t.IsOrganizationTrail) {
				kind = "organization trail"
			}
			c.Pass("", "%s %s: %s", kind, aws(t.Name), msg)
			return nil
		default:
			why = append(why, "trail "+aws(t.Name)+": "+msg)
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if len(cands) == 0 {
		c.Fail("", "no multi-region trail logging management events records the account, so no metric filter can watch for %s", s.what)
		return nil
	}
	c.Fail("", "no alarm on %s: %s", s.what, strings.Join(why, "; "))
	return nil
}

// alarmChain follows log group → metric filters → alarms → SNS topics in
// the log group's account and region. The answer depends only on the
// log group and the spec, and an organization trail's log group is the
// same for every account: it is worked out once per run (without the
// memo, each account re-read and re-decoded the log group account's
// metric filters and alarms for each of the CIS alarm rules — a third
// of a 1,000-account audit's CPU).
func alarmChain(c *Ctx, lgArn string, s *metricAlarmSpec) (bool, string, error) {
	e, _ := c.run.alarmChains.LoadOrStore(alarmChainKey{lgArn, s}, &alarmChainResult{})
	r := e.(*alarmChainResult)
	r.once.Do(func() {
		// Should the chain panic, the accounts after the first (whose
		// panic becomes its ERROR) get an error too, not a FAILED.
		r.err = fmt.Errorf("internal error following the alarm chain of %s", lgArn)
		r.ok, r.msg, r.err = followAlarmChain(c, lgArn, s)
	})
	return r.ok, r.msg, r.err
}

type alarmChainKey struct {
	logGroup string
	spec     *metricAlarmSpec
}

type alarmChainResult struct {
	once sync.Once
	ok   bool
	msg  string
	err  error
}

func followAlarmChain(c *Ctx, lgArn string, s *metricAlarmSpec) (bool, string, error) {
	acct, region := arnAccount(lgArn), arnRegion(lgArn)
	name := logGroupName(lgArn)
	v := c.viewOf(acct)
	mf, err := get[cloudwatchlogs.DescribeMetricFiltersOutput](v, region, "logs", "DescribeMetricFilters")
	if err != nil {
		return false, "", err
	}
	var near []string
	metrics := map[[2]string]string{}
	for _, f := range mf.MetricFilters {
		if aws(f.LogGroupName) != name {
			continue
		}
		ok, why := s.covers(aws(f.FilterPattern))
		if !ok {
			near = append(near, fmt.Sprintf("filter %s %s", aws(f.FilterName), why))
			continue
		}
		for _, m := range f.MetricTransformations {
			metrics[[2]string{aws(m.MetricNamespace), aws(m.MetricName)}] = aws(f.FilterName)
		}
	}
	if len(metrics) == 0 {
		if len(near) > 0 {
			return false, fmt.Sprintf("log group %s has no metric filter for %s (%s)", name, s.what, strings.Join(near, "; ")), nil
		}
		return false, fmt.Sprintf("log group %s has no metric filter for %s", name, s.what), nil
	}
	al, err := get[cloudwatch.DescribeAlarmsOutput](v, region, "cloudwatch", "DescribeAlarms")
	if err != nil {
		return false, "", err
	}
	var problems []string
	for _, a := range al.MetricAlarms {
		filter, ok := metrics[[2]string{aws(a.Namespace), aws(a.MetricName)}]
		if !ok {
			continue
		}
		if a.ActionsEnabled != nil && !*a.ActionsEnabled {
			problems = append(problems, "alarm "+aws(a.AlarmName)+" has its actions disabled")
			continue
		}
		topic, subs, why := subscribedTopic(c, a.AlarmActions)
		if topic != "" {
			return true, fmt.Sprintf("filter %s on %s, alarm %s notifies %s (%d confirmed subscriptions)", filter, name, aws(a.AlarmName), topic, subs), nil
		}
		problems = append(problems, "alarm "+aws(a.AlarmName)+" "+why)
	}
	if len(problems) == 0 {
		keys := make([]string, 0, len(metrics))
		for k := range metrics {
			keys = append(keys, k[0]+"/"+k[1])
		}
		sort.Strings(keys)
		return false, fmt.Sprintf("no alarm on metric %s of the filter on %s", strings.Join(keys, ", "), name), nil
	}
	return false, strings.Join(problems, "; "), nil
}

// subscribedTopic returns the first SNS alarm action whose topic has a
// confirmed subscription, with the count; otherwise why none counts.
func subscribedTopic(c *Ctx, actions []string) (string, int, string) {
	why := "has no SNS action"
	for _, act := range actions {
		if !strings.HasPrefix(act, "arn:") || !strings.Contains(act, ":sns:") {
			continue
		}
		ta, err := getRes[sns.GetTopicAttributesOutput](c.viewOf(arnAccount(act)), arnRegion(act), "sns", "GetTopicAttributes", act)
		if err != nil {
			why = "notifies " + act + ", which the snapshot does not hold"
			continue
		}
		n, _ := strconv.Atoi(ta.Attributes["SubscriptionsConfirmed"])
		if n > 0 {
			return act, n, ""
		}
		why = "notifies " + act + ", which has no confirmed subscriber"
	}
	return "", 0, why
}

// logGroupName takes the name from arn:aws:logs:R:A:log-group:NAME[:*].
func logGroupName(arn string) string {
	_, rest, ok := strings.Cut(arn, ":log-group:")
	if !ok {
		return arn
	}
	return strings.TrimSuffix(rest, ":*")
}

func init() {
	register(&Rule{ID: "cloudwatch.alarm-action-configured", Title: "CloudWatch alarms have an action for the ALARM state", Severity: severity.High,
		Scope: ScopeRegion, ResourceType: "AWS::CloudWatch::Alarm", Services: []string{"cloudwatch"},
		Rationale:   "An alarm without an action for the ALARM state changes colour in the console and tells no one.",
		Remediation: "Add an alarm action (an SNS topic with a subscriber, an Auto Scaling or EC2 action) for the ALARM state.",
		Mappings:    findings.Mappings{ConfigRule: "CLOUDWATCH_ALARM_ACTION_CHECK", SecurityHub: "CloudWatch.15", NistCsf: "DE.CM"},
		check: func(c *Ctx) error {
			return eachAlarm(c, func(arn, name string, a *cwAlarm) {
				c.Check(len(a.AlarmActions) > 0, arn, fmt.Sprintf("alarm %s has %d ALARM-state action(s)", name, len(a.AlarmActions)),
					"alarm "+name+" has no action for the ALARM state")
			})
		}})
	register(&Rule{ID: "cloudwatch.alarm-actions-enabled", Title: "CloudWatch alarm actions are activated", Severity: severity.High,
		Scope: ScopeRegion, ResourceType: "AWS::CloudWatch::Alarm", Services: []string{"cloudwatch"},
		Rationale:   "With actions deactivated an alarm still changes state but runs none of its actions: nobody is notified.",
		Remediation: "Activate the alarm's actions (EnableAlarmActions, or ActionsEnabled=true in PutMetricAlarm).",
		Mappings:    findings.Mappings{ConfigRule: "CLOUDWATCH_ALARM_ACTION_ENABLED_CHECK", SecurityHub: "CloudWatch.17", NistCsf: "DE.CM"},
		check: func(c *Ctx) error {
			return eachAlarm(c, func(arn, name string, a *cwAlarm) {
				on := a.ActionsEnabled != nil && *a.ActionsEnabled
				c.Check(on, arn, "alarm "+name+" has its actions activated", "alarm "+name+" has its actions deactivated")
			})
		}})
}

// cwAlarm is one metric alarm of DescribeAlarms.
type cwAlarm = cwtypes.MetricAlarm

// eachAlarm calls fn for each metric alarm of the region.
func eachAlarm(c *Ctx, fn func(arn, name string, a *cwAlarm)) error {
	al, err := get[cloudwatch.DescribeAlarmsOutput](c.v, c.Region, "cloudwatch", "DescribeAlarms")
	if err != nil {
		return err
	}
	for i := range al.MetricAlarms {
		a := &al.MetricAlarms[i]
		name := ""
		if a.AlarmName != nil {
			name = *a.AlarmName
		}
		arn := ""
		if a.AlarmArn != nil {
			arn = *a.AlarmArn
		}
		if arn == "" {
			arn = c.arn("cloudwatch", c.Region, c.accountID(), "alarm:"+name)
		}
		fn(arn, name, a)
	}
	return nil
}

// minLogRetentionDays is CW_LOGGROUP_RETENTION_PERIOD_CHECK's default
// MinRetentionTime (CloudWatch.16: at least one year).
const minLogRetentionDays = 365

func init() {
	register(&Rule{ID: "logs.log-group-retention-1y", Title: "CloudWatch Logs log groups keep their events for at least a year", Severity: severity.Medium,
		Scope: ScopeRegion, ResourceType: "AWS::Logs::LogGroup", Services: []string{"logs"},
		Rationale:   "An investigation often starts months after the fact; log events deleted after weeks cannot answer it.",
		Remediation: "Set the log group's retention to 365 days or more (PutRetentionPolicy), or to never expire.",
		Mappings:    findings.Mappings{ConfigRule: "CW_LOGGROUP_RETENTION_PERIOD_CHECK", SecurityHub: "CloudWatch.16", NistCsf: "PR.PS"},
		check:       checkLogGroupRetention})
}

// checkLogGroupRetention passes a log group whose retention is at least a
// year, or never expires (no RetentionInDays).
func checkLogGroupRetention(c *Ctx) error {
	out, err := get[cloudwatchlogs.DescribeLogGroupsOutput](c.v, c.Region, "logs", "DescribeLogGroups")
	if err != nil {
		return err
	}
	for _, g := range out.LogGroups {
		name := ""
		if g.LogGroupName != nil {
			name = *g.LogGroupName
		}
		arn := ""
		switch {
		case g.LogGroupArn != nil:
			arn = *g.LogGroupArn
		case g.Arn != nil:
			arn = strings.TrimSuffix(*g.Arn, ":*")
		default:
			arn = c.arn("logs", c.Region, c.accountID(), "log-group:"+name)
		}
		switch {
		case g.RetentionInDays == nil:
			c.Pass(arn, "log group %s never expires its events", name)
		case *g.RetentionInDays >= minLogRetentionDays:
			c.Pass(arn, "log group %s keeps events %d days", name, *g.RetentionInDays)
		default:
			c.Fail(arn, "log group %s keeps events only %d days (less than %d)", name, *g.RetentionInDays, minLogRetentionDays)
		}
	}
	return nil
}
