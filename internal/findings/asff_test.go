package findings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/orgrail/orgrail/internal/output"
)

// TestASFFDecodesIntoSDKStrictly decodes every rendered ASFF finding into
// the AWS SDK's types.AwsSecurityFinding with unknown fields rejected, so
// that every attribute orgrail writes is one the SDK (and so the API)
// knows, spelled as it spells it.
func TestASFFDecodesIntoSDKStrictly(t *testing.T) { asffStrict(t, sampleReport()) }

// asffStrict renders r as ASFF and decodes each finding strictly.
func asffStrict(t *testing.T, r *Report) {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, output.ASFF, r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var docs []json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		dec := json.NewDecoder(bytes.NewReader(d))
		dec.DisallowUnknownFields()
		var sf shtypes.AwsSecurityFinding
		if err := dec.Decode(&sf); err != nil {
			t.Errorf("%s: %v", d, err)
		}
	}
}

// TestASFFTypesFromTaxonomy checks each Types label against the ASFF types
// taxonomy as AWS documents it (testdata/asff-types-taxonomy.txt).
func TestASFFTypesFromTaxonomy(t *testing.T) {
	f, err := os.Open("testdata/asff-types-taxonomy.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			known[l] = true
		}
	}
	seen := map[string]bool{}
	for _, a := range ToASFF(sampleReport()) {
		for _, ty := range a.Types {
			seen[ty] = true
			if !known[ty] {
				t.Errorf("%s: type %q is not in the ASFF taxonomy", a.Id, ty)
			}
		}
	}
	for _, want := range []string{asffTypeNistCsf, asffTypeCIS, asffTypeFSBP} {
		if !seen[want] {
			t.Errorf("no finding carries %q", want)
		}
	}
}

// TestASFFResourceTypes checks the spelling of Resources[].Type against
// the ASFF resource list (the SDK's ResourceDetails field names).
func TestASFFResourceTypes(t *testing.T) {
	for in, want := range map[string]string{
		"AWS::EC2::SecurityGroup":                   "AwsEc2SecurityGroup",
		"AWS::IAM::Role":                            "AwsIamRole",
		"AWS::IAM::User":                            "AwsIamUser",
		"AWS::IAM::Policy":                          "AwsIamPolicy",
		"AWS::KMS::Key":                             "AwsKmsKey",
		"AWS::RDS::DBInstance":                      "AwsRdsDbInstance",
		"AWS::RDS::DBSnapshot":                      "AwsRdsDbSnapshot",
		"AWS::S3::Bucket":                           "AwsS3Bucket",
		"AWS::S3::AccountPublicAccessBlock":         "AwsS3AccountPublicAccessBlock",
		"AWS::EC2::VPC":                             "AwsEc2Vpc",
		"AWS::EC2::NetworkAcl":                      "AwsEc2NetworkAcl",
		"AWS::CloudTrail::Trail":                    "AwsCloudTrailTrail",
		"AWS::SNS::Topic":                           "AwsSnsTopic",
		"AWS::SQS::Queue":                           "AwsSqsQueue",
		"AWS::SecretsManager::Secret":               "AwsSecretsManagerSecret",
		"AWS::Lambda::Function":                     "AwsLambdaFunction",
		"AWS::GuardDuty::Detector":                  "AwsGuardDutyDetector",
		"AWS::ElasticLoadBalancingV2::LoadBalancer": "AwsElbv2LoadBalancer",
		"AWS::::Account":                            "AwsAccount",
		"AWS::Organizations::Organization":          "Other",
		"AWS::Config::ConfigurationRecorder":        "Other",
		"AWS::EC2::FlowLog":                         "Other",
		"":                                          "Other",
	} {
		if got := asffResourceType(in); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
	names := asffResourceTypes()
	for _, a := range ToASFF(sampleReport()) {
		for _, r := range a.Resources {
			if _, ok := names[strings.ToLower(r.Type)]; !ok && r.Type != "Other" {
				t.Errorf("%s: resource type %s is not an ASFF type", a.Id, r.Type)
			}
		}
	}
}

// TestASFFNotApplicableIsArchived: a check that does not apply is not a
// NEW, ACTIVE finding; Security Hub archives such control findings.
func TestASFFNotApplicableIsArchived(t *testing.T) {
	r := sampleReport()
	r.Findings[0].Status = NotApplicable
	a := ToASFF(r)
	if a[0].RecordState != "ARCHIVED" || a[0].Workflow.Status != "RESOLVED" || a[0].Compliance.Status != "NOT_AVAILABLE" {
		t.Errorf("NOT_APPLICABLE: record %s workflow %s compliance %s", a[0].RecordState, a[0].Workflow.Status, a[0].Compliance.Status)
	}
	if a[1].Workflow.Status != "RESOLVED" || a[1].RecordState != "ACTIVE" || a[1].Compliance.Status != "PASSED" {
		t.Errorf("PASSED: %+v %+v", a[1].Workflow, a[1].Compliance)
	}
	if a[3].Workflow.Status != "NEW" || a[3].Compliance.Status != "WARNING" {
		t.Errorf("ERROR: %+v %+v", a[3].Workflow, a[3].Compliance)
	}
}
