package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// bridgeEvent is an EventBridge event envelope.
type bridgeEvent struct {
	Version    string   `json:"version"`
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Account    string   `json:"account"`
	Time       string   `json:"time"`
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
	Detail     any      `json:"detail"`
}

// finding is a GuardDuty finding the demo plants.
type finding struct {
	account, region, typ, title string
	severity                    float64
	hours                       float64
	resource                    map[string]any
}

// guardDutyEvents returns the GuardDuty Finding events, one per line.
func guardDutyEvents(w *world) ([]byte, int) {
	r := newRand(w.opt.Seed, 1<<43)
	pay := w.pick("payments-dev", kindWorkload, 2)
	orders := w.pick("orders-prod", kindWorkload, 0)
	loyalty := w.pick("loyalty-prod", kindWorkload, 2)
	instance := func(a *acct) map[string]any {
		id := "i-0" + a.Id + "9f01"
		if rr := w.region(a, w.homeRegion(a)); len(rr.instances) > 0 {
			id = rr.instances[0].id
		}
		return map[string]any{"resourceType": "Instance", "instanceDetails": map[string]any{"instanceId": id, "instanceType": "m7g.large"}}
	}
	fs := []finding{
		{pay.Id, w.homeRegion(pay), "UnauthorizedAccess:EC2/SSHBruteForce", "SSH brute force attacks against an EC2 instance.", 5.0, hOpenSSH + 3.5, instance(pay)},
		{w.mgmt.Id, w.home, "Stealth:IAMUser/CloudTrailLoggingDisabled", "AWS CloudTrail trail was disabled.", 2.0, hStopLogging + 0.2,
			map[string]any{"resourceType": "AccessKey", "accessKeyDetails": map[string]any{"userType": "AssumedRole", "userName": ssoAdminRole}}},
		{w.mgmt.Id, w.home, "Policy:IAMUser/RootCredentialUsage", "API calls were made using root credentials.", 2.0, hRootLogin + 0.3,
			map[string]any{"resourceType": "AccessKey", "accessKeyDetails": map[string]any{"userType": "Root", "userName": "Root"}}},
		{orders.Id, w.homeRegion(orders), "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
			"Credentials for an EC2 instance role were used from an external IP address.", 8.0, 47.3,
			map[string]any{"resourceType": "AccessKey", "accessKeyDetails": map[string]any{"userType": "AssumedRole", "userName": orders.system + "-app"}}},
		{loyalty.Id, w.homeRegion(loyalty), "Policy:S3/BucketAnonymousAccessGranted", "An S3 bucket policy now allows anonymous access.", 8.0, hPublicBucket + 0.1,
			map[string]any{"resourceType": "S3Bucket", "s3BucketDetails": []any{map[string]any{"name": "kumo-" + loyalty.Name + "-public-assets-" + loyalty.Id}}}},
	}
	var buf bytes.Buffer
	for _, f := range fs {
		at := w.at(f.hours)
		id := randString(r, hexDigits, 32)
		det := detectorID(w.byID(f.account), f.region)
		ev := bridgeEvent{Version: "0", ID: uuid(r), DetailType: "GuardDuty Finding", Source: "aws.guardduty", Account: f.account,
			Time: at.Format(stamp), Region: f.region, Resources: []string{},
			Detail: map[string]any{"schemaVersion": "2.0", "accountId": f.account, "region": f.region, "partition": "aws", "id": id,
				"arn":  fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s/finding/%s", f.region, f.account, det, id),
				"type": f.typ, "resource": f.resource, "severity": f.severity, "title": f.title, "description": f.title,
				"createdAt": at.Format("2006-01-02T15:04:05.000Z"), "updatedAt": at.Format("2006-01-02T15:04:05.000Z"),
				"service": map[string]any{"serviceName": "guardduty", "detectorId": det, "archived": false, "count": 1,
					"eventFirstSeen": at.Add(-9 * time.Minute).Format(stamp), "eventLastSeen": at.Add(-2 * time.Minute).Format(stamp)}}}
		line, _ := json.Marshal(ev)
		buf.Write(append(line, '\n'))
		w.planted.Detections = append(w.planted.Detections, detection{EventName: "GuardDuty Finding", EventID: ev.ID, DetectionID: guardDutyDetection(f.severity)})
	}
	return buf.Bytes(), len(fs)
}

// configRuleName is the name the organization's Config rule for a managed
// rule identifier has.
func configRuleName(id string) string {
	return "kumo-" + strings.ToLower(strings.ReplaceAll(id, "_", "-"))
}

// resourceType guesses the Config resource type from an ARN.
func resourceType(arn string) (typ, id string) {
	switch {
	case strings.HasPrefix(arn, "arn:aws:s3:::"):
		return "AWS::S3::Bucket", strings.TrimPrefix(arn, "arn:aws:s3:::")
	case strings.Contains(arn, ":security-group/"):
		return "AWS::EC2::SecurityGroup", arn[strings.LastIndex(arn, "/")+1:]
	case strings.Contains(arn, ":instance/"):
		return "AWS::EC2::Instance", arn[strings.LastIndex(arn, "/")+1:]
	case strings.Contains(arn, ":vpc/"):
		return "AWS::EC2::VPC", arn[strings.LastIndex(arn, "/")+1:]
	case strings.Contains(arn, ":iam::") && strings.Contains(arn, ":user/"):
		return "AWS::IAM::User", arn[strings.LastIndex(arn, "/")+1:]
	case strings.Contains(arn, ":iam::") && strings.Contains(arn, ":role/"):
		return "AWS::IAM::Role", arn[strings.LastIndex(arn, "/")+1:]
	case strings.Contains(arn, ":iam::") && strings.Contains(arn, ":policy/"):
		return "AWS::IAM::Policy", arn[strings.LastIndex(arn, "/")+1:]
	case strings.Contains(arn, ":rds:") && strings.Contains(arn, ":snapshot:"):
		return "AWS::RDS::DBSnapshot", arn[strings.LastIndex(arn, ":")+1:]
	case strings.Contains(arn, ":rds:"):
		return "AWS::RDS::DBInstance", arn[strings.LastIndex(arn, ":")+1:]
	case strings.Contains(arn, ":kms:"):
		return "AWS::KMS::Key", arn[strings.LastIndex(arn, "/")+1:]
	case strings.Contains(arn, ":cloudtrail:"):
		return "AWS::CloudTrail::Trail", arn
	case strings.Contains(arn, ":lambda:"):
		return "AWS::Lambda::Function", arn[strings.LastIndex(arn, ":")+1:]
	case strings.Contains(arn, ":sns:"):
		return "AWS::SNS::Topic", arn
	case strings.Contains(arn, ":secretsmanager:"):
		return "AWS::SecretsManager::Secret", arn
	}
	return "AWS::::Account", arn[strings.LastIndex(arn, "/")+1:]
}

// configEvents returns a Config Rules Compliance Change event for every
// planted violation (each a planted detection) and, as quiet background,
// one COMPLIANT change that needs no action.
func configEvents(w *world) ([]byte, int) {
	r := newRand(w.opt.Seed, 1<<44)
	var buf bytes.Buffer
	n := 0
	emit := func(v violation, at time.Time, newType, oldType string) string {
		typ, id := resourceType(v.ResourceArn)
		region := v.Region
		if region == globalRegion {
			region = w.home
		}
		rule := configRuleName(v.ConfigRule)
		eval := func(ct string) map[string]any {
			return map[string]any{"evaluationResultIdentifier": map[string]any{"evaluationResultQualifier": map[string]any{
				"configRuleName": rule, "resourceType": typ, "resourceId": id, "evaluationMode": "DETECTIVE"},
				"orderingTimestamp": at.Add(-time.Minute).Format("2006-01-02T15:04:05.000Z")},
				"complianceType": ct, "resultRecordedTime": at.Format("2006-01-02T15:04:05.000Z"),
				"configRuleInvokedTime": at.Add(-40 * time.Second).Format("2006-01-02T15:04:05.000Z")}
		}
		ev := bridgeEvent{Version: "0", ID: uuid(r), DetailType: "Config Rules Compliance Change", Source: "aws.config",
			Account: v.Account, Time: at.Format(stamp), Region: region, Resources: []string{},
			Detail: map[string]any{"resourceId": id, "awsRegion": region, "awsAccountId": v.Account, "configRuleName": rule,
				"recordVersion": "1.0", "messageType": "ComplianceChangeNotification", "resourceType": typ,
				"configRuleARN":            fmt.Sprintf("arn:aws:config:%s:%s:config-rule/config-rule-%s", region, v.Account, randString(r, lowerAlnum, 6)),
				"notificationCreationTime": at.Add(2 * time.Second).Format("2006-01-02T15:04:05.000Z"),
				"newEvaluationResult":      eval(newType), "oldEvaluationResult": eval(oldType)}}
		line, _ := json.Marshal(ev)
		buf.Write(append(line, '\n'))
		n++
		return ev.ID
	}
	for i, v := range w.planted.Violations {
		if strings.Contains(v.ConfigRule, ".") {
			continue // an orgrail rule (identity.*): AWS Config sends no event for it
		}
		at := w.at(2 + float64(i%60)*1.1)
		id := emit(v, at, "NON_COMPLIANT", "COMPLIANT")
		w.planted.Detections = append(w.planted.Detections, detection{EventName: "Config Rules Compliance Change", EventID: id, DetectionID: detConfigNonCompl})
	}
	emit(violation{ConfigRule: "S3_BUCKET_VERSIONING_ENABLED", Account: w.logArch.Id, Region: w.home,
		ResourceArn: "arn:aws:s3:::kumo-org-config-" + w.logArch.Id}, w.at(70), "COMPLIANT", "NON_COMPLIANT")
	return buf.Bytes(), n
}

// guardDutyDetection is the built-in detection for a finding's severity.
func guardDutyDetection(sev float64) string {
	switch {
	case sev >= 9:
		return "guardduty-finding-critical"
	case sev >= 7:
		return "guardduty-finding-high"
	case sev >= 4:
		return "guardduty-finding-medium"
	}
	return "guardduty-finding-low"
}
