package collect

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/orgrail/orgrail/internal/safetext"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Resource types that span several operations, converted one by one.
const (
	rtBucket    = "AWS::S3::Bucket"
	rtAccountPA = "AWS::S3::AccountPublicAccessBlock"
	rtKey       = "AWS::KMS::Key"
	rtInstance  = "AWS::EC2::Instance"
	rtQueue     = "AWS::SQS::Queue"
	rtTopic     = "AWS::SNS::Topic"
	rtDetector  = "AWS::GuardDuty::Detector"
)

// s3Suppl pairs a bucket's supplementary configuration, as AWS Config
// names and shapes it, with the per-bucket operation whose output it
// carries. toConfig and fromConfig convert between the two shapes.
var s3Suppl = []struct {
	Name, Op   string
	toConfig   func(raw json.RawMessage) (any, error)
	fromConfig func(raw json.RawMessage) (any, error)
}{
	{"BucketPolicy", "GetBucketPolicy",
		func(raw json.RawMessage) (any, error) {
			var o s3.GetBucketPolicyOutput
			err := json.Unmarshal(raw, &o)
			return map[string]any{"policyText": o.Policy}, err
		},
		func(raw json.RawMessage) (any, error) {
			var c struct{ PolicyText *string }
			err := json.Unmarshal(raw, &c)
			return &s3.GetBucketPolicyOutput{Policy: c.PolicyText}, err
		}},
	{"PublicAccessBlockConfiguration", "GetPublicAccessBlock",
		func(raw json.RawMessage) (any, error) {
			var o s3.GetPublicAccessBlockOutput
			if err := json.Unmarshal(raw, &o); err != nil {
				return nil, err
			}
			return toConfigValue(reflect.ValueOf(o.PublicAccessBlockConfiguration)), nil
		},
		func(raw json.RawMessage) (any, error) {
			var c s3types.PublicAccessBlockConfiguration
			err := json.Unmarshal(raw, &c)
			return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &c}, err
		}},
	{"ServerSideEncryptionConfiguration", "GetBucketEncryption",
		func(raw json.RawMessage) (any, error) {
			var o s3.GetBucketEncryptionOutput
			if err := json.Unmarshal(raw, &o); err != nil {
				return nil, err
			}
			return toConfigValue(reflect.ValueOf(o.ServerSideEncryptionConfiguration)), nil
		},
		func(raw json.RawMessage) (any, error) {
			var c s3types.ServerSideEncryptionConfiguration
			err := json.Unmarshal(raw, &c)
			return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &c}, err
		}},
	{"BucketVersioningConfiguration", "GetBucketVersioning",
		func(raw json.RawMessage) (any, error) {
			var o s3.GetBucketVersioningOutput
			err := json.Unmarshal(raw, &o)
			status := string(o.Status)
			if status == "" {
				status = "Off"
			}
			return map[string]any{"status": status, "isMfaDeleteEnabled": o.MFADelete == s3types.MFADeleteStatusEnabled}, err
		},
		func(raw json.RawMessage) (any, error) {
			var c struct {
				Status             string
				IsMfaDeleteEnabled *bool
			}
			err := json.Unmarshal(raw, &c)
			o := &s3.GetBucketVersioningOutput{}
			if c.Status != "Off" {
				o.Status = s3types.BucketVersioningStatus(c.Status)
			}
			if c.IsMfaDeleteEnabled != nil && *c.IsMfaDeleteEnabled {
				o.MFADelete = s3types.MFADeleteStatusEnabled
			}
			return o, err
		}},
	{"BucketLoggingConfiguration", "GetBucketLogging",
		func(raw json.RawMessage) (any, error) {
			var o s3.GetBucketLoggingOutput
			err := json.Unmarshal(raw, &o)
			c := map[string]any{}
			if o.LoggingEnabled != nil {
				c["destinationBucketName"] = o.LoggingEnabled.TargetBucket
				c["logFilePrefix"] = o.LoggingEnabled.TargetPrefix
			}
			return c, err
		},
		func(raw json.RawMessage) (any, error) {
			var c struct{ DestinationBucketName, LogFilePrefix *string }
			err := json.Unmarshal(raw, &c)
			o := &s3.GetBucketLoggingOutput{}
			if c.DestinationBucketName != nil {
				o.LoggingEnabled = &s3types.LoggingEnabled{TargetBucket: c.DestinationBucketName, TargetPrefix: c.LogFilePrefix}
			}
			return o, err
		}},
	{"BucketOwnershipControls", "GetBucketOwnershipControls", sameShape, sameShapeAs[s3.GetBucketOwnershipControlsOutput]},
	{"AccessControlList", "GetBucketAcl", sameShape, sameShapeAs[s3.GetBucketAclOutput]},
	{"BucketTaggingConfiguration", "GetBucketTagging", sameShape, sameShapeAs[s3.GetBucketTaggingOutput]},
	{"BucketPolicyStatus", "GetBucketPolicyStatus", sameShape, sameShapeAs[s3.GetBucketPolicyStatusOutput]},
}

// sameShape passes an output through unchanged (for supplementary
// configurations whose Config shape is the API's, case aside).
func sameShape(raw json.RawMessage) (any, error) { return raw, nil }

func sameShapeAs[T any](raw json.RawMessage) (any, error) {
	var o T
	err := json.Unmarshal(raw, &o)
	return &o, err
}

// writeSpecial renders the multi-operation resource types of one
// account and region as configuration items.
func writeSpecial(s *snapshot.Snapshot, account, region string, emit func(ConfigurationItem, any) error) error {
	if region == snapshot.Global {
		return writeS3(s, account, emit)
	}
	if err := writeKeys(s, account, region, emit); err != nil {
		return err
	}
	if err := writeInstances(s, account, region, emit); err != nil {
		return err
	}
	if err := writeNewKinds(s, account, region, emit); err != nil {
		return err
	}
	if err := writeDescribed(s, account, region, emit); err != nil {
		return err
	}
	return writeMessaging(s, account, region, emit)
}

func writeS3(s *snapshot.Snapshot, account string, emit func(ConfigurationItem, any) error) error {
	if f, err := s.Service(account, snapshot.Global, "s3control"); err == nil {
		var pab s3control.GetPublicAccessBlockOutput
		if ok, _ := f.Get("GetPublicAccessBlock", &pab); ok {
			if err := emit(ConfigurationItem{ResourceType: rtAccountPA, ResourceID: account, AWSRegion: "global"}, pab.PublicAccessBlockConfiguration); err != nil {
				return err
			}
		}
	}
	f, err := s.Service(account, snapshot.Global, "s3")
	if err != nil {
		return nil
	}
	var list s3.ListBucketsOutput
	if ok, err := f.Get("ListBuckets", &list); !ok || err != nil {
		return err
	}
	for _, b := range list.Buckets {
		name := aws.ToString(b.Name)
		ci := ConfigurationItem{ResourceType: rtBucket, ResourceID: name, ResourceName: name, AWSRegion: bucketRegion(f, name),
			ARN: "arn:aws:s3:::" + name, SupplementaryConfiguration: map[string]json.RawMessage{}}
		for _, sp := range s3Suppl {
			raw, ok := f.PerResource[sp.Op][name]
			if !ok {
				continue
			}
			v, err := sp.toConfig(raw)
			if err != nil {
				return fmt.Errorf("bucket %s %s: %w", name, sp.Op, err)
			}
			if ci.SupplementaryConfiguration[sp.Name], err = json.Marshal(v); err != nil {
				return err
			}
		}
		if err := emit(ci, b); err != nil {
			return err
		}
	}
	return nil
}

func bucketRegion(f *snapshot.ServiceFile, name string) string {
	var loc s3.GetBucketLocationOutput
	if ok, _ := f.GetResource("GetBucketLocation", name, &loc); ok && loc.LocationConstraint != "" {
		return string(loc.LocationConstraint)
	}
	return "us-east-1"
}

func writeKeys(s *snapshot.Snapshot, account, region string, emit func(ConfigurationItem, any) error) error {
	f, err := s.Service(account, region, "kms")
	if err != nil {
		return nil
	}
	for _, id := range f.ResourceKeys("DescribeKey") {
		var d kms.DescribeKeyOutput
		if ok, err := f.GetResource("DescribeKey", id, &d); !ok || err != nil || d.KeyMetadata == nil {
			continue
		}
		if err := emit(ConfigurationItem{ResourceType: rtKey, ResourceID: id, ARN: aws.ToString(d.KeyMetadata.Arn)}, d.KeyMetadata); err != nil {
			return err
		}
	}
	return nil
}

func writeInstances(s *snapshot.Snapshot, account, region string, emit func(ConfigurationItem, any) error) error {
	f, err := s.Service(account, region, "ec2")
	if err != nil {
		return nil
	}
	var out ec2.DescribeInstancesOutput
	if ok, err := f.Get("DescribeInstances", &out); !ok || err != nil {
		return err
	}
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			if err := emit(ConfigurationItem{ResourceType: rtInstance, ResourceID: aws.ToString(in.InstanceId)}, in); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeMessaging(s *snapshot.Snapshot, account, region string, emit func(ConfigurationItem, any) error) error {
	if f, err := s.Service(account, region, "sqs"); err == nil {
		for _, url := range f.ResourceKeys("GetQueueAttributes") {
			var a sqs.GetQueueAttributesOutput
			f.GetResource("GetQueueAttributes", url, &a)
			if err := emit(ConfigurationItem{ResourceType: rtQueue, ResourceID: url}, map[string]any{"QueueUrl": url, "Attributes": a.Attributes}); err != nil {
				return err
			}
		}
	}
	if f, err := s.Service(account, region, "sns"); err == nil {
		for _, arn := range f.ResourceKeys("GetTopicAttributes") {
			var a sns.GetTopicAttributesOutput
			f.GetResource("GetTopicAttributes", arn, &a)
			if err := emit(ConfigurationItem{ResourceType: rtTopic, ResourceID: arn, ARN: arn}, map[string]any{"TopicArn": arn, "Attributes": a.Attributes}); err != nil {
				return err
			}
		}
	}
	if f, err := s.Service(account, region, "guardduty"); err == nil {
		for _, id := range f.ResourceKeys("GetDetector") {
			var d guardduty.GetDetectorOutput
			f.GetResource("GetDetector", id, &d)
			if err := emit(ConfigurationItem{ResourceType: rtDetector, ResourceID: id}, &d); err != nil {
				return err
			}
		}
	}
	if f, err := s.Service(account, region, "lambda"); err == nil {
		// Function policies travel as the function's supplementary
		// configuration; handled by readers of AWS::Lambda::Function.
		_ = f
	}
	return nil
}

// builder accumulates a snapshot's service files from configuration items.
type builder struct {
	files map[string]*snapshot.ServiceFile       // account/region/service
	lists map[string]map[string]map[string][]any // file key → op → list field → items
	accts map[string]map[string]bool             // account → regions seen
}

func newBuilder() *builder {
	return &builder{files: map[string]*snapshot.ServiceFile{}, lists: map[string]map[string]map[string][]any{}, accts: map[string]map[string]bool{}}
}

func (b *builder) file(account, region, service string) *snapshot.ServiceFile {
	k := account + "/" + region + "/" + service
	f := b.files[k]
	if f == nil {
		f = snapshot.NewServiceFile(account, region, service)
		b.files[k] = f
	}
	return f
}

func (b *builder) append(account, region, service, op, list string, item any) {
	b.file(account, region, service)
	k := account + "/" + region + "/" + service
	if b.lists[k] == nil {
		b.lists[k] = map[string]map[string][]any{}
	}
	if b.lists[k][op] == nil {
		b.lists[k][op] = map[string][]any{}
	}
	b.lists[k][op][list] = append(b.lists[k][op][list], item)
}

// addItem converts one configuration item into snapshot outputs.
func (b *builder) addItem(ci *ConfigurationItem) error {
	acct, region := ci.AWSAccountID, ci.AWSRegion
	// Both become directory names: a crafted file must not steer a
	// write outside the snapshot (awsAccountId "../../x").
	if err := snapshot.CheckAccount(acct); err != nil {
		return fmt.Errorf("configuration item %s: awsAccountId: %w", safetext.Quote(ci.ResourceID), err)
	}
	if err := snapshot.CheckRegion(region); err != nil {
		return fmt.Errorf("configuration item %s: awsRegion: %w", safetext.Quote(ci.ResourceID), err)
	}
	if b.accts[acct] == nil {
		b.accts[acct] = map[string]bool{}
	}
	if region != "global" && region != "" {
		b.accts[acct][region] = true
	}
	for _, k := range listKinds {
		if k.ResourceType != ci.ResourceType {
			continue
		}
		item := k.New()
		if err := fromConfig(ci.Configuration, item); err != nil {
			return fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		r := region
		if k.Global {
			r = snapshot.Global
		}
		b.append(acct, r, k.Service, k.Op, k.List, item)
		b.addListSuppl(ci, k, r, k.ID(item))
		return nil
	}
	return b.addSpecial(ci)
}

func (b *builder) addSpecial(ci *ConfigurationItem) error {
	if ok, err := b.addNewKind(ci); ok {
		return err
	}
	if ok, err := b.addDescribed(ci); ok {
		return err
	}
	acct, region := ci.AWSAccountID, ci.AWSRegion
	switch ci.ResourceType {
	case rtAccountPA:
		var c s3controltypes.PublicAccessBlockConfiguration
		if err := fromConfig(ci.Configuration, &c); err != nil {
			return fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		return b.file(acct, snapshot.Global, "s3control").Set("GetPublicAccessBlock", &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &c})
	case rtBucket:
		var bk s3types.Bucket
		if err := fromConfig(ci.Configuration, &bk); err != nil {
			return fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		b.append(acct, snapshot.Global, "s3", "ListBuckets", "Buckets", &bk)
		f := b.file(acct, snapshot.Global, "s3")
		f.SetResource("GetBucketLocation", ci.ResourceID, map[string]string{"LocationConstraint": strings.TrimPrefix(region, "us-east-1")})
		for _, sp := range s3Suppl {
			if raw := ci.suppl(sp.Name); raw != nil {
				v, err := sp.fromConfig(raw)
				if err != nil {
					return fmt.Errorf("%s %s %s: %w", ci.ResourceType, ci.ResourceID, sp.Name, err)
				}
				if err := f.SetResource(sp.Op, ci.ResourceID, v); err != nil {
					return err
				}
			}
		}
	case rtKey:
		var md kmstypes.KeyMetadata
		if err := fromConfig(ci.Configuration, &md); err != nil {
			return fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		b.append(acct, region, "kms", "ListKeys", "Keys", &kmstypes.KeyListEntry{KeyId: md.KeyId, KeyArn: md.Arn})
		return b.file(acct, region, "kms").SetResource("DescribeKey", ci.ResourceID, &kms.DescribeKeyOutput{KeyMetadata: &md})
	case rtInstance:
		var in ec2types.Instance
		if err := fromConfig(ci.Configuration, &in); err != nil {
			return fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		b.append(acct, region, "ec2", "DescribeInstances", "Reservations", &ec2types.Reservation{OwnerId: aws.String(acct), Instances: []ec2types.Instance{in}})
	case rtQueue:
		var q struct {
			QueueUrl   string
			Attributes map[string]string
		}
		if err := fromConfig(ci.Configuration, &q); err != nil {
			return fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		b.append(acct, region, "sqs", "ListQueues", "QueueUrls", q.QueueUrl)
		return b.file(acct, region, "sqs").SetResource("GetQueueAttributes", q.QueueUrl, &sqs.GetQueueAttributesOutput{Attributes: q.Attributes})
	case rtTopic:
		var t struct {
			TopicArn   string
			Attributes map[string]string
		}
		if err := fromConfig(ci.Configuration, &t); err != nil {
			return fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		b.append(acct, region, "sns", "ListTopics", "Topics", map[string]string{"TopicArn": t.TopicArn})
		return b.file(acct, region, "sns").SetResource("GetTopicAttributes", t.TopicArn, &sns.GetTopicAttributesOutput{Attributes: t.Attributes})
	case rtDetector:
		var d guardduty.GetDetectorOutput
		if err := fromConfig(ci.Configuration, &d); err != nil {
			return fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		b.append(acct, region, "guardduty", "ListDetectors", "DetectorIds", ci.ResourceID)
		return b.file(acct, region, "guardduty").SetResource("GetDetector", ci.ResourceID, &d)
	}
	return nil // resource types orgrail does not read
}
