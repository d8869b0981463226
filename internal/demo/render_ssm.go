package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// renderServerCertificates writes ListServerCertificates: the account's
// IAM server certificates (usually none: Kumo keeps certificates in ACM).
func renderServerCertificates(f *file, a *acct) {
	list := []iamtypes.ServerCertificateMetadata{}
	for _, c := range a.serverCerts {
		list = append(list, iamtypes.ServerCertificateMetadata{ServerCertificateName: aws.String(c.name), Path: aws.String("/"),
			Arn:                 aws.String("arn:aws:iam::" + a.Id + ":server-certificate/" + c.name),
			ServerCertificateId: aws.String(uniqueID(newRand(uint64(a.index), uint64(len(c.name))), "ASCA")),
			UploadDate:          ptime(c.uploaded), Expiration: ptime(c.expires)})
	}
	f.put("ListServerCertificates", iam.ListServerCertificatesOutput{ServerCertificateMetadataList: list})
}

// replicaRegion is where a bucket's objects are replicated.
func replicaRegion(region string) string {
	if region == "us-west-2" {
		return "us-east-1"
	}
	return "us-west-2"
}

// renderBucketData writes a bucket's lifecycle, replication and event
// notification configuration: noncurrent versions expire after 90 days
// (log buckets move to Glacier after 30 days), objects replicate to a
// bucket in another region, and events go to EventBridge.
func renderBucketData(f *file, a *acct, b *bucket) {
	if b.noLifecycle {
		f.SetResourceError("GetBucketLifecycleConfiguration", b.name, "NoSuchLifecycleConfiguration")
	} else {
		rules := []s3types.LifecycleRule{{ID: aws.String("expire-noncurrent-versions"), Status: s3types.ExpirationStatusEnabled,
			Filter:                         &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			NoncurrentVersionExpiration:    &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(90)},
			AbortIncompleteMultipartUpload: &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)}}}
		if strings.Contains(b.name, "-logs-") || strings.Contains(b.name, "cloudtrail") || strings.Contains(b.name, "-config-") {
			rules = append(rules, s3types.LifecycleRule{ID: aws.String("archive-logs"), Status: s3types.ExpirationStatusEnabled,
				Filter:      &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
				Transitions: []s3types.Transition{{Days: aws.Int32(30), StorageClass: s3types.TransitionStorageClassGlacierIr}}})
		}
		f.res("GetBucketLifecycleConfiguration", b.name, s3.GetBucketLifecycleConfigurationOutput{Rules: rules})
	}
	if b.noReplication || !b.versioning {
		f.SetResourceError("GetBucketReplication", b.name, "ReplicationConfigurationNotFoundError")
	} else {
		f.res("GetBucketReplication", b.name, s3.GetBucketReplicationOutput{ReplicationConfiguration: &s3types.ReplicationConfiguration{
			Role: aws.String("arn:aws:iam::" + a.Id + ":role/" + s3ReplicationRole),
			Rules: []s3types.ReplicationRule{{ID: aws.String("dr-copy"), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
				Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				Destination: &s3types.Destination{Bucket: aws.String("arn:aws:s3:::" + b.name + "-" + replicaRegion(b.region)),
					StorageClass: s3types.StorageClassStandardIa}}}}})
	}
	if b.noEvents {
		f.res("GetBucketNotificationConfiguration", b.name, s3.GetBucketNotificationConfigurationOutput{})
	} else {
		f.res("GetBucketNotificationConfiguration", b.name, s3.GetBucketNotificationConfigurationOutput{EventBridgeConfiguration: &s3types.EventBridgeConfiguration{}})
	}
}

// renderSSM writes Systems Manager: every instance is managed and
// compliant unless planted otherwise; the account's own documents.
func renderSSM(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "ssm")
	info := []ssmtypes.InstanceInformation{}
	summaries := []ssmtypes.ResourceComplianceSummaryItem{}
	for _, in := range rr.instances {
		if rr.ssmUnmanaged[in.id] {
			continue
		}
		seen := w.collected.Add(-7 * time.Minute)
		info = append(info, ssmtypes.InstanceInformation{InstanceId: aws.String(in.id), PingStatus: ssmtypes.PingStatusOnline,
			LastPingDateTime: ptime(seen), AgentVersion: aws.String("3.3.1142.0"), IsLatestVersion: aws.Bool(false),
			PlatformType: ssmtypes.PlatformTypeLinux, PlatformName: aws.String("Amazon Linux"), PlatformVersion: aws.String("2023"),
			ResourceType: ssmtypes.ResourceTypeEc2Instance, IPAddress: aws.String(in.privateIP), ComputerName: aws.String("ip-" + strings.ReplaceAll(in.privateIP, ".", "-") + ".ec2.internal"),
			IamRole: aws.String(lastPathSegment(in.profile)), RegistrationDate: ptime(in.launched.Add(3 * time.Minute))})
		for _, kind := range []string{"Patch", "Association"} {
			failing := (kind == "Patch" && rr.patchFailing[in.id]) || (kind == "Association" && rr.associationFailing[in.id])
			item := ssmtypes.ResourceComplianceSummaryItem{ComplianceType: aws.String(kind), ResourceId: aws.String(in.id),
				ResourceType: aws.String("ManagedInstance"), Status: ssmtypes.ComplianceStatusCompliant, OverallSeverity: ssmtypes.ComplianceSeverityUnspecified,
				ExecutionSummary: &ssmtypes.ComplianceExecutionSummary{ExecutionTime: ptime(w.collected.Add(-26 * time.Hour)), ExecutionType: aws.String("Command")},
				CompliantSummary: &ssmtypes.CompliantSummary{CompliantCount: 12}, NonCompliantSummary: &ssmtypes.NonCompliantSummary{NonCompliantCount: 0}}
			if failing {
				item.Status, item.OverallSeverity = ssmtypes.ComplianceStatusNonCompliant, ssmtypes.ComplianceSeverityCritical
				item.CompliantSummary.CompliantCount, item.NonCompliantSummary.NonCompliantCount = 9, 3
			}
			summaries = append(summaries, item)
		}
	}
	f.put("DescribeInstanceInformation", ssm.DescribeInstanceInformationOutput{InstanceInformationList: info})
	f.put("ListResourceComplianceSummaries", ssm.ListResourceComplianceSummariesOutput{ResourceComplianceSummaryItems: summaries})
	docs := []ssmtypes.DocumentIdentifier{}
	for _, d := range rr.ssmDocs {
		docs = append(docs, ssmtypes.DocumentIdentifier{Name: aws.String(d.name), Owner: aws.String(a.Id), DocumentType: ssmtypes.DocumentTypeAutomation,
			DocumentFormat: ssmtypes.DocumentFormatYaml, DocumentVersion: aws.String("1"), SchemaVersion: aws.String("0.3"), CreatedDate: ptime(d.created),
			PlatformTypes: []ssmtypes.PlatformType{ssmtypes.PlatformTypeLinux}, Tags: []ssmtypes.Tag{}})
		ids := []string{}
		if d.public {
			ids = append(ids, "all")
		}
		f.res("DescribeDocumentPermission", d.name, ssm.DescribeDocumentPermissionOutput{AccountIds: ids, AccountSharingInfoList: []ssmtypes.AccountSharingInfo{}})
	}
	f.put("ListDocuments", ssm.ListDocumentsOutput{DocumentIdentifiers: docs})
	return f
}

func lastPathSegment(s string) string { return s[strings.LastIndex(s, "/")+1:] }

// renderCloudFormation writes the region's stacks.
func renderCloudFormation(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "cloudformation")
	stacks := []cfntypes.Stack{}
	sorted := append([]*stack(nil), rr.stacks...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, s := range sorted {
		id := stackARN(a, rr.region, s.name)
		notify := s.notify
		if notify == nil {
			notify = []string{}
		}
		st := cfntypes.Stack{StackName: aws.String(s.name), StackId: aws.String(id), StackStatus: cfntypes.StackStatusUpdateComplete,
			CreationTime: ptime(s.created), LastUpdatedTime: ptime(s.created.AddDate(0, 2, 0)), NotificationARNs: notify,
			DisableRollback: aws.Bool(false), EnableTerminationProtection: aws.Bool(true), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam},
			DriftInformation: &cfntypes.StackDriftInformation{StackDriftStatus: cfntypes.StackDriftStatusNotChecked},
			Tags:             cfnTags(w.tags(a, s.name)), Parameters: []cfntypes.Parameter{}, Outputs: []cfntypes.Output{}}
		stacks = append(stacks, st)
	}
	f.put("DescribeStacks", cloudformation.DescribeStacksOutput{Stacks: stacks})
	return f
}

// stackARN is a stack's ARN; its id part derives from the name.
func stackARN(a *acct, region, name string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/%s", region, a.Id, name, uuid(newRand(uint64(a.index), h)))
}

func cfnTags(t map[string]string) []cfntypes.Tag {
	out := []cfntypes.Tag{}
	for _, k := range sortedKeys(t) {
		out = append(out, cfntypes.Tag{Key: aws.String(k), Value: aws.String(t[k])})
	}
	return out
}
