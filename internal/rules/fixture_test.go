package rules

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Test accounts: management, audit, log archive, one workload.
const (
	acctM   = "111111111111"
	acctA   = "222222222222"
	acctL   = "333333333333"
	acctW   = "444444444444"
	region1 = "us-east-1"
	orgID   = "o-test000001"
)

var fxNow = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// fx is a test organization whose service outputs are SDK values,
// changed by a test before it is written with snapshot.Writer.
type fx struct {
	org     *org.Organization
	regions map[string][]string
	files   map[string]*fxFile
	gaps    []snapshot.Gap
}

type fxFile struct {
	gaps    map[string]string
	ops     map[string]any
	res     map[string]map[string]any
	errs    map[string]string
	resErrs map[string]map[string]string
}

func fkey(account, region, service string) string { return account + "/" + region + "/" + service }

func (f *fx) file(account, region, service string) *fxFile {
	k := fkey(account, region, service)
	if f.files[k] == nil {
		f.files[k] = &fxFile{gaps: map[string]string{}, ops: map[string]any{}, res: map[string]map[string]any{}, errs: map[string]string{}, resErrs: map[string]map[string]string{}}
	}
	return f.files[k]
}

func (f *fx) set(account, region, service, op string, v any) {
	f.file(account, region, service).ops[op] = v
}

func (f *fx) setRes(account, region, service, op, key string, v any) {
	ff := f.file(account, region, service)
	if ff.res[op] == nil {
		ff.res[op] = map[string]any{}
	}
	ff.res[op][key] = v
}

func (f *fx) setErr(account, region, service, op, code string) {
	ff := f.file(account, region, service)
	delete(ff.ops, op)
	ff.errs[op] = code
}

func (f *fx) setResErr(account, region, service, op, key, code string) {
	ff := f.file(account, region, service)
	delete(ff.res[op], key)
	if ff.resErrs[op] == nil {
		ff.resErrs[op] = map[string]string{}
	}
	ff.resErrs[op][key] = code
}

// op returns the typed output stored for an operation, for changing.
func op[T any](f *fx, account, region, service, name string) *T {
	return f.file(account, region, service).ops[name].(*T)
}

func res[T any](f *fx, account, region, service, name, key string) *T {
	return f.file(account, region, service).res[name][key].(*T)
}

// write commits the fixture as a snapshot and opens it.
func (f *fx) write(t testing.TB) *snapshot.Snapshot {
	t.Helper()
	dir := t.TempDir()
	w, err := snapshot.Create(dir, f.org)
	if err != nil {
		t.Fatal(err)
	}
	for k, ff := range f.files {
		p := strings.SplitN(k, "/", 3)
		sf := snapshot.NewServiceFile(p[0], p[1], p[2])
		for name, v := range ff.ops {
			if err := sf.Set(name, v); err != nil {
				t.Fatal(err)
			}
		}
		for name, m := range ff.res {
			for key, v := range m {
				if err := sf.SetResource(name, key, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		for name, code := range ff.errs {
			sf.SetError(name, code)
		}
		for name, why := range ff.gaps {
			sf.SetGap(name, why)
		}
		for name, m := range ff.resErrs {
			for key, code := range m {
				sf.SetResourceError(name, key, code)
			}
		}
		if err := w.WriteService(sf); err != nil {
			t.Fatal(err)
		}
	}
	m := &snapshot.Manifest{OrgID: orgID, CollectedAt: fxNow, Source: "test", Gaps: f.gaps}
	for _, a := range f.org.Accounts {
		m.Coverage = append(m.Coverage, snapshot.Coverage{Account: a.Id, Regions: f.regions[a.Id]})
	}
	if err := w.Commit(m); err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testOrg() *org.Organization {
	ou := "ou-root-workloads"
	acct := func(id, name, parent string) org.Account {
		return org.Account{Id: id, Arn: "arn:aws:organizations::" + acctM + ":account/" + orgID + "/" + id, Name: name,
			Email: name + "@example.com", Status: org.StatusActive, JoinedMethod: "CREATED", ParentId: parent}
	}
	o := &org.Organization{Id: orgID, Arn: "arn:aws:organizations::" + acctM + ":organization/" + orgID, FeatureSet: "ALL",
		MasterAccountId: acctM,
		Roots:           []org.Root{{Id: "r-root", Name: "Root"}},
		OrganizationalUnits: []org.OU{{Id: "ou-root-security", Name: "Security", ParentId: "r-root"},
			{Id: ou, Name: "Workloads", ParentId: "r-root"}},
		Accounts: []org.Account{acct(acctM, "management", "r-root"), acct(acctA, "Audit", "ou-root-security"),
			acct(acctL, "Log Archive", "ou-root-security"), acct(acctW, "payments-prod", ou)},
		DelegatedAdministrators: []org.DelegatedAdministrator{{AccountId: acctA,
			ServicePrincipals: []string{spGuardDuty, spSecurityHub, spAccessAnalyzer, spConfig}}},
		EnabledServicePrincipals: []org.ServicePrincipal{{ServicePrincipal: spCloudTrail}, {ServicePrincipal: spGuardDuty}},
	}
	if err := o.Index(); err != nil {
		panic(err)
	}
	return o
}

// newFx returns an organization where every built-in rule passes.
func newFx() *fx {
	f := &fx{org: testOrg(), regions: map[string][]string{}, files: map[string]*fxFile{}}
	for _, a := range f.org.Accounts {
		f.regions[a.Id] = []string{region1}
		f.baselineGlobal(a.Id)
		f.baselineRegion(a.Id, region1)
	}
	f.orgTrail()
	f.identityCenter()
	f.iamcisBaseline()
	return f
}

const trailBucket = "org-trail-logs-" + acctL

func (f *fx) orgTrail() {
	arn := "arn:aws:cloudtrail:" + region1 + ":" + acctM + ":trail/org-trail"
	t := cttypes.Trail{Name: awsv2.String("org-trail"), TrailARN: awsv2.String(arn), HomeRegion: awsv2.String(region1),
		IsMultiRegionTrail: awsv2.Bool(true), IsOrganizationTrail: awsv2.Bool(true), LogFileValidationEnabled: awsv2.Bool(true),
		KmsKeyId: awsv2.String("arn:aws:kms:us-east-1:" + acctL + ":key/trail"), S3BucketName: awsv2.String(trailBucket),
		CloudWatchLogsLogGroupArn: awsv2.String(orgTrailLogGroup)}
	f.cisAlarms(acctM, region1, "org-trail")
	for _, a := range f.org.Accounts {
		f.set(a.Id, region1, "cloudtrail", "DescribeTrails", &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{t}})
		f.setRes(a.Id, region1, "cloudtrail", "GetTrailStatus", arn, &cloudtrail.GetTrailStatusOutput{IsLogging: awsv2.Bool(true)})
		f.setRes(a.Id, region1, "cloudtrail", "GetEventSelectors", arn, &cloudtrail.GetEventSelectorsOutput{
			EventSelectors: []cttypes.EventSelector{{IncludeManagementEvents: awsv2.Bool(true), ReadWriteType: cttypes.ReadWriteTypeAll}}})
	}
	f.addBucket(acctL, trailBucket)
	f.set(acctA, region1, "config", "DescribeConfigurationAggregators", &configservice.DescribeConfigurationAggregatorsOutput{
		ConfigurationAggregators: []cfgtypes.ConfigurationAggregator{{ConfigurationAggregatorName: awsv2.String("org"),
			ConfigurationAggregatorArn:    awsv2.String("arn:aws:config:us-east-1:" + acctA + ":config-aggregator/org"),
			OrganizationAggregationSource: &cfgtypes.OrganizationAggregationSource{AllAwsRegions: true}}}})
	f.set(acctA, region1, "accessanalyzer", "ListAnalyzers", map[string]any{"analyzers": []map[string]any{{
		"arn": "arn:aws:access-analyzer:us-east-1:" + acctA + ":analyzer/org", "name": "org", "status": "ACTIVE", "type": "ORGANIZATION"}}})
}

func credReport(rows ...string) []byte {
	h := "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
		"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
		"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
		"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"
	return []byte(h + strings.Join(rows, "\n") + "\n")
}

func ago(d int) string { return fxNow.AddDate(0, 0, -d).Format(time.RFC3339) }

func userRow(acct, name string, console, mfa bool, keyAge, keyUsed int) string {
	pw, pwUsed := "false", "N/A"
	if console {
		pw, pwUsed = "true", ago(2)
	}
	k1, k1rot, k1used := "false", "N/A", "N/A"
	if keyAge >= 0 {
		k1, k1rot, k1used = "true", ago(keyAge), ago(keyUsed)
	}
	return fmt.Sprintf("%s,arn:aws:iam::%s:user/%s,%s,%s,%s,%s,N/A,%t,%s,%s,%s,us-east-1,sts,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
		name, acct, name, ago(400), pw, pwUsed, ago(30), mfa, k1, k1rot, k1used)
}

func rootRow(acct string) string {
	return fmt.Sprintf("<root_account>,arn:aws:iam::%s:root,%s,not_supported,%s,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
		acct, ago(900), ago(200))
}

const scopedPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::data/*"}]}`

func (f *fx) baselineGlobal(a string) {
	f.set(a, "global", "iam", "GetAccountSummary", &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}})
	f.set(a, "global", "iam", "GetAccountPasswordPolicy", &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &iamtypes.PasswordPolicy{
		MinimumPasswordLength: awsv2.Int32(14), RequireLowercaseCharacters: true, RequireUppercaseCharacters: true, RequireNumbers: true,
		RequireSymbols: true, MaxPasswordAge: awsv2.Int32(90), PasswordReusePrevention: awsv2.Int32(24), ExpirePasswords: true}})
	f.set(a, "global", "iam", "GetCredentialReport", &iam.GetCredentialReportOutput{Content: credReport(rootRow(a), userRow(a, "alice", true, true, 30, 1))})
	f.set(a, "global", "iam", "ListVirtualMFADevices", &iam.ListVirtualMFADevicesOutput{VirtualMFADevices: []iamtypes.VirtualMFADevice{
		{SerialNumber: awsv2.String("arn:aws:iam::" + a + ":mfa/alice"), User: &iamtypes.User{Arn: awsv2.String("arn:aws:iam::" + a + ":user/alice")}}}})
	pol := "arn:aws:iam::" + a + ":policy/app-read"
	f.set(a, "global", "iam", "GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{
		UserDetailList: []iamtypes.UserDetail{{UserName: awsv2.String("alice"), Arn: awsv2.String("arn:aws:iam::" + a + ":user/alice"), GroupList: []string{"devs"}}},
		GroupDetailList: []iamtypes.GroupDetail{{GroupName: awsv2.String("devs"), Arn: awsv2.String("arn:aws:iam::" + a + ":group/devs"),
			AttachedManagedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: awsv2.String(pol), PolicyName: awsv2.String("app-read")}}}},
		RoleDetailList: []iamtypes.RoleDetail{{RoleName: awsv2.String("app"), Arn: awsv2.String("arn:aws:iam::" + a + ":role/app"), Path: awsv2.String("/"),
			AttachedManagedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: awsv2.String(pol), PolicyName: awsv2.String("app-read")}}},
			{RoleName: awsv2.String("OrgrailAuditReadOnly"), Arn: awsv2.String("arn:aws:iam::" + a + ":role/OrgrailAuditReadOnly"), Path: awsv2.String("/"),
				AssumeRolePolicyDocument: awsv2.String(url.QueryEscape(auditTrust))},
			{RoleName: awsv2.String("OrgrailBreakGlass"), Arn: awsv2.String("arn:aws:iam::" + a + ":role/OrgrailBreakGlass"), Path: awsv2.String("/"),
				AssumeRolePolicyDocument: awsv2.String(url.QueryEscape(breakGlassTrust))}},
		Policies: []iamtypes.ManagedPolicyDetail{{Arn: awsv2.String(pol), PolicyName: awsv2.String("app-read"), AttachmentCount: awsv2.Int32(2),
			PolicyVersionList: []iamtypes.PolicyVersion{{IsDefaultVersion: true, Document: awsv2.String(url.QueryEscape(scopedPolicy))}}}},
	})
	f.setRes(a, "global", "account", "GetAlternateContact", "SECURITY", &account.GetAlternateContactOutput{AlternateContact: &acctypes.AlternateContact{
		AlternateContactType: acctypes.AlternateContactTypeSecurity, EmailAddress: awsv2.String("security@example.com"), Name: awsv2.String("Sec")}})
	f.set(a, "global", "s3control", "GetPublicAccessBlock", &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{
		BlockPublicAcls: awsv2.Bool(true), IgnorePublicAcls: awsv2.Bool(true), BlockPublicPolicy: awsv2.Bool(true), RestrictPublicBuckets: awsv2.Bool(true)}})
	f.set(a, "global", "s3", "ListBuckets", &s3.ListBucketsOutput{})
	f.addBucket(a, "data-"+a)
	f.edgeGlobal(a)
}

func tlsPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
}

func (f *fx) addBucket(a, name string) {
	lb := op[s3.ListBucketsOutput](f, a, "global", "s3", "ListBuckets")
	lb.Buckets = append(lb.Buckets, s3types.Bucket{Name: awsv2.String(name), BucketRegion: awsv2.String(region1)})
	set := func(o string, v any) { f.setRes(a, "global", "s3", o, name, v) }
	set("GetBucketLocation", &s3.GetBucketLocationOutput{})
	set("GetBucketPolicy", &s3.GetBucketPolicyOutput{Policy: awsv2.String(tlsPolicy(name))})
	set("GetBucketPolicyStatus", &s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: awsv2.Bool(false)}})
	set("GetBucketAcl", &s3.GetBucketAclOutput{Owner: &s3types.Owner{ID: awsv2.String("owner-" + a)},
		Grants: []s3types.Grant{{Grantee: &s3types.Grantee{ID: awsv2.String("owner-" + a), Type: s3types.TypeCanonicalUser}, Permission: s3types.PermissionFullControl}}})
	set("GetBucketEncryption", &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
	set("GetBucketVersioning", &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled})
	set("GetBucketLogging", &s3.GetBucketLoggingOutput{LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: awsv2.String("logs-" + a)}})
	set("GetBucketOwnershipControls", &s3.GetBucketOwnershipControlsOutput{OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}}}})
	set("GetPublicAccessBlock", &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: awsv2.Bool(true), IgnorePublicAcls: awsv2.Bool(true), BlockPublicPolicy: awsv2.Bool(true), RestrictPublicBuckets: awsv2.Bool(true)}})
	set("GetBucketTagging", &s3.GetBucketTaggingOutput{TagSet: []s3types.Tag{{Key: awsv2.String("Owner"), Value: awsv2.String("team")}}})
	set("GetBucketLifecycleConfiguration", map[string]any{"Rules": []map[string]any{{"Status": "Enabled", "Expiration": map[string]any{"Days": 400}}}})
}

func (f *fx) baselineRegion(a, r string) {
	vpc, sgDef, sgApp, acl := "vpc-0001", "sg-0def", "sg-0app", "acl-0001"
	owner := []ec2types.Tag{{Key: awsv2.String("Owner"), Value: awsv2.String("team")}}
	f.set(a, r, "ec2", "DescribeVpcs", &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{{VpcId: awsv2.String(vpc), IsDefault: awsv2.Bool(false), Tags: owner}}})
	f.set(a, r, "ec2", "DescribeFlowLogs", &ec2.DescribeFlowLogsOutput{FlowLogs: []ec2types.FlowLog{{ResourceId: awsv2.String(vpc), FlowLogStatus: awsv2.String("ACTIVE"),
		TrafficType: ec2types.TrafficTypeAll}}})
	f.set(a, r, "ec2", "DescribeSecurityGroups", &ec2.DescribeSecurityGroupsOutput{SecurityGroups: []ec2types.SecurityGroup{
		{GroupId: awsv2.String(sgDef), GroupName: awsv2.String("default"), VpcId: awsv2.String(vpc)},
		{GroupId: awsv2.String(sgApp), GroupName: awsv2.String("web"), VpcId: awsv2.String(vpc), IpPermissions: []ec2types.IpPermission{
			{IpProtocol: awsv2.String("tcp"), FromPort: awsv2.Int32(443), ToPort: awsv2.Int32(443), IpRanges: []ec2types.IpRange{{CidrIp: awsv2.String("0.0.0.0/0")}}},
			{IpProtocol: awsv2.String("tcp"), FromPort: awsv2.Int32(22), ToPort: awsv2.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: awsv2.String("10.0.0.0/8")}}}}}}})
	f.set(a, r, "ec2", "DescribeSecurityGroupRules", &ec2.DescribeSecurityGroupRulesOutput{})
	f.set(a, r, "ec2", "DescribeNetworkAcls", &ec2.DescribeNetworkAclsOutput{NetworkAcls: []ec2types.NetworkAcl{{NetworkAclId: awsv2.String(acl), VpcId: awsv2.String(vpc),
		Entries: []ec2types.NetworkAclEntry{
			{RuleNumber: awsv2.Int32(100), Protocol: awsv2.String("6"), RuleAction: ec2types.RuleActionAllow, Egress: awsv2.Bool(false), CidrBlock: awsv2.String("0.0.0.0/0"),
				PortRange: &ec2types.PortRange{From: awsv2.Int32(443), To: awsv2.Int32(443)}},
			{RuleNumber: awsv2.Int32(32767), Protocol: awsv2.String("-1"), RuleAction: ec2types.RuleActionDeny, Egress: awsv2.Bool(false), CidrBlock: awsv2.String("0.0.0.0/0")}}}}})
	f.set(a, r, "ec2", "DescribeVpcEndpoints", &ec2.DescribeVpcEndpointsOutput{})
	f.set(a, r, "ec2", "GetEbsEncryptionByDefault", &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: awsv2.Bool(true)})
	f.set(a, r, "ec2", "DescribeInstances", &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: []ec2types.Instance{{
		InstanceId: awsv2.String("i-0001"), State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning}, Tags: catalogLaunched(owner, r), VpcId: awsv2.String(vpc),
		MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{HttpTokens: ec2types.HttpTokensStateRequired, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled}}}}}})
	f.set(a, r, "ec2", "DescribeVolumes", &ec2.DescribeVolumesOutput{Volumes: []ec2types.Volume{{VolumeId: awsv2.String("vol-0001"),
		Encrypted: awsv2.Bool(true), State: ec2types.VolumeStateInUse,
		Attachments: []ec2types.VolumeAttachment{{InstanceId: awsv2.String("i-0001"), State: ec2types.VolumeAttachmentStateAttached}}}}})
	f.set(a, r, "ec2", "GetSnapshotBlockPublicAccessState", &ec2.GetSnapshotBlockPublicAccessStateOutput{State: ec2types.SnapshotBlockPublicAccessStateBlockAllSharing})
	f.set(a, r, "ec2", "GetImageBlockPublicAccessState", &ec2.GetImageBlockPublicAccessStateOutput{ImageBlockPublicAccessState: awsv2.String("block-new-sharing")})

	f.set(a, r, "config", "DescribeConfigurationRecorders", &configservice.DescribeConfigurationRecordersOutput{ConfigurationRecorders: []cfgtypes.ConfigurationRecorder{
		{Name: awsv2.String("default"), RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true}}}})
	f.set(a, r, "config", "DescribeConfigurationRecorderStatus", &configservice.DescribeConfigurationRecorderStatusOutput{
		ConfigurationRecordersStatus: []cfgtypes.ConfigurationRecorderStatus{{Name: awsv2.String("default"), Recording: true}}})
	f.set(a, r, "config", "DescribeDeliveryChannels", &configservice.DescribeDeliveryChannelsOutput{DeliveryChannels: []cfgtypes.DeliveryChannel{{Name: awsv2.String("default")}}})
	f.set(a, r, "config", "DescribeConfigRules", &configservice.DescribeConfigRulesOutput{})
	f.set(a, r, "config", "DescribeConfigurationAggregators", &configservice.DescribeConfigurationAggregatorsOutput{})

	det := "det" + a
	f.set(a, r, "guardduty", "ListDetectors", &guardduty.ListDetectorsOutput{DetectorIds: []string{det}})
	f.setRes(a, r, "guardduty", "GetDetector", det, &guardduty.GetDetectorOutput{Status: gdtypes.DetectorStatusEnabled})
	if a != acctA {
		f.setRes(a, r, "guardduty", "GetAdministratorAccount", det, &guardduty.GetAdministratorAccountOutput{
			Administrator: &gdtypes.Administrator{AccountId: awsv2.String(acctA), RelationshipStatus: awsv2.String("Enabled")}})
	} else {
		f.setResErr(a, r, "guardduty", "GetAdministratorAccount", det, "BadRequestException")
	}
	f.set(a, r, "securityhub", "DescribeHub", &securityhub.DescribeHubOutput{HubArn: awsv2.String("arn:aws:securityhub:" + r + ":" + a + ":hub/default")})
	f.set(a, r, "securityhub", "GetEnabledStandards", &securityhub.GetEnabledStandardsOutput{StandardsSubscriptions: []shtypes.StandardsSubscription{
		{StandardsArn: awsv2.String("arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"), StandardsStatus: shtypes.StandardsStatusReady}}})
	if a != acctA {
		f.set(a, r, "securityhub", "GetAdministratorAccount", &securityhub.GetAdministratorAccountOutput{Administrator: &shtypes.Invitation{
			AccountId: awsv2.String(acctA), MemberStatus: awsv2.String("Enabled")}})
	} else {
		f.set(a, r, "securityhub", "GetAdministratorAccount", &securityhub.GetAdministratorAccountOutput{})
	}
	f.set(a, r, "accessanalyzer", "ListAnalyzers", map[string]any{"analyzers": []any{}})

	key := "key-" + a
	f.set(a, r, "kms", "ListKeys", &kms.ListKeysOutput{Keys: []kmstypes.KeyListEntry{{KeyId: awsv2.String(key), KeyArn: awsv2.String("arn:aws:kms:" + r + ":" + a + ":key/" + key)}}})
	f.set(a, r, "kms", "ListAliases", &kms.ListAliasesOutput{})
	f.setRes(a, r, "kms", "DescribeKey", key, &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyId: awsv2.String(key),
		KeyManager: kmstypes.KeyManagerTypeCustomer, KeySpec: kmstypes.KeySpecSymmetricDefault, KeyState: kmstypes.KeyStateEnabled, Enabled: true, Origin: kmstypes.OriginTypeAwsKms}})
	f.setRes(a, r, "kms", "GetKeyPolicy", key, &kms.GetKeyPolicyOutput{Policy: awsv2.String(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + a + `:root"},"Action":"kms:*","Resource":"*"}]}`)})
	f.setRes(a, r, "kms", "GetKeyRotationStatus", key, &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: true})

	f.set(a, r, "rds", "DescribeDBInstances", &rds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{{DBInstanceIdentifier: awsv2.String("db1"),
		DBInstanceArn: awsv2.String("arn:aws:rds:" + r + ":" + a + ":db:db1"), PubliclyAccessible: awsv2.Bool(false), StorageEncrypted: awsv2.Bool(true),
		AutoMinorVersionUpgrade: awsv2.Bool(true), Engine: awsv2.String("postgres"), DBInstanceStatus: awsv2.String("available"),
		MultiAZ: awsv2.Bool(true), DeletionProtection: awsv2.Bool(true), IAMDatabaseAuthenticationEnabled: awsv2.Bool(true),
		BackupRetentionPeriod: awsv2.Int32(7), TagList: []rdstypes.Tag{{Key: awsv2.String("Owner"), Value: awsv2.String("team")}}}}})
	f.set(a, r, "rds", "DescribeDBSnapshots", &rds.DescribeDBSnapshotsOutput{DBSnapshots: []rdstypes.DBSnapshot{{DBSnapshotIdentifier: awsv2.String("snap1"), Encrypted: awsv2.Bool(true)}}})
	f.setRes(a, r, "rds", "DescribeDBSnapshotAttributes", "snap1", &rds.DescribeDBSnapshotAttributesOutput{DBSnapshotAttributesResult: &rdstypes.DBSnapshotAttributesResult{
		DBSnapshotAttributes: []rdstypes.DBSnapshotAttribute{{AttributeName: awsv2.String("restore")}}}})

	f.set(a, r, "lambda", "ListFunctions", &lambda.ListFunctionsOutput{Functions: []lambdatypes.FunctionConfiguration{{FunctionName: awsv2.String("fn"),
		FunctionArn: awsv2.String("arn:aws:lambda:" + r + ":" + a + ":function:fn"), Runtime: lambdatypes.RuntimePython312,
		VpcConfig: &lambdatypes.VpcConfigResponse{VpcId: awsv2.String("vpc-0a1b2c3d"), SubnetIds: []string{"subnet-0a1b2c3d"}, SecurityGroupIds: []string{"sg-0a1b2c3d"}}}}})
	f.setResErr(a, r, "lambda", "GetPolicy", "fn", "ResourceNotFoundException")

	q := "https://sqs." + r + ".amazonaws.com/" + a + "/jobs"
	f.set(a, r, "sqs", "ListQueues", &sqs.ListQueuesOutput{QueueUrls: []string{q}})
	f.setRes(a, r, "sqs", "GetQueueAttributes", q, &sqs.GetQueueAttributesOutput{Attributes: map[string]string{
		"QueueArn": "arn:aws:sqs:" + r + ":" + a + ":jobs", "SqsManagedSseEnabled": "true"}})
	topic := "arn:aws:sns:" + r + ":" + a + ":alerts"
	f.set(a, r, "sns", "ListTopics", &sns.ListTopicsOutput{Topics: []snstypes.Topic{{TopicArn: awsv2.String(topic)}}})
	f.setRes(a, r, "sns", "GetTopicAttributes", topic, &sns.GetTopicAttributesOutput{Attributes: map[string]string{"KmsMasterKeyId": "alias/sns", "SubscriptionsConfirmed": "1",
		"Policy": `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"SNS:Publish","Resource":"` + topic + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + a + `"}}}]}`}})
	f.set(a, r, "logs", "DescribeMetricFilters", &cloudwatchlogs.DescribeMetricFiltersOutput{MetricFilters: []cwltypes.MetricFilter{}})
	f.set(a, r, "logs", "DescribeLogGroups", &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: []cwltypes.LogGroup{{
		LogGroupName: awsv2.String("/aws/lambda/worker"), LogGroupArn: awsv2.String("arn:aws:logs:" + r + ":" + a + ":log-group:/aws/lambda/worker"),
		Arn: awsv2.String("arn:aws:logs:" + r + ":" + a + ":log-group:/aws/lambda/worker:*"), RetentionInDays: awsv2.Int32(400)}}})
	f.set(a, r, "cloudwatch", "DescribeAlarms", &cloudwatch.DescribeAlarmsOutput{MetricAlarms: []cwtypes.MetricAlarm{}})
	sec := "arn:aws:secretsmanager:" + r + ":" + a + ":secret:db-AbCdEf"
	f.set(a, r, "secretsmanager", "ListSecrets", &secretsmanager.ListSecretsOutput{SecretList: []smtypes.SecretListEntry{{ARN: awsv2.String(sec),
		Name: awsv2.String("db"), RotationEnabled: awsv2.Bool(true), CreatedDate: awsv2.Time(fxNow.AddDate(-1, 0, 0)),
		LastRotatedDate: awsv2.Time(fxNow.AddDate(0, 0, -10)), LastAccessedDate: awsv2.Time(fxNow.AddDate(0, 0, -1))}}})
	f.setRes(a, r, "secretsmanager", "GetResourcePolicy", sec, &secretsmanager.GetResourcePolicyOutput{})
	f.set(a, r, "ecr", "DescribeRepositories", &ecr.DescribeRepositoriesOutput{Repositories: []ecrtypes.Repository{{
		RepositoryName: awsv2.String("app"), RepositoryArn: awsv2.String("arn:aws:ecr:" + r + ":" + a + ":repository/app"), RegistryId: awsv2.String(a),
		ImageTagMutability: ecrtypes.ImageTagMutabilityImmutable, ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: true}}}})
	f.set(a, r, "ecr", "GetRegistryScanningConfiguration", &ecr.GetRegistryScanningConfigurationOutput{RegistryId: awsv2.String(a),
		ScanningConfiguration: &ecrtypes.RegistryScanningConfiguration{ScanType: ecrtypes.ScanTypeBasic}})
	f.setRes(a, r, "ecr", "GetLifecyclePolicy", "app", &ecr.GetLifecyclePolicyOutput{RepositoryName: awsv2.String("app"), RegistryId: awsv2.String(a),
		LifecyclePolicyText: awsv2.String(`{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}`)})
	f.setResErr(a, r, "ecr", "GetRepositoryPolicy", "app", "RepositoryPolicyNotFoundException")
	f.elbBaseline(a, r)
	f.analyticsBaseline(a, r)
	f.ec2computeBaseline(a, r)
	f.datastoreBaseline(a, r)
	f.bigdataBaseline(a, r)
	f.containersBaseline(a, r)
	f.edgeRegion(a, r)
	f.rdsBaseline(a, r)
	f.ec2netBaseline(a, r)
	f.networkFirewallBaseline(a, r)
	f.backupBaseline(a, r)
	f.cisrestBaseline(a, r)
	f.issue19Baseline(a, r)
}

// orgTrailLogGroup is the organization trail's CloudWatch Logs log group.
const orgTrailLogGroup = "arn:aws:logs:" + region1 + ":" + acctM + ":log-group:org-trail:*"

// cisAlarms gives the log group a metric filter per CIS section 4 item
// (the rule's documented pattern; metric name = rule id) and an alarm
// on each that notifies the account's alerts topic.
func (f *fx) cisAlarms(a, r, logGroup string) {
	topic := "arn:aws:sns:" + r + ":" + a + ":alerts"
	mf := &cloudwatchlogs.DescribeMetricFiltersOutput{}
	al := &cloudwatch.DescribeAlarmsOutput{}
	for _, s := range metricAlarmSpecs {
		mf.MetricFilters = append(mf.MetricFilters, cwltypes.MetricFilter{FilterName: awsv2.String(s.id), LogGroupName: awsv2.String(logGroup),
			FilterPattern: awsv2.String(s.pattern), MetricTransformations: []cwltypes.MetricTransformation{{
				MetricName: awsv2.String(s.id), MetricNamespace: awsv2.String("CISBenchmark"), MetricValue: awsv2.String("1")}}})
		al.MetricAlarms = append(al.MetricAlarms, cwtypes.MetricAlarm{AlarmName: awsv2.String("cis-" + s.id), MetricName: awsv2.String(s.id),
			Namespace: awsv2.String("CISBenchmark"), ActionsEnabled: awsv2.Bool(true), AlarmActions: []string{topic}})
	}
	f.set(a, r, "logs", "DescribeMetricFilters", mf)
	f.set(a, r, "cloudwatch", "DescribeAlarms", al)
}

// catalogLaunched adds the AutoTags Service Catalog puts on what a
// product of the organization's catalog (management account) launches.
func catalogLaunched(tags []ec2types.Tag, region string) []ec2types.Tag {
	return append(append([]ec2types.Tag(nil), tags...),
		ec2types.Tag{Key: awsv2.String(tagSCProduct), Value: awsv2.String("arn:aws:catalog:" + region + ":" + acctM + ":product/prod-hardened01")},
		ec2types.Tag{Key: awsv2.String(tagSCProvisioned), Value: awsv2.String("arn:aws:servicecatalog:" + region + ":" + acctW + ":stack/web/pp-web000001")})
}

// The baseline's cross-account roles in every fixture account, trusted
// by the Audit account (the break-glass role with MFA).
const (
	auditTrust      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:root"},"Action":"sts:AssumeRole"}]}`
	breakGlassTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:root"},"Action":"sts:AssumeRole",` +
		`"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
)
