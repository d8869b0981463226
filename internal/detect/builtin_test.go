package detect

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// ct wraps a CloudTrail record in the EventBridge envelope.
func ct(record string) string {
	return `{"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.x","account":"111122223333","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":` + record + `}`
}

// call is a CloudTrail record of an IAM user's API call.
func call(source, name, extra string) string {
	rec := `{"eventVersion":"1.09","eventSource":"` + source + `","eventName":"` + name + `","eventType":"AwsApiCall","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","accountId":"111122223333","arn":"arn:aws:iam::111122223333:user/alice","userName":"alice"}`
	if extra != "" {
		rec += "," + extra
	}
	return ct(rec + "}")
}

func native(source, detailType, detail string) string {
	return `{"version":"0","id":"2","detail-type":"` + detailType + `","source":"` + source + `","account":"111122223333","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":` + detail + `}`
}

var orgAccounts = []string{"111122223333", "444455556666"}

func builtinEngine(t testing.TB) *Engine {
	t.Helper()
	rules, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(rules, WithOrgAccounts(orgAccounts...))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func fired(t testing.TB, e *Engine, event string) []string {
	t.Helper()
	hits, err := e.Match([]byte(event), nil)
	if err != nil {
		t.Fatalf("Match: %v\n%s", err, event)
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.Rule.ID)
	}
	sort.Strings(ids)
	return ids
}

func has(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestBuiltinDetections(t *testing.T) {
	sgWorld := `"requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}`
	sgWorld6 := `"requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipv6Ranges":{"items":[{"cidrIpv6":"::/0"}]}}]}}`
	sgPrivate := `"requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}}]}}`
	root := ct(`{"eventSource":"iam.amazonaws.com","eventName":"CreateUser","eventType":"AwsApiCall","userIdentity":{"type":"Root","accountId":"111122223333","arn":"arn:aws:iam::111122223333:root"}}`)
	rootService := ct(`{"eventSource":"s3.amazonaws.com","eventName":"PutObject","eventType":"AwsApiCall","userIdentity":{"type":"Root","invokedBy":"cloudtrail.amazonaws.com"}}`)
	rootSvcEvent := ct(`{"eventSource":"kms.amazonaws.com","eventName":"RotateKey","eventType":"AwsServiceEvent","userIdentity":{"type":"Root"}}`)
	login := func(mfa, result, typ string) string {
		return ct(`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","sourceIPAddress":"198.51.100.1","userIdentity":{"type":"` + typ + `","userName":"bob"},"additionalEventData":{"MFAUsed":"` + mfa + `"},"responseElements":{"ConsoleLogin":"` + result + `"}}`)
	}
	failedLogin := ct(`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","userIdentity":{"type":"IAMUser","userName":"bob"},"errorMessage":"Failed authentication","responseElements":{"ConsoleLogin":"Failure"}}`)
	assume := func(account string) string {
		return ct(`{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","eventType":"AwsApiCall","userIdentity":{"type":"AWSAccount","accountId":"` + account + `","principalId":"AIDAX"},"requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/audit"}}`)
	}
	assumeService := ct(`{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","eventType":"AwsApiCall","userIdentity":{"type":"AWSService","invokedBy":"lambda.amazonaws.com"}}`)
	gd := func(sev string) string {
		return native("aws.guardduty", "GuardDuty Finding", `{"type":"Recon:EC2/PortProbeUnprotectedPort","severity":`+sev+`,"title":"t","resource":{"resourceType":"Instance"}}`)
	}
	sh := func(label, state string) string {
		return native("aws.securityhub", "Security Hub Findings - Imported", `{"findings":[{"Title":"t","ProductName":"Inspector","Severity":{"Label":"`+label+`"},"RecordState":"`+state+`","Workflow":{"Status":"NEW"},"Resources":[{"Id":"arn:aws:s3:::b"}]}]}`)
	}
	cfg := func(rule, compliance string) string {
		return native("aws.config", "Config Rules Compliance Change", `{"configRuleName":"`+rule+`","resourceType":"AWS::S3::Bucket","resourceId":"b","newEvaluationResult":{"complianceType":"`+compliance+`"}}`)
	}
	chain := func(caller, recipient, mfa, path string) string {
		return ct(`{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","eventType":"AwsApiCall","recipientAccountId":"` + recipient + `",
			"userIdentity":{"type":"AssumedRole","accountId":"` + caller + `","arn":"arn:aws:sts::` + caller + `:assumed-role/Audit/kenji",
			"sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::` + caller + `:role` + path + `Audit"},"attributes":{"mfaAuthenticated":"` + mfa + `"}}},
			"requestParameters":{"roleArn":"arn:aws:iam::` + recipient + `:role/Audit"}}`)
	}
	bucketPolicy := func(principal string) string {
		return call("s3.amazonaws.com", "PutBucketPolicy", `"requestParameters":{"bucketName":"b","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":`+principal+`,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}}`)
	}
	cases := []struct {
		id        string
		fire, not []string
	}{
		{"ec2-security-group-created", []string{call("ec2.amazonaws.com", "CreateSecurityGroup", "")}, []string{call("ec2.amazonaws.com", "DescribeSecurityGroups", "")}},
		{"ec2-security-group-changed", []string{call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", sgPrivate), call("ec2.amazonaws.com", "RevokeSecurityGroupEgress", "")}, []string{call("ec2.amazonaws.com", "CreateSecurityGroup", "")}},
		{"ec2-security-group-deleted", []string{call("ec2.amazonaws.com", "DeleteSecurityGroup", "")}, []string{call("rds.amazonaws.com", "DeleteSecurityGroup", "")}},
		{"ec2-security-group-open-to-world",
			[]string{call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", sgWorld), call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", sgWorld6),
				call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", `"requestParameters":{"groupId":"sg-1","cidrIp":"0.0.0.0/0","fromPort":22}`),
				call("ec2.amazonaws.com", "ModifySecurityGroupRules", `"requestParameters":{"ModifySecurityGroupRulesRequest":{"GroupId":"sg-1","SecurityGroupRule":{"SecurityGroupRuleId":"sgr-1","SecurityGroupRule":{"CidrIpv4":"0.0.0.0/0","FromPort":3389}}}}`),
				call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", `"responseElements":{"securityGroupRuleSet":{"items":[{"isEgress":false,"cidrIpv4":"10.0.0.0/8"},{"isEgress":false,"cidrIpv4":"0.0.0.0/0"}]}}`)},
			[]string{call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", sgPrivate), call("ec2.amazonaws.com", "AuthorizeSecurityGroupEgress", `"requestParameters":{"cidrIp":"0.0.0.0/0"}`),
				// An egress rule to the world beside an ingress rule from a private range.
				call("ec2.amazonaws.com", "ModifySecurityGroupRules", `"responseElements":{"securityGroupRuleSet":{"items":[{"isEgress":true,"cidrIpv4":"0.0.0.0/0"},{"isEgress":false,"cidrIpv4":"10.0.0.0/8"}]}}`)}},
		{"cloudtrail-stop-logging", []string{call("cloudtrail.amazonaws.com", "StopLogging", `"requestParameters":{"name":"org-trail"}`)}, []string{call("cloudtrail.amazonaws.com", "StartLogging", "")}},
		{"cloudtrail-delete-trail", []string{call("cloudtrail.amazonaws.com", "DeleteTrail", "")}, []string{call("cloudtrail.amazonaws.com", "DescribeTrails", "")}},
		{"cloudtrail-update-trail", []string{call("cloudtrail.amazonaws.com", "UpdateTrail", "")}, []string{call("cloudtrail.amazonaws.com", "GetTrailStatus", "")}},
		{"cloudtrail-put-event-selectors", []string{call("cloudtrail.amazonaws.com", "PutEventSelectors", "")}, []string{call("cloudtrail.amazonaws.com", "GetEventSelectors", "")}},
		{"guardduty-detector-deleted", []string{call("guardduty.amazonaws.com", "DeleteDetector", "")}, []string{call("guardduty.amazonaws.com", "GetDetector", "")}},
		{"guardduty-detector-disabled", []string{call("guardduty.amazonaws.com", "UpdateDetector", `"requestParameters":{"detectorId":"d","enable":false}`)}, []string{call("guardduty.amazonaws.com", "UpdateDetector", `"requestParameters":{"detectorId":"d","enable":true}`)}},
		{"guardduty-finding-critical", []string{gd("9.5")}, []string{gd("8.9")}},
		{"guardduty-finding-high", []string{gd("7"), gd("8.9")}, []string{gd("6.9"), gd("9")}},
		{"guardduty-finding-medium", []string{gd("4"), gd("6.5")}, []string{gd("7.0"), gd("3.9")}},
		{"guardduty-finding-low", []string{gd("1.0"), gd("3.9")}, []string{gd("4.0"), native("aws.guardduty", "GuardDuty Finding", `{"severity":"2"}`)}},
		{"securityhub-finding-critical", []string{sh("CRITICAL", "ACTIVE")}, []string{sh("CRITICAL", "ARCHIVED"), sh("HIGH", "ACTIVE")}},
		{"securityhub-finding-high", []string{sh("HIGH", "ACTIVE")}, []string{sh("MEDIUM", "ACTIVE")}},
		{"config-recorder-stopped", []string{call("config.amazonaws.com", "StopConfigurationRecorder", ""), call("config.amazonaws.com", "DeleteDeliveryChannel", "")}, []string{call("config.amazonaws.com", "StartConfigurationRecorder", "")}},
		{"config-rule-noncompliant",
			[]string{cfg("s3-bucket-public-read-prohibited", "NON_COMPLIANT"), cfg("securityhub-root-account-mfa-enabled-abc123", "NON_COMPLIANT"), cfg("AWSControlTower_AWS-GR_RESTRICTED_SSH", "NON_COMPLIANT"), cfg("CLOUD_TRAIL_ENABLED", "NON_COMPLIANT")},
			[]string{cfg("s3-bucket-public-read-prohibited", "COMPLIANT"), native("aws.config", "Config Configuration Item Change", `{"configRuleName":"x","newEvaluationResult":{"complianceType":"NON_COMPLIANT"}}`)}},
		{"root-user-activity", []string{root}, []string{rootService, rootSvcEvent, call("iam.amazonaws.com", "CreateUser", "")}},
		{"console-login-without-mfa", []string{login("No", "Success", "IAMUser"), login("NO", "Success", "Root")}, []string{login("Yes", "Success", "IAMUser"), login("No", "Failure", "IAMUser"), login("No", "Success", "AssumedRole")}},
		{"console-login-failure", []string{failedLogin, login("No", "Failure", "IAMUser")}, []string{login("Yes", "Success", "IAMUser")}},
		{"iam-create-access-key", []string{call("iam.amazonaws.com", "CreateAccessKey", "")}, []string{call("iam.amazonaws.com", "ListAccessKeys", "")}},
		{"iam-create-access-key-for-other-user",
			[]string{call("iam.amazonaws.com", "CreateAccessKey", `"requestParameters":{"userName":"backdoor"}`)},
			[]string{call("iam.amazonaws.com", "CreateAccessKey", `"requestParameters":{"userName":"alice"}`), call("iam.amazonaws.com", "CreateAccessKey", `"requestParameters":{"userName":"backdoor"},"errorCode":"AccessDenied"`)}},
		{"iam-user-policy-changed", []string{call("iam.amazonaws.com", "AttachUserPolicy", ""), call("iam.amazonaws.com", "PutUserPolicy", "")}, []string{call("iam.amazonaws.com", "GetUserPolicy", "")}},
		{"iam-role-policy-changed", []string{call("iam.amazonaws.com", "AttachRolePolicy", ""), call("iam.amazonaws.com", "UpdateAssumeRolePolicy", "")}, []string{call("iam.amazonaws.com", "ListRolePolicies", "")}},
		{"iam-group-policy-changed", []string{call("iam.amazonaws.com", "DetachGroupPolicy", "")}, []string{call("iam.amazonaws.com", "GetGroupPolicy", "")}},
		{"iam-managed-policy-changed", []string{call("iam.amazonaws.com", "SetDefaultPolicyVersion", ""), call("iam.amazonaws.com", "CreatePolicyVersion", `"requestParameters":{"setAsDefault":true}`)}, []string{call("iam.amazonaws.com", "CreatePolicyVersion", `"requestParameters":{"setAsDefault":false}`)}},
		{"iam-login-profile-changed", []string{call("iam.amazonaws.com", "CreateLoginProfile", ""), call("iam.amazonaws.com", "UpdateLoginProfile", "")}, []string{call("iam.amazonaws.com", "GetLoginProfile", "")}},
		{"sts-assume-role-from-outside-org", []string{assume("999988887777")}, []string{assume("444455556666"), assumeService}},
		{"organizations-leave-organization", []string{call("organizations.amazonaws.com", "LeaveOrganization", `"errorCode":"AccessDenied"`)}, []string{call("organizations.amazonaws.com", "DescribeOrganization", "")}},
		{"organizations-scp-detached", []string{call("organizations.amazonaws.com", "DetachPolicy", "")}, []string{call("iam.amazonaws.com", "DetachRolePolicy", "")}},
		{"organizations-policy-deleted", []string{call("organizations.amazonaws.com", "DeletePolicy", "")}, []string{call("iam.amazonaws.com", "DeletePolicy", "")}},
		{"s3-bucket-policy-public",
			[]string{bucketPolicy(`"*"`), bucketPolicy(`{"AWS":"*"}`),
				call("s3.amazonaws.com", "PutBucketPolicy", `"requestParameters":{"bucketName":"b","bucketPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}]}"}`)},
			[]string{bucketPolicy(`{"AWS":"arn:aws:iam::111122223333:root"}`),
				call("s3.amazonaws.com", "PutBucketPolicy", `"requestParameters":{"bucketName":"b","bucketPolicy":{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:GetObject"}]}}`),
				call("s3.amazonaws.com", "PutBucketPolicy", `"requestParameters":{"bucketName":"b","bucketPolicy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::1:root\"}}]}"}`)}},
		{"sts-cross-account-role-chain", []string{chain("444455556666", "111122223333", "false", "/")},
			[]string{chain("111122223333", "111122223333", "false", "/"), chain("444455556666", "111122223333", "true", "/"),
				chain("444455556666", "111122223333", "false", "/aws-reserved/sso.amazonaws.com/")}},
		{"s3-bucket-acl-public",
			[]string{call("s3.amazonaws.com", "PutBucketAcl", `"requestParameters":{"bucketName":"b","x-amz-acl":["public-read"]}`),
				call("s3.amazonaws.com", "PutBucketAcl", `"requestParameters":{"bucketName":"b","AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}]}}}`)},
			[]string{call("s3.amazonaws.com", "PutBucketAcl", `"requestParameters":{"bucketName":"b","x-amz-acl":["private"]}`)}},
		{"s3-public-access-block-removed",
			[]string{call("s3.amazonaws.com", "DeleteBucketPublicAccessBlock", ""), call("s3.amazonaws.com", "PutBucketPublicAccessBlock", `"requestParameters":{"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":true}}`)},
			[]string{call("s3.amazonaws.com", "PutBucketPublicAccessBlock", `"requestParameters":{"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}`)}},
		{"kms-schedule-key-deletion", []string{call("kms.amazonaws.com", "ScheduleKeyDeletion", `"requestParameters":{"keyId":"k","pendingWindowInDays":7}`)}, []string{call("kms.amazonaws.com", "CancelKeyDeletion", "")}},
		{"ec2-flow-logs-deleted", []string{call("ec2.amazonaws.com", "DeleteFlowLogs", "")}, []string{call("ec2.amazonaws.com", "CreateFlowLogs", "")}},
		{"ec2-snapshot-or-image-shared",
			[]string{call("ec2.amazonaws.com", "ModifySnapshotAttribute", `"requestParameters":{"createVolumePermission":{"add":{"items":[{"userId":"999988887777"}]}}}`)},
			[]string{call("ec2.amazonaws.com", "ModifySnapshotAttribute", `"requestParameters":{"createVolumePermission":{"remove":{"items":[{"userId":"999988887777"}]}}}`)}},
		{"lambda-function-made-public", []string{call("lambda.amazonaws.com", "AddPermission20150331v2", `"requestParameters":{"principal":"*"}`)}, []string{call("lambda.amazonaws.com", "AddPermission20150331v2", `"requestParameters":{"principal":"s3.amazonaws.com"}`)}},
	}
	e := builtinEngine(t)
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.id] = true
		for i, ev := range c.fire {
			if got := fired(t, e, ev); !has(got, c.id) {
				t.Errorf("%s: event %d did not fire (fired %v)", c.id, i, got)
			}
		}
		for i, ev := range c.not {
			if got := fired(t, e, ev); has(got, c.id) {
				t.Errorf("%s: must-not event %d fired", c.id, i)
			}
		}
	}
	for _, id := range []string{"ec2-security-group-created", "ec2-security-group-changed", "ec2-security-group-deleted", "ec2-security-group-open-to-world",
		"cloudtrail-stop-logging", "cloudtrail-delete-trail", "cloudtrail-update-trail", "cloudtrail-put-event-selectors",
		"guardduty-detector-deleted", "guardduty-detector-disabled", "guardduty-finding-high", "config-recorder-stopped",
		"config-rule-noncompliant", "root-user-activity", "console-login-without-mfa", "console-login-failure",
		"iam-create-access-key", "iam-user-policy-changed", "iam-role-policy-changed", "iam-group-policy-changed",
		"sts-assume-role-from-outside-org", "organizations-leave-organization", "organizations-scp-detached",
		"organizations-policy-deleted", "s3-bucket-policy-public", "kms-schedule-key-deletion"} {
		if !covered[id] {
			t.Errorf("issue-listed detection %s has no test case", id)
		}
	}
}

func TestHitValuesAndKey(t *testing.T) {
	e := builtinEngine(t)
	hits, err := e.Match([]byte(call("cloudtrail.amazonaws.com", "StopLogging", `"requestParameters":{"name":"org-trail"}`)), nil)
	if err != nil || len(hits) != 1 {
		t.Fatalf("hits = %v, %v", hits, err)
	}
	if hits[0].Values[0] != "org-trail" {
		t.Fatalf("values = %q", hits[0].Values)
	}
	hits, _ = e.Match([]byte(ct(`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.1","userIdentity":{"type":"IAMUser","userName":"bob"},"responseElements":{"ConsoleLogin":"Failure"}}`)), nil)
	if len(hits) != 1 || hits[0].Key != "198.51.100.1\x00bob" {
		t.Fatalf("hits = %+v", hits)
	}
}

func TestFieldsCoverRules(t *testing.T) {
	e := builtinEngine(t)
	f := strings.Join(e.Fields(), " ")
	for _, want := range []string{"detail.eventName", "detail.eventSource", "source", "detail-type", "detail.userIdentity.type"} {
		if !strings.Contains(f, want) {
			t.Errorf("Fields() lacks %s", want)
		}
	}
	if strings.Contains(f, "detail.tlsDetails") {
		t.Error("Fields() lists a path no rule reads")
	}
}

func TestMalformedEvent(t *testing.T) {
	e := builtinEngine(t)
	if _, err := e.Match([]byte(`{"detail": {"eventName": "StopLogging"`), nil); err == nil {
		t.Fatal("truncated event accepted")
	}
	var v any
	if json.Unmarshal([]byte(call("a", "b", "")), &v) != nil {
		t.Fatal("test helper makes invalid JSON")
	}
}
