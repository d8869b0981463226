package baseline

import "strconv"

// KeyAlias is the alias of the Log Archive KMS key; the organization
// trail names the key by this alias's ARN.
const KeyAlias = "alias/orgrail-logs"

// LogArchiveTemplate renders the stack deployed in the Log Archive
// account's home region: the KMS key and its policy, the log bucket
// (SSE-KMS, versioning, public access blocked, owner-enforced, lifecycle
// from standards.logRetentionDays, optional Object Lock) and the bucket
// policy that lets the organization trail and AWS Config of every
// account of the organization deliver to it.
func LogArchiveTemplate(s *Settings) (Template, error) {
	doc := obj{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "orgrail baseline: Log Archive bucket and KMS key for the organization trail and AWS Config delivery.",
		"Parameters": obj{
			"BucketName":          stringParam("Name of the log bucket.", s.BucketName),
			"OrganizationId":      stringParam("AWS Organizations id (o-...).", s.OrgID),
			"ManagementAccountId": stringParam("Management account id: the organization trail's owner.", s.ManagementID),
			"AuditAccountId":      stringParam("Audit account id: may read and decrypt the logs.", s.AuditID),
			"TrailName":           stringParam("Name of the organization trail.", s.TrailName),
			"RetentionDays":       numberParam("Days log objects are kept (standards.logRetentionDays).", s.RetentionDays, 1, 36500),
			"ObjectLock":          obj{"Type": "String", "Description": "Enable S3 Object Lock in compliance mode.", "Default": strconv.FormatBool(s.ObjectLock), "AllowedValues": []string{"true", "false"}},
			"ObjectLockDays":      numberParam("Default retention of locked objects, days.", s.ObjectLockDays, 1, 36500),
		},
		"Conditions": obj{"UseObjectLock": equals(ref("ObjectLock"), "true")},
		"Resources": obj{
			"LogKey":      logKey(),
			"LogKeyAlias": obj{"Type": "AWS::KMS::Alias", "Properties": obj{"AliasName": KeyAlias, "TargetKeyId": ref("LogKey")}},
			"LogBucket":   logBucket(),
			"LogBucketPolicy": obj{"Type": "AWS::S3::BucketPolicy", "Properties": obj{
				"Bucket": ref("LogBucket"), "PolicyDocument": bucketPolicy()}},
		},
		"Outputs": obj{
			"BucketName": obj{"Value": ref("LogBucket")},
			"BucketArn":  obj{"Value": getAtt("LogBucket", "Arn")},
			"KeyArn":     obj{"Value": getAtt("LogKey", "Arn")},
		},
	}
	body, err := render(doc)
	return Template{Name: StackSetLogArchive, Body: body, Parameters: map[string]string{
		"BucketName": s.BucketName, "OrganizationId": s.OrgID, "ManagementAccountId": s.ManagementID,
		"AuditAccountId": s.AuditID, "TrailName": s.TrailName, "RetentionDays": strconv.Itoa(s.RetentionDays),
		"ObjectLock": strconv.FormatBool(s.ObjectLock), "ObjectLockDays": strconv.Itoa(s.ObjectLockDays),
	}}, err
}

// trailSourceArn is the ARN of the organization trail, which the bucket
// and key policies require as aws:SourceArn.
var trailSourceArn = sub("arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${ManagementAccountId}:trail/${TrailName}")

func logKey() obj {
	root := obj{"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")}
	policy := policyDoc(
		statement("KeyAdministration", "Allow", root, "kms:*", "*"),
		withCondition(statement("CloudTrailEncrypt", "Allow", service("cloudtrail.amazonaws.com"), "kms:GenerateDataKey*", "*"),
			obj{"StringEquals": obj{"aws:SourceArn": trailSourceArn},
				"StringLike": obj{"kms:EncryptionContext:aws:cloudtrail:arn": sub("arn:${AWS::Partition}:cloudtrail:*:${ManagementAccountId}:trail/*")}}),
		withCondition(statement("CloudTrailDescribe", "Allow", service("cloudtrail.amazonaws.com"), "kms:DescribeKey", "*"),
			obj{"StringEquals": obj{"aws:SourceArn": trailSourceArn}}),
		withCondition(statement("ConfigDelivery", "Allow", service("config.amazonaws.com"), []string{"kms:Decrypt", "kms:GenerateDataKey"}, "*"),
			obj{"StringEquals": obj{"aws:SourceOrgID": ref("OrganizationId")}}),
		withCondition(statement("AuditReadsLogs", "Allow", obj{"AWS": "*"}, []string{"kms:Decrypt", "kms:ReEncryptFrom"}, "*"),
			obj{"StringEquals": obj{"kms:CallerAccount": ref("AuditAccountId"), "aws:PrincipalOrgID": ref("OrganizationId")},
				"StringLike": obj{"kms:EncryptionContext:aws:cloudtrail:arn": sub("arn:${AWS::Partition}:cloudtrail:*:${ManagementAccountId}:trail/*")}}),
	)
	return obj{"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": obj{
		"Description":       "orgrail Log Archive: organization trail and AWS Config logs",
		"EnableKeyRotation": true,
		"KeyPolicy":         policy,
	}}
}

func logBucket() obj {
	return obj{"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": obj{
		"BucketName": ref("BucketName"),
		"BucketEncryption": obj{"ServerSideEncryptionConfiguration": []any{obj{
			"ServerSideEncryptionByDefault": obj{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": getAtt("LogKey", "Arn")},
			"BucketKeyEnabled":              true,
		}}},
		"VersioningConfiguration": obj{"Status": "Enabled"},
		"PublicAccessBlockConfiguration": obj{"BlockPublicAcls": true, "BlockPublicPolicy": true,
			"IgnorePublicAcls": true, "RestrictPublicBuckets": true},
		"OwnershipControls": obj{"Rules": []any{obj{"ObjectOwnership": "BucketOwnerEnforced"}}},
		"LifecycleConfiguration": obj{"Rules": []any{obj{
			"Id": "retention", "Status": "Enabled",
			"ExpirationInDays":               ref("RetentionDays"),
			"NoncurrentVersionExpiration":    obj{"NoncurrentDays": 30},
			"AbortIncompleteMultipartUpload": obj{"DaysAfterInitiation": 7},
		}}},
		"ObjectLockEnabled": ifCond("UseObjectLock", true, noValue),
		"ObjectLockConfiguration": ifCond("UseObjectLock", obj{
			"ObjectLockEnabled": "Enabled",
			"Rule":              obj{"DefaultRetention": obj{"Mode": "COMPLIANCE", "Days": ref("ObjectLockDays")}},
		}, noValue),
	}}
}

// bucketPolicy lets the organization trail and every account's AWS
// Config write (and nothing else), and refuses plain HTTP.
func bucketPolicy() obj {
	bucket := getAtt("LogBucket", "Arn")
	objects := sub("${LogBucket.Arn}/*")
	orgCond := obj{"StringEquals": obj{"aws:SourceOrgID": ref("OrganizationId")}}
	return policyDoc(
		withCondition(statement("DenyInsecureTransport", "Deny", obj{"AWS": "*"}, "s3:*", []any{bucket, objects}),
			obj{"Bool": obj{"aws:SecureTransport": "false"}}),
		withCondition(statement("CloudTrailAclCheck", "Allow", service("cloudtrail.amazonaws.com"), "s3:GetBucketAcl", bucket),
			obj{"StringEquals": obj{"aws:SourceArn": trailSourceArn}}),
		withCondition(statement("CloudTrailWriteManagement", "Allow", service("cloudtrail.amazonaws.com"), "s3:PutObject",
			sub("${LogBucket.Arn}/AWSLogs/${ManagementAccountId}/*")),
			obj{"StringEquals": obj{"aws:SourceArn": trailSourceArn, "s3:x-amz-acl": "bucket-owner-full-control"}}),
		withCondition(statement("CloudTrailWriteOrganization", "Allow", service("cloudtrail.amazonaws.com"), "s3:PutObject",
			sub("${LogBucket.Arn}/AWSLogs/${OrganizationId}/*")),
			obj{"StringEquals": obj{"aws:SourceArn": trailSourceArn, "s3:x-amz-acl": "bucket-owner-full-control"}}),
		withCondition(statement("ConfigAclCheck", "Allow", service("config.amazonaws.com"), []string{"s3:GetBucketAcl", "s3:ListBucket"}, bucket), orgCond),
		withCondition(statement("ConfigWrite", "Allow", service("config.amazonaws.com"), "s3:PutObject", sub("${LogBucket.Arn}/AWSLogs/*/Config/*")),
			obj{"StringEquals": obj{"aws:SourceOrgID": ref("OrganizationId"), "s3:x-amz-acl": "bucket-owner-full-control"}}),
	)
}
