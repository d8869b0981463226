package rules

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// Controls on the reads added for them: IAM server certificates (CIS
// 1.19), S3 lifecycle, replication and event notifications (S3.7,
// S3.10, S3.11, S3.13), Systems Manager (SSM.1–SSM.4) and CloudFormation
// stacks (CloudFormation.1).
func init() {
	bucketReads := func(op ...string) []string {
		out := []string{"s3:ListBuckets", "s3:GetBucketLocation"}
		for _, o := range op {
			out = append(out, "s3:"+o)
		}
		return out
	}
	register(
		&Rule{ID: "iam.server-certificates-not-expired", Title: "No expired SSL/TLS certificates are stored in IAM", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::ServerCertificate", Services: []string{"iam"}, Reads: []string{"iam:ListServerCertificates"},
			Rationale:   "An expired certificate left in IAM can be deployed to a load balancer or CloudFront by mistake, and makes the application look untrustworthy.",
			Remediation: "Delete the expired server certificate (aws iam delete-server-certificate --server-certificate-name NAME); keep certificates in ACM, which renews them.",
			Mappings:    findings.Mappings{SecurityHub: "IAM.26", CIS: "1.19", NistCsf: "PR.DS"},
			check:       checkServerCertificates},
		&Rule{ID: "s3.bucket-lifecycle-policy", Title: "S3 buckets have an active lifecycle rule", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::S3::Bucket", Services: []string{"s3"}, Reads: bucketReads("GetBucketLifecycleConfiguration"),
			Rationale:   "Without lifecycle rules, objects nobody needs stay forever: they cost storage and remain there to leak.",
			Remediation: "Add a lifecycle configuration with at least one enabled rule (transition, expiration or noncurrent version expiration) to the bucket.",
			Mappings:    findings.Mappings{ConfigRule: "S3_LIFECYCLE_POLICY_CHECK", SecurityHub: "S3.13", NistCsf: "PR.PS"},
			check:       func(c *Ctx) error { return checkBucketLifecycle(c, false) }},
		&Rule{ID: "s3.versioned-bucket-lifecycle-policy", Title: "Versioned S3 buckets have an active lifecycle rule", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::S3::Bucket", Services: []string{"s3"}, Reads: bucketReads("GetBucketVersioning", "GetBucketLifecycleConfiguration"),
			Rationale:   "In a versioned bucket every overwrite and delete keeps the old version; without lifecycle rules noncurrent versions pile up forever.",
			Remediation: "Add a lifecycle rule that expires or transitions noncurrent versions of the versioned bucket.",
			Mappings:    findings.Mappings{ConfigRule: "S3_VERSION_LIFECYCLE_POLICY_CHECK", SecurityHub: "S3.10", NistCsf: "PR.PS"},
			check:       func(c *Ctx) error { return checkBucketLifecycle(c, true) }},
		&Rule{ID: "s3.bucket-replication", Title: "S3 buckets have an enabled replication rule", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::S3::Bucket", Services: []string{"s3"}, Reads: bucketReads("GetBucketReplication"),
			Rationale:   "A replica in another bucket (and Region) keeps the data available when the source bucket's Region fails or its objects are destroyed.",
			Remediation: "Configure replication on the versioned bucket, with an enabled rule to a bucket in another Region (aws s3api put-bucket-replication).",
			Mappings:    findings.Mappings{ConfigRule: "S3_BUCKET_REPLICATION_ENABLED", SecurityHub: "S3.7", NistCsf: "PR.IR"},
			check:       checkBucketReplication},
		&Rule{ID: "s3.bucket-event-notifications", Title: "S3 buckets send event notifications", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::S3::Bucket", Services: []string{"s3"}, Reads: bucketReads("GetBucketNotificationConfiguration"),
			Rationale:   "Event notifications let the owner react to object creation and deletion — an unexpected deletion or upload is seen as it happens.",
			Remediation: "Send the bucket's events to Amazon EventBridge, or configure SNS, SQS or Lambda notifications for the events that matter.",
			Mappings:    findings.Mappings{ConfigRule: "S3_EVENT_NOTIFICATIONS_ENABLED", SecurityHub: "S3.11", NistCsf: "DE.CM"},
			check:       checkBucketNotifications},
		&Rule{ID: "ssm.instance-managed", Title: "EC2 instances are managed by Systems Manager", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::Instance", Services: []string{"ec2", "ssm"},
			Reads:       []string{"ec2:DescribeInstances", "ssm:DescribeInstanceInformation"},
			Rationale:   "Instances Systems Manager does not manage are missed by patching, inventory and configuration compliance.",
			Remediation: "Install and run the SSM Agent, give the instance a role with AmazonSSMManagedInstanceCore (or turn on Default Host Management Configuration) and let it reach the Systems Manager endpoints.",
			Mappings:    findings.Mappings{ConfigRule: "EC2_INSTANCE_MANAGED_BY_SSM", SecurityHub: "SSM.1", NistCsf: "ID.AM"},
			check:       checkSSMManaged},
		&Rule{ID: "ssm.patch-compliance", Title: "Managed instances are patch compliant", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: "AWS::SSM::PatchCompliance", Services: []string{"ssm"}, Reads: []string{"ssm:ListResourceComplianceSummaries"},
			Rationale:   "An instance missing the patches its baseline approves runs software with known vulnerabilities.",
			Remediation: "Install the missing patches (Patch Manager's AWS-RunPatchBaseline with Operation=Install) and find out why the last patching left them out.",
			Mappings:    findings.Mappings{ConfigRule: "EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK", SecurityHub: "SSM.2", NistCsf: "ID.RA"},
			check:       func(c *Ctx) error { return checkSSMCompliance(c, "Patch") }},
		&Rule{ID: "ssm.association-compliance", Title: "Managed instances are association compliant", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: "AWS::SSM::AssociationCompliance", Services: []string{"ssm"}, Reads: []string{"ssm:ListResourceComplianceSummaries"},
			Rationale:   "A failed State Manager association means the configuration it enforces (agents, hardening, inventory) is not in place.",
			Remediation: "Look at the association's execution history, fix the cause and apply the association again.",
			Mappings:    findings.Mappings{ConfigRule: "EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK", SecurityHub: "SSM.3", NistCsf: "PR.PS"},
			check:       func(c *Ctx) error { return checkSSMCompliance(c, "Association") }},
		&Rule{ID: "ssm.document-not-public", Title: "Systems Manager documents owned by the account are not public", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: "AWS::SSM::Document", Services: []string{"ssm"}, Reads: []string{"ssm:ListDocuments", "ssm:DescribeDocumentPermission"},
			Rationale:   "A public document shows everyone the account's automation — resource names, scripts, sometimes credentials.",
			Remediation: "Stop sharing the document publicly (aws ssm modify-document-permission --permission-type Share --account-ids-to-remove all) and turn on block public sharing for documents.",
			Mappings:    findings.Mappings{ConfigRule: "SSM_DOCUMENT_NOT_PUBLIC", SecurityHub: "SSM.4", NistCsf: "PR.DS"},
			check:       checkSSMDocumentPublic},
		&Rule{ID: "cloudformation.stack-notifications", Title: "CloudFormation stacks send events to an SNS topic", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: "AWS::CloudFormation::Stack", Services: []string{"cloudformation"}, Reads: []string{"cloudformation:DescribeStacks"},
			Rationale:   "Stack event notifications tell the owners when a stack is changed, fails or rolls back.",
			Remediation: "Give the stack one or more SNS topics for its events (aws cloudformation update-stack --use-previous-template --notification-arns TOPIC).",
			Mappings:    findings.Mappings{ConfigRule: "CLOUDFORMATION_STACK_NOTIFICATION_CHECK", SecurityHub: "CloudFormation.1", NistCsf: "DE.CM"},
			check:       checkStackNotifications},
	)
}

func checkServerCertificates(c *Ctx) error {
	out, err := get[iam.ListServerCertificatesOutput](c.v, "global", "iam", "ListServerCertificates")
	if err != nil {
		return err
	}
	if len(out.ServerCertificateMetadataList) == 0 {
		c.NA("", "no server certificates are stored in IAM")
	}
	for _, m := range out.ServerCertificateMetadataList {
		name := aws(m.ServerCertificateName)
		arn := nonEmpty(aws(m.Arn), c.arn("iam", "", c.Account.Id, "server-certificate"+nonEmpty(aws(m.Path), "/")+name))
		switch {
		case m.Expiration == nil:
			c.Err(arn, fmt.Errorf("server certificate %s has no expiration date", name))
		case m.Expiration.Before(c.Now()):
			c.Fail(arn, "server certificate %s expired on %s", name, m.Expiration.UTC().Format("2006-01-02"))
		default:
			c.Pass(arn, "server certificate %s expires on %s", name, m.Expiration.UTC().Format("2006-01-02"))
		}
	}
	return nil
}

// bucketLifecycle returns a bucket's enabled lifecycle rules (none when
// the bucket has no lifecycle configuration).
func bucketLifecycle(b *bucket) (int, error) {
	lc, err := bget[s3.GetBucketLifecycleConfigurationOutput](b, "GetBucketLifecycleConfiguration")
	if code, ok := benign(err); ok && code == "NoSuchLifecycleConfiguration" {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range lc.Rules {
		if r.Status == s3types.ExpirationStatusEnabled {
			n++
		}
	}
	return n, nil
}

func checkBucketLifecycle(c *Ctx, versionedOnly bool) error {
	return eachBucket(c, func(b *bucket) error {
		if versionedOnly {
			v, err := bget[s3.GetBucketVersioningOutput](b, "GetBucketVersioning")
			if err != nil {
				return err
			}
			if v.Status != s3types.BucketVersioningStatusEnabled {
				c.NA(b.Arn, "bucket %s is not versioned", b.Name)
				return nil
			}
		}
		n, err := bucketLifecycle(b)
		if err != nil {
			return err
		}
		c.Check(n > 0, b.Arn, fmt.Sprintf("bucket %s has %d enabled lifecycle rules", b.Name, n),
			fmt.Sprintf("bucket %s has no enabled lifecycle rule", b.Name))
		return nil
	})
}

func checkBucketReplication(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		r, err := bget[s3.GetBucketReplicationOutput](b, "GetBucketReplication")
		if code, ok := benign(err); ok && code == "ReplicationConfigurationNotFoundError" {
			c.Fail(b.Arn, "bucket %s has no replication configuration", b.Name)
			return nil
		}
		if err != nil {
			return err
		}
		var to []string
		if r.ReplicationConfiguration != nil {
			for _, rule := range r.ReplicationConfiguration.Rules {
				if rule.Status == s3types.ReplicationRuleStatusEnabled && rule.Destination != nil {
					to = append(to, aws(rule.Destination.Bucket))
				}
			}
		}
		c.Check(len(to) > 0, b.Arn, "bucket "+b.Name+" replicates to "+strings.Join(to, ", "),
			"bucket "+b.Name+" has no enabled replication rule")
		return nil
	})
}

func checkBucketNotifications(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		n, err := bget[s3.GetBucketNotificationConfigurationOutput](b, "GetBucketNotificationConfiguration")
		if err != nil {
			return err
		}
		var to []string
		if n.EventBridgeConfiguration != nil {
			to = append(to, "EventBridge")
		}
		for range n.TopicConfigurations {
			to = append(to, "SNS")
		}
		for range n.QueueConfigurations {
			to = append(to, "SQS")
		}
		for range n.LambdaFunctionConfigurations {
			to = append(to, "Lambda")
		}
		c.Check(len(to) > 0, b.Arn, "bucket "+b.Name+" sends events to "+strings.Join(to, ", "),
			"bucket "+b.Name+" has no event notifications")
		return nil
	})
}

// liveInstances returns the region's instances that are not terminated.
func liveInstances(c *Ctx) ([]string, error) {
	out, err := get[ec2.DescribeInstancesOutput](c.v, c.Region, "ec2", "DescribeInstances")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			if in.State != nil && (in.State.Name == "terminated" || in.State.Name == "shutting-down") {
				continue
			}
			ids = append(ids, aws(in.InstanceId))
		}
	}
	return ids, nil
}

func checkSSMManaged(c *Ctx) error {
	ids, err := liveInstances(c)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		c.NA("", "no EC2 instances in %s", c.Region)
		return nil
	}
	info, err := get[ssm.DescribeInstanceInformationOutput](c.v, c.Region, "ssm", "DescribeInstanceInformation")
	if err != nil {
		return err
	}
	managed := map[string]ssmtypes.PingStatus{}
	for _, i := range info.InstanceInformationList {
		managed[aws(i.InstanceId)] = i.PingStatus
	}
	for _, id := range ids {
		arn := c.arn("ec2", c.Region, c.Account.Id, "instance/"+id)
		ping, ok := managed[id]
		switch {
		case !ok:
			c.Fail(arn, "instance %s is not managed by Systems Manager", id)
		case ping == ssmtypes.PingStatusConnectionLost:
			c.Fail(arn, "instance %s is managed by Systems Manager but its agent lost the connection", id)
		default:
			c.Pass(arn, "instance %s is managed by Systems Manager", id)
		}
	}
	return nil
}

// checkSSMCompliance judges the compliance summaries of one type (Patch
// or Association) of the region's managed instances.
func checkSSMCompliance(c *Ctx, kind string) error {
	out, err := get[ssm.ListResourceComplianceSummariesOutput](c.v, c.Region, "ssm", "ListResourceComplianceSummaries")
	if err != nil {
		return err
	}
	n := 0
	for _, s := range out.ResourceComplianceSummaryItems {
		if aws(s.ComplianceType) != kind || aws(s.ResourceType) != "ManagedInstance" {
			continue
		}
		n++
		id := aws(s.ResourceId)
		arn := c.arn("ec2", c.Region, c.Account.Id, "instance/"+id)
		if strings.HasPrefix(id, "mi-") {
			arn = c.arn("ssm", c.Region, c.Account.Id, "managed-instance/"+id)
		}
		switch s.Status {
		case ssmtypes.ComplianceStatusCompliant:
			c.Pass(arn, "instance %s is %s compliant", id, strings.ToLower(kind))
		case ssmtypes.ComplianceStatusNonCompliant:
			c.Fail(arn, "instance %s is not %s compliant (%s severity)", id, strings.ToLower(kind), s.OverallSeverity)
		default:
			c.NA(arn, "instance %s has no %s compliance status", id, strings.ToLower(kind))
		}
	}
	if n == 0 {
		c.NA("", "no managed instance in %s has %s compliance data", c.Region, strings.ToLower(kind))
	}
	return nil
}

func checkSSMDocumentPublic(c *Ctx) error {
	docs, err := get[ssm.ListDocumentsOutput](c.v, c.Region, "ssm", "ListDocuments")
	if err != nil {
		return err
	}
	n := 0
	for _, d := range docs.DocumentIdentifiers {
		if owner := aws(d.Owner); owner != "" && owner != c.Account.Id {
			continue
		}
		n++
		name := aws(d.Name)
		arn := c.arn("ssm", c.Region, c.Account.Id, "document/"+name)
		p, err := getRes[ssm.DescribeDocumentPermissionOutput](c.v, c.Region, "ssm", "DescribeDocumentPermission", name)
		if err != nil {
			c.Err(arn, err)
			continue
		}
		c.Check(!contains(p.AccountIds, "all") && !contains(p.AccountIds, "All"), arn, "document "+name+" is not shared publicly",
			"document "+name+" is shared with all AWS accounts")
	}
	if n == 0 {
		c.NA("", "the account owns no Systems Manager documents in %s", c.Region)
	}
	return nil
}

func checkStackNotifications(c *Ctx) error {
	out, err := get[cloudformation.DescribeStacksOutput](c.v, c.Region, "cloudformation", "DescribeStacks")
	if err != nil {
		return err
	}
	n := 0
	for _, s := range out.Stacks {
		if s.StackStatus == "DELETE_COMPLETE" {
			continue
		}
		n++
		name := aws(s.StackName)
		arn := nonEmpty(aws(s.StackId), c.arn("cloudformation", c.Region, c.Account.Id, "stack/"+name))
		c.Check(len(s.NotificationARNs) > 0, arn, "stack "+name+" notifies "+strings.Join(s.NotificationARNs, ", "),
			"stack "+name+" has no SNS topic for its events")
	}
	if n == 0 {
		c.NA("", "no CloudFormation stacks in %s", c.Region)
	}
	return nil
}
