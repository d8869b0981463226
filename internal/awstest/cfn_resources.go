package awstest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// cfnProvider makes one resource type in an account and region: it
// writes what the service's read operations answer (the stored outputs
// collect reads) and returns the physical id (what Ref gives) and the
// attributes Fn::GetAtt can read. prev is the physical id of the same
// logical resource from an earlier deployment of the stack, or "".
type cfnProvider func(d *cfnDeploy, logical string, props map[string]any, prev string) (string, map[string]string, error)

// cfnProviders are the resource types the local AWS's CloudFormation
// creates. Any other type fails the stack (CREATE_FAILED), as
// CloudFormation fails on a type it does not know.
var cfnProviders = map[string]cfnProvider{
	"AWS::IAM::Role":                     cfnIAMRole,
	"AWS::Lambda::Function":              cfnLambdaFunction,
	"AWS::Events::Rule":                  cfnEventsRule,
	"AWS::Events::EventBus":              cfnEventBus,
	"AWS::Events::EventBusPolicy":        cfnEventBusPolicy,
	"AWS::Config::ConfigurationRecorder": cfnConfigRecorder,
	"AWS::Config::DeliveryChannel":       cfnDeliveryChannel,
	"AWS::KMS::Key":                      cfnKMSKey,
	"AWS::KMS::Alias":                    cfnKMSAlias,
	"AWS::S3::Bucket":                    cfnS3Bucket,
	"AWS::S3::BucketPolicy":              cfnS3BucketPolicy,
	"AWS::SNS::Topic":                    cfnSNSTopic,
	"AWS::SNS::TopicPolicy":              cfnSNSTopicPolicy,
}

// cfnDeploy is one stack being created in an account and region.
type cfnDeploy struct {
	s         *Server
	account   string
	region    string
	partition string
	stack     string
	stackID   string
}

// physicalName is the name CloudFormation generates for a resource
// whose name property is not set: stack name, logical id and a suffix,
// cut to max characters.
func (d *cfnDeploy) physicalName(logical string, max int, lower bool) string {
	h := sha256.Sum256([]byte(d.account + "|" + d.region + "|" + d.stack + "|" + logical))
	suffix := strings.ToUpper(hex.EncodeToString(h[:6]))
	base := d.stack + "-" + logical
	if len(base)+1+len(suffix) > max {
		base = base[:max-1-len(suffix)]
	}
	name := base + "-" + suffix
	if lower {
		name = strings.ToLower(name)
	}
	return name
}

func (d *cfnDeploy) arn(service, region, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", d.partition, service, region, d.account, resource)
}

func pstr(v any) string { return scalarString(v) }

func boolProp(v any) bool { return strings.EqualFold(scalarString(v), "true") }

func int32Prop(v any) *int32 {
	if v == nil {
		return nil
	}
	n, err := strconv.Atoi(scalarString(v))
	if err != nil {
		return nil
	}
	x := int32(n)
	return &x
}

// jsonDoc renders a policy document property as JSON text.
func jsonDoc(v any) (string, error) {
	if s, ok := v.(string); ok {
		if !json.Valid([]byte(s)) {
			return "", fmt.Errorf("policy document is not valid JSON")
		}
		return s, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func required(props map[string]any, names ...string) error {
	var missing []string
	for _, n := range names {
		if props[n] == nil || pstr(props[n]) == "" {
			missing = append(missing, "#: required key ["+n+"] not found")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("Properties validation failed for resource with message: %s", strings.Join(missing, "; "))
	}
	return nil
}

func cfnIAMRole(d *cfnDeploy, logical string, p map[string]any, prev string) (string, map[string]string, error) {
	if err := required(p, "AssumeRolePolicyDocument"); err != nil {
		return "", nil, err
	}
	name := pstr(p["RoleName"])
	if name == "" {
		name = prev
	}
	if name == "" {
		name = d.physicalName(logical, 64, false)
	}
	trust, err := jsonDoc(p["AssumeRolePolicyDocument"])
	if err != nil {
		return "", nil, fmt.Errorf("AssumeRolePolicyDocument: %w", err)
	}
	path := pstr(p["Path"])
	if path == "" {
		path = "/"
	}
	role := iamtypes.RoleDetail{RoleName: aws.String(name), Path: aws.String(path),
		Arn:                      aws.String(fmt.Sprintf("arn:%s:iam::%s:role%s%s", d.partition, d.account, path, name)),
		RoleId:                   aws.String("AROA" + d.physicalName(logical, 30, false)[len(d.physicalName(logical, 30, false))-12:] + "CFNROLE"),
		AssumeRolePolicyDocument: aws.String(url.QueryEscape(trust)), CreateDate: aws.Time(time.Now().UTC())}
	if l, ok := p["ManagedPolicyArns"].([]any); ok {
		for _, a := range l {
			arn := pstr(a)
			role.AttachedManagedPolicies = append(role.AttachedManagedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(arn), PolicyName: aws.String(arn[strings.LastIndex(arn, "/")+1:])})
		}
	}
	if l, ok := p["Policies"].([]any); ok {
		for i, x := range l {
			m, _ := x.(map[string]any)
			if err := required(m, "PolicyName", "PolicyDocument"); err != nil {
				return "", nil, fmt.Errorf("Policies[%d]: %w", i, err)
			}
			doc, err := jsonDoc(m["PolicyDocument"])
			if err != nil {
				return "", nil, fmt.Errorf("Policies[%d]: %w", i, err)
			}
			role.RolePolicyList = append(role.RolePolicyList, iamtypes.PolicyDetail{PolicyName: aws.String(pstr(m["PolicyName"])), PolicyDocument: aws.String(url.QueryEscape(doc))})
		}
	}
	err = modify(d.s, d.account, snapshot.Global, "iam", "GetAccountAuthorizationDetails", "", func(o *iam.GetAccountAuthorizationDetailsOutput) error {
		for i, r := range o.RoleDetailList {
			if aws.ToString(r.RoleName) == name {
				if prev != name {
					return fmt.Errorf("%s already exists in stack %s", name, d.stackID)
				}
				role.RoleId = r.RoleId
				o.RoleDetailList[i] = role
				return nil
			}
		}
		o.RoleDetailList = append(o.RoleDetailList, role)
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return name, map[string]string{"Arn": *role.Arn, "RoleId": *role.RoleId}, nil
}

// cfnFunction is the code of a Lambda function a stack made, which the
// local AWS runs for custom resources (cfn_lambda.go).
type cfnFunction struct {
	Runtime, Handler, ZipFile string
}

func cfnLambdaFunction(d *cfnDeploy, logical string, p map[string]any, prev string) (string, map[string]string, error) {
	if err := required(p, "Role", "Code"); err != nil {
		return "", nil, err
	}
	name := pstr(p["FunctionName"])
	if name == "" {
		name = prev
	}
	if name == "" {
		name = d.physicalName(logical, 64, false)
	}
	code, _ := p["Code"].(map[string]any)
	arn := d.arn("lambda", d.region, "function:"+name)
	fn := lambdatypes.FunctionConfiguration{FunctionName: aws.String(name), FunctionArn: aws.String(arn), Runtime: lambdatypes.Runtime(pstr(p["Runtime"])),
		Handler: aws.String(pstr(p["Handler"])), Role: aws.String(pstr(p["Role"])), Description: aws.String(pstr(p["Description"])),
		Timeout: int32Prop(p["Timeout"]), MemorySize: int32Prop(p["MemorySize"]), PackageType: lambdatypes.PackageTypeZip,
		LastModified: aws.String(time.Now().UTC().Format("2006-01-02T15:04:05.000+0000"))}
	err := modify(d.s, d.account, d.region, "lambda", "ListFunctions", "", func(o *lambda.ListFunctionsOutput) error {
		o.Functions = slices.DeleteFunc(o.Functions, func(f lambdatypes.FunctionConfiguration) bool { return aws.ToString(f.FunctionName) == name })
		o.Functions = append(o.Functions, fn)
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	d.s.cfnFuncs.Store(arn, cfnFunction{Runtime: pstr(p["Runtime"]), Handler: pstr(p["Handler"]), ZipFile: pstr(code["ZipFile"])})
	return name, map[string]string{"Arn": arn}, nil
}

// eventsRule is an EventBridge rule as ListRules and DescribeRule
// answer (aws-sdk-go-v2's eventbridge shapes), with its targets as
// ListTargetsByRule answers.
type eventsRule struct {
	Name, Arn, EventBusName, State string
	Description                    string `json:",omitempty"`
	EventPattern                   string `json:",omitempty"`
	ScheduleExpression             string `json:",omitempty"`
	Targets                        []eventsTarget
}

type eventsTarget struct {
	Id, Arn string
	RoleArn string `json:",omitempty"`
}

type eventsRules struct{ Rules []eventsRule }

type eventsBus struct {
	Name, Arn string
	Policy    string `json:",omitempty"`
}

type eventsBuses struct{ EventBuses []eventsBus }

func cfnEventsRule(d *cfnDeploy, logical string, p map[string]any, prev string) (string, map[string]string, error) {
	if p["EventPattern"] == nil && p["ScheduleExpression"] == nil {
		return "", nil, fmt.Errorf("Properties validation failed for resource with message: EventPattern or ScheduleExpression is required")
	}
	name := pstr(p["Name"])
	if name == "" {
		name = prev
	}
	if name == "" {
		name = d.physicalName(logical, 64, false)
	}
	bus := pstr(p["EventBusName"])
	if bus == "" {
		bus = "default"
	}
	if strings.HasPrefix(bus, "arn:") {
		bus = bus[strings.LastIndex(bus, "/")+1:]
	}
	arn := d.arn("events", d.region, "rule/"+name)
	if bus != "default" {
		arn = d.arn("events", d.region, "rule/"+bus+"/"+name)
	}
	r := eventsRule{Name: name, Arn: arn, EventBusName: bus, State: pstr(p["State"]), Description: pstr(p["Description"]), ScheduleExpression: pstr(p["ScheduleExpression"])}
	if r.State == "" {
		r.State = "ENABLED"
	}
	if p["EventPattern"] != nil {
		pat, err := jsonDoc(p["EventPattern"])
		if err != nil {
			return "", nil, fmt.Errorf("EventPattern: %w", err)
		}
		r.EventPattern = pat
	}
	if l, ok := p["Targets"].([]any); ok {
		for i, x := range l {
			m, _ := x.(map[string]any)
			if err := required(m, "Id", "Arn"); err != nil {
				return "", nil, fmt.Errorf("Targets[%d]: %w", i, err)
			}
			r.Targets = append(r.Targets, eventsTarget{Id: pstr(m["Id"]), Arn: pstr(m["Arn"]), RoleArn: pstr(m["RoleArn"])})
		}
	}
	err := modify(d.s, d.account, d.region, "events", "ListRules", "", func(o *eventsRules) error {
		o.Rules = slices.DeleteFunc(o.Rules, func(x eventsRule) bool { return x.Arn == arn })
		o.Rules = append(o.Rules, r)
		sort.Slice(o.Rules, func(i, j int) bool { return o.Rules[i].Arn < o.Rules[j].Arn })
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return name, map[string]string{"Arn": arn}, nil
}

func cfnEventBus(d *cfnDeploy, _ string, p map[string]any, _ string) (string, map[string]string, error) {
	if err := required(p, "Name"); err != nil {
		return "", nil, err
	}
	name := pstr(p["Name"])
	arn := d.arn("events", d.region, "event-bus/"+name)
	err := modify(d.s, d.account, d.region, "events", "ListEventBuses", "", func(o *eventsBuses) error {
		for _, b := range o.EventBuses {
			if b.Name == name {
				return nil
			}
		}
		o.EventBuses = append(o.EventBuses, eventsBus{Name: name, Arn: arn})
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return name, map[string]string{"Arn": arn, "Name": name}, nil
}

func cfnEventBusPolicy(d *cfnDeploy, _ string, p map[string]any, _ string) (string, map[string]string, error) {
	if err := required(p, "StatementId"); err != nil {
		return "", nil, err
	}
	bus := pstr(p["EventBusName"])
	if bus == "" {
		bus = "default"
	}
	var stmt any = p["Statement"]
	if stmt == nil {
		stmt = map[string]any{"Sid": pstr(p["StatementId"]), "Effect": "Allow", "Principal": map[string]any{"AWS": pstr(p["Principal"])}, "Action": pstr(p["Action"])}
	} else if m, ok := stmt.(map[string]any); ok {
		m["Sid"] = pstr(p["StatementId"])
	}
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{stmt}})
	if err != nil {
		return "", nil, err
	}
	err = modify(d.s, d.account, d.region, "events", "ListEventBuses", "", func(o *eventsBuses) error {
		for i := range o.EventBuses {
			if o.EventBuses[i].Name == bus {
				o.EventBuses[i].Policy = string(doc)
				return nil
			}
		}
		return fmt.Errorf("Event bus %s does not exist. (Service: EventBridge, Status Code: 400, Error Code: ResourceNotFoundException)", bus)
	})
	if err != nil {
		return "", nil, err
	}
	return bus + "|" + pstr(p["StatementId"]), map[string]string{}, nil
}

func cfnConfigRecorder(d *cfnDeploy, _ string, p map[string]any, _ string) (string, map[string]string, error) {
	if err := required(p, "RoleARN"); err != nil {
		return "", nil, err
	}
	name := pstr(p["Name"])
	if name == "" {
		name = "default"
	}
	rec := cstypes.ConfigurationRecorder{Name: aws.String(name), RoleARN: aws.String(pstr(p["RoleARN"]))}
	if g, ok := p["RecordingGroup"].(map[string]any); ok {
		rec.RecordingGroup = &cstypes.RecordingGroup{AllSupported: boolProp(g["AllSupported"]), IncludeGlobalResourceTypes: boolProp(g["IncludeGlobalResourceTypes"])}
	}
	err := modify(d.s, d.account, d.region, "config", "DescribeConfigurationRecorders", "", func(o *configservice.DescribeConfigurationRecordersOutput) error {
		for i, r := range o.ConfigurationRecorders {
			if aws.ToString(r.Name) == name {
				o.ConfigurationRecorders[i] = rec
				return nil
			}
		}
		if len(o.ConfigurationRecorders) > 0 {
			return fmt.Errorf("Failed to put configuration recorder '%s' because the maximum number of configuration recorders: 1 is reached. (Service: AmazonConfig; Error Code: MaxNumberOfConfigurationRecordersExceededException)", name)
		}
		o.ConfigurationRecorders = append(o.ConfigurationRecorders, rec)
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	err = modify(d.s, d.account, d.region, "config", "DescribeConfigurationRecorderStatus", "", func(o *configservice.DescribeConfigurationRecorderStatusOutput) error {
		for _, st := range o.ConfigurationRecordersStatus {
			if aws.ToString(st.Name) == name {
				return nil
			}
		}
		o.ConfigurationRecordersStatus = append(o.ConfigurationRecordersStatus, cstypes.ConfigurationRecorderStatus{Name: aws.String(name), LastStatus: cstypes.RecorderStatusPending})
		return nil
	})
	return name, map[string]string{}, err
}

// cfnDeliveryChannel makes the delivery channel and, as CloudFormation
// does once a recorder and its channel exist, starts the recorder.
func cfnDeliveryChannel(d *cfnDeploy, _ string, p map[string]any, _ string) (string, map[string]string, error) {
	if err := required(p, "S3BucketName"); err != nil {
		return "", nil, err
	}
	name := pstr(p["Name"])
	if name == "" {
		name = "default"
	}
	ch := cstypes.DeliveryChannel{Name: aws.String(name), S3BucketName: aws.String(pstr(p["S3BucketName"]))}
	if v := pstr(p["S3KeyPrefix"]); v != "" {
		ch.S3KeyPrefix = aws.String(v)
	}
	if v := pstr(p["S3KmsKeyArn"]); v != "" {
		ch.S3KmsKeyArn = aws.String(v)
	}
	if v := pstr(p["SnsTopicARN"]); v != "" {
		ch.SnsTopicARN = aws.String(v)
	}
	if m, ok := p["ConfigSnapshotDeliveryProperties"].(map[string]any); ok {
		ch.ConfigSnapshotDeliveryProperties = &cstypes.ConfigSnapshotDeliveryProperties{DeliveryFrequency: cstypes.MaximumExecutionFrequency(pstr(m["DeliveryFrequency"]))}
	}
	hasRecorder := false
	err := modify(d.s, d.account, d.region, "config", "DescribeConfigurationRecorders", "", func(o *configservice.DescribeConfigurationRecordersOutput) error {
		hasRecorder = len(o.ConfigurationRecorders) > 0
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	if !hasRecorder {
		return "", nil, fmt.Errorf("Configuration recorder is not available to put delivery channel. (Service: AmazonConfig; Error Code: NoAvailableConfigurationRecorderException)")
	}
	err = modify(d.s, d.account, d.region, "config", "DescribeDeliveryChannels", "", func(o *configservice.DescribeDeliveryChannelsOutput) error {
		o.DeliveryChannels = slices.DeleteFunc(o.DeliveryChannels, func(c cstypes.DeliveryChannel) bool { return aws.ToString(c.Name) == name })
		o.DeliveryChannels = append(o.DeliveryChannels, ch)
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	now := time.Now().UTC()
	err = modify(d.s, d.account, d.region, "config", "DescribeConfigurationRecorderStatus", "", func(o *configservice.DescribeConfigurationRecorderStatusOutput) error {
		for i := range o.ConfigurationRecordersStatus {
			st := &o.ConfigurationRecordersStatus[i]
			st.Recording, st.LastStatus, st.LastStartTime = true, cstypes.RecorderStatusSuccess, &now
		}
		return nil
	})
	return name, map[string]string{}, err
}

func cfnKMSKey(d *cfnDeploy, logical string, p map[string]any, prev string) (string, map[string]string, error) {
	if err := required(p, "KeyPolicy"); err != nil {
		return "", nil, err
	}
	policy, err := jsonDoc(p["KeyPolicy"])
	if err != nil {
		return "", nil, fmt.Errorf("KeyPolicy: %w", err)
	}
	id := prev
	if id == "" {
		h := sha256.Sum256([]byte(d.account + d.region + d.stack + logical))
		x := hex.EncodeToString(h[:16])
		id = x[:8] + "-" + x[8:12] + "-4" + x[13:16] + "-8" + x[17:20] + "-" + x[20:32]
	}
	arn := d.arn("kms", d.region, "key/"+id)
	now := time.Now().UTC()
	usage := kmstypes.KeyUsageType(pstr(p["KeyUsage"]))
	if usage == "" {
		usage = kmstypes.KeyUsageTypeEncryptDecrypt
	}
	spec := kmstypes.KeySpec(pstr(p["KeySpec"]))
	if spec == "" {
		spec = kmstypes.KeySpecSymmetricDefault
	}
	enabled := p["Enabled"] == nil || boolProp(p["Enabled"])
	state := kmstypes.KeyStateEnabled
	if !enabled {
		state = kmstypes.KeyStateDisabled
	}
	md := &kmstypes.KeyMetadata{KeyId: aws.String(id), Arn: aws.String(arn), AWSAccountId: aws.String(d.account), CreationDate: &now,
		Description: aws.String(pstr(p["Description"])), Enabled: enabled, KeyState: state, KeyManager: kmstypes.KeyManagerTypeCustomer,
		KeyUsage: usage, KeySpec: spec, Origin: kmstypes.OriginTypeAwsKms, MultiRegion: aws.Bool(false)}
	g := d.s
	if err := modify(g, d.account, d.region, "kms", "ListKeys", "", func(o *kms.ListKeysOutput) error {
		for _, k := range o.Keys {
			if aws.ToString(k.KeyId) == id {
				return nil
			}
		}
		o.Keys = append(o.Keys, kmstypes.KeyListEntry{KeyId: aws.String(id), KeyArn: aws.String(arn)})
		return nil
	}); err != nil {
		return "", nil, err
	}
	for _, w := range []struct {
		op  string
		out any
	}{
		{"DescribeKey", &kms.DescribeKeyOutput{KeyMetadata: md}},
		{"GetKeyPolicy", &kms.GetKeyPolicyOutput{Policy: aws.String(policy), PolicyName: aws.String("default")}},
		{"GetKeyRotationStatus", &kms.GetKeyRotationStatusOutput{KeyId: aws.String(id), KeyRotationEnabled: boolProp(p["EnableKeyRotation"])}},
	} {
		if err := g.SetOutput(d.account, d.region, "kms", w.op, id, w.out); err != nil {
			return "", nil, err
		}
	}
	return id, map[string]string{"Arn": arn, "KeyId": id}, nil
}

func cfnKMSAlias(d *cfnDeploy, _ string, p map[string]any, _ string) (string, map[string]string, error) {
	if err := required(p, "AliasName", "TargetKeyId"); err != nil {
		return "", nil, err
	}
	name, target := pstr(p["AliasName"]), pstr(p["TargetKeyId"])
	if !strings.HasPrefix(name, "alias/") || strings.HasPrefix(name, "alias/aws/") {
		return "", nil, fmt.Errorf("Alias must start with the prefix \"alias/\" and must not begin with \"alias/aws/\"")
	}
	target = target[strings.LastIndex(target, "/")+1:]
	err := modify(d.s, d.account, d.region, "kms", "ListAliases", "", func(o *kms.ListAliasesOutput) error {
		o.Aliases = slices.DeleteFunc(o.Aliases, func(a kmstypes.AliasListEntry) bool { return aws.ToString(a.AliasName) == name })
		o.Aliases = append(o.Aliases, kmstypes.AliasListEntry{AliasName: aws.String(name), AliasArn: aws.String(d.arn("kms", d.region, name)), TargetKeyId: aws.String(target)})
		return nil
	})
	return name, map[string]string{}, err
}

func cfnS3Bucket(d *cfnDeploy, logical string, p map[string]any, prev string) (string, map[string]string, error) {
	name := pstr(p["BucketName"])
	if name == "" {
		name = prev
	}
	if name == "" {
		name = d.physicalName(logical, 63, true)
	}
	g := snapshot.Global
	now := time.Now().UTC()
	err := modify(d.s, d.account, g, "s3", "ListBuckets", "", func(o *s3.ListBucketsOutput) error {
		for _, b := range o.Buckets {
			if aws.ToString(b.Name) == name {
				return nil
			}
		}
		o.Buckets = append(o.Buckets, s3types.Bucket{Name: aws.String(name), CreationDate: &now})
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	loc := s3types.BucketLocationConstraint(d.region)
	if d.region == "us-east-1" {
		loc = ""
	}
	set := func(op string, out any) {
		if err == nil {
			err = d.s.SetOutput(d.account, g, "s3", op, name, out)
		}
	}
	set("GetBucketLocation", &s3.GetBucketLocationOutput{LocationConstraint: loc})
	if enc, ok := p["BucketEncryption"].(map[string]any); ok {
		cfg := &s3types.ServerSideEncryptionConfiguration{}
		rules, _ := enc["ServerSideEncryptionConfiguration"].([]any)
		for _, x := range rules {
			m, _ := x.(map[string]any)
			r := s3types.ServerSideEncryptionRule{}
			if m["BucketKeyEnabled"] != nil {
				r.BucketKeyEnabled = aws.Bool(boolProp(m["BucketKeyEnabled"]))
			}
			if def, ok := m["ServerSideEncryptionByDefault"].(map[string]any); ok {
				r.ApplyServerSideEncryptionByDefault = &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(pstr(def["SSEAlgorithm"]))}
				if k := pstr(def["KMSMasterKeyID"]); k != "" {
					r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID = aws.String(k)
				}
			}
			cfg.Rules = append(cfg.Rules, r)
		}
		set("GetBucketEncryption", &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: cfg})
	} else {
		// S3 encrypts every new bucket with SSE-S3 by default.
		set("GetBucketEncryption", &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}, BucketKeyEnabled: aws.Bool(false)}}}})
	}
	ver := &s3.GetBucketVersioningOutput{}
	if v, ok := p["VersioningConfiguration"].(map[string]any); ok {
		ver.Status = s3types.BucketVersioningStatus(pstr(v["Status"]))
	}
	set("GetBucketVersioning", ver)
	// New buckets block public access and enforce bucket ownership by
	// default; the properties may say otherwise.
	pab := &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
	if m, ok := p["PublicAccessBlockConfiguration"].(map[string]any); ok {
		pab = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(boolProp(m["BlockPublicAcls"])), IgnorePublicAcls: aws.Bool(boolProp(m["IgnorePublicAcls"])),
			BlockPublicPolicy: aws.Bool(boolProp(m["BlockPublicPolicy"])), RestrictPublicBuckets: aws.Bool(boolProp(m["RestrictPublicBuckets"]))}
	}
	set("GetPublicAccessBlock", &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: pab})
	own := s3types.ObjectOwnershipBucketOwnerEnforced
	if m, ok := p["OwnershipControls"].(map[string]any); ok {
		if rules, ok := m["Rules"].([]any); ok && len(rules) > 0 {
			r, _ := rules[0].(map[string]any)
			own = s3types.ObjectOwnership(pstr(r["ObjectOwnership"]))
		}
	}
	set("GetBucketOwnershipControls", &s3.GetBucketOwnershipControlsOutput{OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: own}}}})
	if err != nil {
		return "", nil, err
	}
	arn := fmt.Sprintf("arn:%s:s3:::%s", d.partition, name)
	return name, map[string]string{"Arn": arn, "DomainName": name + ".s3.amazonaws.com", "RegionalDomainName": name + ".s3." + d.region + ".amazonaws.com"}, nil
}

func cfnS3BucketPolicy(d *cfnDeploy, _ string, p map[string]any, _ string) (string, map[string]string, error) {
	if err := required(p, "Bucket", "PolicyDocument"); err != nil {
		return "", nil, err
	}
	bucket := pstr(p["Bucket"])
	if !slices.Contains(d.s.bucketNames(d.account), bucket) {
		return "", nil, fmt.Errorf("The specified bucket does not exist (Service: S3, Status Code: 404, Error Code: NoSuchBucket)")
	}
	doc, err := jsonDoc(p["PolicyDocument"])
	if err != nil {
		return "", nil, fmt.Errorf("PolicyDocument: %w", err)
	}
	return bucket, map[string]string{}, d.s.SetOutput(d.account, snapshot.Global, "s3", "GetBucketPolicy", bucket, &s3.GetBucketPolicyOutput{Policy: aws.String(doc)})
}

func cfnSNSTopic(d *cfnDeploy, logical string, p map[string]any, prev string) (string, map[string]string, error) {
	name := pstr(p["TopicName"])
	if name == "" && prev != "" {
		name = prev[strings.LastIndex(prev, ":")+1:]
	}
	if name == "" {
		name = d.physicalName(logical, 256, false)
	}
	arn := d.arn("sns", d.region, name)
	err := modify(d.s, d.account, d.region, "sns", "ListTopics", "", func(o *sns.ListTopicsOutput) error {
		for _, t := range o.Topics {
			if aws.ToString(t.TopicArn) == arn {
				return nil
			}
		}
		o.Topics = append(o.Topics, snstypes.Topic{TopicArn: aws.String(arn)})
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	err = modify(d.s, d.account, d.region, "sns", "GetTopicAttributes", arn, func(o *sns.GetTopicAttributesOutput) error {
		if o.Attributes == nil {
			o.Attributes = map[string]string{}
		}
		o.Attributes["TopicArn"], o.Attributes["Owner"], o.Attributes["DisplayName"] = arn, d.account, pstr(p["DisplayName"])
		if k := pstr(p["KmsMasterKeyId"]); k != "" {
			o.Attributes["KmsMasterKeyId"] = k
		} else {
			delete(o.Attributes, "KmsMasterKeyId")
		}
		if o.Attributes["Policy"] == "" {
			def, _ := json.Marshal(map[string]any{"Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": []any{map[string]any{
				"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": []string{"SNS:Publish", "SNS:Subscribe"},
				"Resource": arn, "Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceOwner": d.account}}}}})
			o.Attributes["Policy"] = string(def)
		}
		return nil
	})
	return arn, map[string]string{"TopicArn": arn, "TopicName": name}, err
}

func cfnSNSTopicPolicy(d *cfnDeploy, _ string, p map[string]any, _ string) (string, map[string]string, error) {
	if err := required(p, "Topics", "PolicyDocument"); err != nil {
		return "", nil, err
	}
	doc, err := jsonDoc(p["PolicyDocument"])
	if err != nil {
		return "", nil, fmt.Errorf("PolicyDocument: %w", err)
	}
	topics, _ := p["Topics"].([]any)
	for _, t := range topics {
		arn := pstr(t)
		err := modify(d.s, d.account, d.region, "sns", "GetTopicAttributes", arn, func(o *sns.GetTopicAttributesOutput) error {
			if o.Attributes == nil {
				return fmt.Errorf("Topic does not exist (Service: Sns, Status Code: 404, Error Code: NotFound): %s", arn)
			}
			o.Attributes["Policy"] = doc
			return nil
		})
		if err != nil {
			return "", nil, err
		}
	}
	return d.stack + "-TopicPolicy", map[string]string{}, nil
}
