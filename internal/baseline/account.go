package baseline

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
)

// accountFunction is the inline code of the custom resource that makes
// the account settings CloudFormation has no resource type for: the S3
// account public access block, the IAM password policy and the alternate
// security contact (in the home region), EBS default encryption and the
// IMDSv2 default (in every region). Deleting the stack leaves the
// settings on: a baseline is not rolled back by removing an account from
// its OU.
const accountFunction = `import boto3
import cfnresponse


def settings(props, account):
    region_scope = props.get("Scope") == "region"
    if region_scope:
        ec2 = boto3.client("ec2")
        ec2.enable_ebs_encryption_by_default()
        ec2.modify_instance_metadata_defaults(HttpTokens="required", HttpPutResponseHopLimit=2)
        return
    boto3.client("s3control").put_public_access_block(
        AccountId=account,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                        "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    boto3.client("iam").update_account_password_policy(
        MinimumPasswordLength=int(props["MinimumPasswordLength"]),
        RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True, AllowUsersToChangePassword=True,
        MaxPasswordAge=int(props["MaxPasswordAge"]),
        PasswordReusePrevention=int(props["PasswordReusePrevention"]), HardExpiry=False)
    if props.get("ContactEmail"):
        boto3.client("account").put_alternate_contact(
            AlternateContactType="SECURITY", Name=props["ContactName"], Title=props["ContactTitle"],
            EmailAddress=props["ContactEmail"], PhoneNumber=props["ContactPhone"])


def handler(event, context):
    try:
        if event["RequestType"] != "Delete":
            settings(event["ResourceProperties"], context.invoked_function_arn.split(":")[4])
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, "orgrail-baseline")
    except Exception as err:  # report every failure to CloudFormation
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, "orgrail-baseline", reason=str(err))
`

// AccountTemplate renders the account baseline deployed by a
// service-managed StackSet to every account of the targets and every
// baseline region: the account settings, the audit read-only and
// break-glass roles (trusted only by the Audit account; global, so made
// in the home region only) and the EventBridge rules that forward
// security events to the Audit account's bus.
func AccountTemplate(s *Settings) (Template, error) {
	doc := obj{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "orgrail baseline: account settings, audit and break-glass roles, security event forwarding.",
		"Parameters":               accountParams(s),
		"Conditions": obj{
			"IsHomeRegion":   equals(ref("AWS::Region"), ref("HomeRegion")),
			"ForwardEvents":  and(equals(ref("EnableEventForwarding"), "true"), not(equals(ref("AWS::AccountId"), ref("AuditAccountId")))),
			"HomeForwarding": and(cond("IsHomeRegion"), cond("ForwardEvents")),
			"RecordConfig":   equals(ref("EnableConfig"), "true"),
		},
		"Resources": accountResources(),
	}
	if len(s.Roles) > 0 {
		doc["Conditions"].(obj)["CrossAccountRoles"] = and(cond("IsHomeRegion"), not(equals(ref("AWS::AccountId"), ref("AuditAccountId"))))
		res := doc["Resources"].(obj)
		for i, r := range s.Roles {
			res[roleLogicalID(i, r.Name)] = crossAccountRole(r)
		}
	}
	body, err := render(doc)
	return Template{Name: StackSetAccount, Body: body, Parameters: accountParamValues(s)}, err
}

// roleLogicalID is the template's logical id of the i-th cross-account
// role: letters and digits of its name after a fixed prefix and index.
func roleLogicalID(i int, name string) string {
	var b strings.Builder
	for _, c := range name {
		if c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
			b.WriteRune(c)
		}
	}
	return "CrossAccountRole" + strconv.Itoa(i+1) + b.String()
}

// crossAccountRole is the AWS::IAM::Role of a configured cross-account
// role, made in the home region of every account but the Audit account.
func crossAccountRole(r Role) obj {
	desc := r.Description
	if desc == "" {
		desc = "orgrail: cross-account role trusted by the security account"
	}
	props := obj{
		"RoleName":                 r.Name,
		"Description":              desc,
		"AssumeRolePolicyDocument": json.RawMessage(r.Trust),
		"Tags":                     []any{obj{"Key": "orgrail:managed", "Value": "identity.roles"}},
	}
	if r.MaxSessionDuration > 0 {
		props["MaxSessionDuration"] = r.MaxSessionDuration
	}
	if len(r.ManagedPolicies) > 0 {
		props["ManagedPolicyArns"] = r.ManagedPolicies
	}
	if len(r.Inline) > 0 {
		props["Policies"] = []any{obj{"PolicyName": "orgrail-inline", "PolicyDocument": json.RawMessage(r.Inline)}}
	}
	return obj{"Type": "AWS::IAM::Role", "Condition": "CrossAccountRoles", "Properties": props}
}

func accountParams(s *Settings) obj {
	return obj{
		"HomeRegion":              stringParam("Region where global settings and roles are made.", s.HomeRegion),
		"AuditAccountId":          stringParam("Audit (security) account id: the only account trusted by the roles.", s.AuditID),
		"AuditRoleName":           stringParam("Name of the read-only audit role.", s.AuditRole),
		"BreakGlassRoleName":      stringParam("Name of the break-glass administrator role.", s.BreakGlassRole),
		"MinimumPasswordLength":   numberParam("IAM password policy: minimum length.", s.MinLength, 8, 128),
		"MaxPasswordAge":          numberParam("IAM password policy: days before a password expires.", s.MaxAgeDays, 1, 1095),
		"PasswordReusePrevention": numberParam("IAM password policy: previous passwords not reusable.", s.Reuse, 1, 24),
		"ContactName":             stringParam("Alternate security contact: name (empty: not set).", s.Contact.Name),
		"ContactTitle":            stringParam("Alternate security contact: title.", s.Contact.Title),
		"ContactEmail":            stringParam("Alternate security contact: email (empty: not set).", s.Contact.Email),
		"ContactPhone":            stringParam("Alternate security contact: phone.", s.Contact.Phone),
		"EnableEventForwarding":   obj{"Type": "String", "Description": "Forward security events to the Audit account's bus.", "Default": strconv.FormatBool(s.Events), "AllowedValues": []string{"true", "false"}},
		"SecurityBusArn":          stringParam("ARN of the security event bus in the Audit account.", s.BusArn()),
		"EnableConfig":            obj{"Type": "String", "Description": "Record resources with AWS Config (global resources in the home region only).", "Default": strconv.FormatBool(s.Has("config")), "AllowedValues": []string{"true", "false"}},
		"LogBucketName":           stringParam("Log Archive bucket that AWS Config delivers to.", s.BucketName),
	}
}

func accountParamValues(s *Settings) map[string]string {
	return map[string]string{
		"HomeRegion": s.HomeRegion, "AuditAccountId": s.AuditID, "AuditRoleName": s.AuditRole, "BreakGlassRoleName": s.BreakGlassRole,
		"MinimumPasswordLength": strconv.Itoa(s.MinLength), "MaxPasswordAge": strconv.Itoa(s.MaxAgeDays),
		"PasswordReusePrevention": strconv.Itoa(s.Reuse), "ContactName": s.Contact.Name, "ContactTitle": s.Contact.Title,
		"ContactEmail": s.Contact.Email, "ContactPhone": s.Contact.Phone, "EnableEventForwarding": strconv.FormatBool(s.Events),
		"SecurityBusArn": s.BusArn(), "EnableConfig": strconv.FormatBool(s.Has("config")), "LogBucketName": s.BucketName,
	}
}

func accountResources() obj {
	audit := obj{"AWS": sub("arn:${AWS::Partition}:iam::${AuditAccountId}:root")}
	r := obj{
		"SettingsFunctionRole": obj{"Type": "AWS::IAM::Role", "Properties": obj{
			"AssumeRolePolicyDocument": policyDoc(statement("LambdaAssumes", "Allow", service("lambda.amazonaws.com"), "sts:AssumeRole", nil)),
			"ManagedPolicyArns":        []any{sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")},
			"Policies": []any{obj{"PolicyName": "account-settings", "PolicyDocument": policyDoc(statement("AccountSettings", "Allow", nil, []string{
				"ec2:EnableEbsEncryptionByDefault", "ec2:ModifyInstanceMetadataDefaults", "s3:PutAccountPublicAccessBlock",
				"iam:UpdateAccountPasswordPolicy", "account:PutAlternateContact"}, "*"))}},
		}},
		"SettingsFunction": obj{"Type": "AWS::Lambda::Function", "Properties": obj{
			"Description": "orgrail baseline: account settings without a CloudFormation resource type",
			"Runtime":     "python3.12", "Handler": "index.handler", "Timeout": 120, "MemorySize": 128,
			"Role": getAtt("SettingsFunctionRole", "Arn"),
			"Code": obj{"ZipFile": accountFunction},
		}},
		"RegionSettings": obj{"Type": "Custom::OrgrailRegionSettings", "Properties": obj{
			"ServiceToken": getAtt("SettingsFunction", "Arn"), "Scope": "region"}},
		"AccountSettings": obj{"Type": "Custom::OrgrailAccountSettings", "Condition": "IsHomeRegion", "Properties": obj{
			"ServiceToken": getAtt("SettingsFunction", "Arn"), "Scope": "account",
			"MinimumPasswordLength": ref("MinimumPasswordLength"), "MaxPasswordAge": ref("MaxPasswordAge"),
			"PasswordReusePrevention": ref("PasswordReusePrevention"), "ContactName": ref("ContactName"),
			"ContactTitle": ref("ContactTitle"), "ContactEmail": ref("ContactEmail"), "ContactPhone": ref("ContactPhone")}},
		"AuditRole": obj{"Type": "AWS::IAM::Role", "Condition": "IsHomeRegion", "Properties": obj{
			"RoleName":                 ref("AuditRoleName"),
			"Description":              "orgrail baseline: read-only access for the Audit account",
			"AssumeRolePolicyDocument": policyDoc(statement("AuditAccountOnly", "Allow", audit, "sts:AssumeRole", nil)),
			"ManagedPolicyArns": []any{sub("arn:${AWS::Partition}:iam::aws:policy/SecurityAudit"),
				sub("arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess")},
		}},
		"BreakGlassRole": obj{"Type": "AWS::IAM::Role", "Condition": "IsHomeRegion", "Properties": obj{
			"RoleName":           ref("BreakGlassRoleName"),
			"Description":        "orgrail baseline: emergency administrator access from the Audit account, with MFA",
			"MaxSessionDuration": 3600,
			"AssumeRolePolicyDocument": policyDoc(withCondition(statement("AuditAccountWithMFA", "Allow", audit, "sts:AssumeRole", nil),
				obj{"Bool": obj{"aws:MultiFactorAuthPresent": "true"}})),
			"ManagedPolicyArns": []any{sub("arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess")},
		}},
		"ForwardRole": obj{"Type": "AWS::IAM::Role", "Condition": "ForwardEvents", "Properties": obj{
			"AssumeRolePolicyDocument": policyDoc(statement("EventBridgeAssumes", "Allow", service("events.amazonaws.com"), "sts:AssumeRole", nil)),
			"Policies": []any{obj{"PolicyName": "put-to-security-bus", "PolicyDocument": policyDoc(
				statement("PutToSecurityBus", "Allow", nil, "events:PutEvents", ref("SecurityBusArn")))}},
		}},
	}
	for name, res := range configResources() {
		r[name] = res
	}
	for name, rule := range forwardRules() {
		r[name] = rule
	}
	return r
}

// forwardRules are the EventBridge rules of the guide's notification
// flow, each sending its events to the Audit account's bus. IAM and
// sign-in events are global service events, delivered in the home
// region's rule.
func forwardRules() obj {
	rule := func(condition, desc string, pattern obj) obj {
		return obj{"Type": "AWS::Events::Rule", "Condition": condition, "Properties": obj{
			"Description": "orgrail baseline: " + desc, "State": "ENABLED", "EventPattern": pattern,
			"Targets": []any{obj{"Id": "security-bus", "Arn": ref("SecurityBusArn"), "RoleArn": getAtt("ForwardRole", "Arn")}},
		}}
	}
	apiCall := "AWS API Call via CloudTrail"
	return obj{
		"ForwardSecurityGroupChanges": rule("ForwardEvents", "security group changes", obj{
			"source": []string{"aws.ec2"}, "detail-type": []string{apiCall},
			"detail": obj{"eventName": []string{"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
				"RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup",
				"ModifySecurityGroupRules"}}}),
		"ForwardIAMActivity": rule("HomeForwarding", "IAM changes", obj{
			"source": []string{"aws.iam"}, "detail-type": []string{apiCall}}),
		"ForwardRootActivity": rule("HomeForwarding", "root user activity", obj{
			"detail-type": []string{apiCall, "AWS Console Sign In via CloudTrail"},
			"detail":      obj{"userIdentity": obj{"type": []string{"Root"}}}}),
		"ForwardGuardDutyFindings": rule("ForwardEvents", "GuardDuty findings", obj{
			"source": []string{"aws.guardduty"}, "detail-type": []string{"GuardDuty Finding"}}),
		"ForwardSecurityHubFindings": rule("ForwardEvents", "Security Hub findings", obj{
			"source": []string{"aws.securityhub"}, "detail-type": []string{"Security Hub Findings - Imported"}}),
		"ForwardConfigCompliance": rule("ForwardEvents", "Config compliance changes", obj{
			"source": []string{"aws.config"}, "detail-type": []string{"Config Rules Compliance Change"}}),
	}
}

// configResources record every supported resource type of the region
// with AWS Config, global resource types (IAM) in the home region only,
// and deliver to the Log Archive bucket (encrypted there by the
// bucket's default KMS key).
func configResources() obj {
	return obj{
		"ConfigRole": obj{"Type": "AWS::IAM::Role", "Condition": "RecordConfig", "Properties": obj{
			"AssumeRolePolicyDocument": policyDoc(statement("ConfigAssumes", "Allow", service("config.amazonaws.com"), "sts:AssumeRole", nil)),
			"ManagedPolicyArns":        []any{sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWS_ConfigRole")},
		}},
		"ConfigRecorder": obj{"Type": "AWS::Config::ConfigurationRecorder", "Condition": "RecordConfig", "Properties": obj{
			"Name":    DefaultRecorder,
			"RoleARN": getAtt("ConfigRole", "Arn"),
			"RecordingGroup": obj{"AllSupported": true,
				"IncludeGlobalResourceTypes": ifCond("IsHomeRegion", true, false)},
		}},
		// AWS Config refuses a delivery channel before a recorder exists
		// (NoAvailableConfigurationRecorderException).
		"ConfigDeliveryChannel": obj{"Type": "AWS::Config::DeliveryChannel", "Condition": "RecordConfig", "DependsOn": "ConfigRecorder", "Properties": obj{
			"Name":                             DefaultRecorder,
			"S3BucketName":                     ref("LogBucketName"),
			"ConfigSnapshotDeliveryProperties": obj{"DeliveryFrequency": "TwentyFour_Hours"},
		}},
	}
}
