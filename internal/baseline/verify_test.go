package baseline

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acct "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	ctt "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cst "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamt "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ct "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// baselinedSnapshot writes a snapshot in which account 444444444444 has
// the whole baseline, except EBS default encryption in us-east-1 when
// ebsGap is set.
func baselinedSnapshot(t *testing.T, s *Settings, ebsGap bool) *snapshot.Snapshot {
	t.Helper()
	dir := t.TempDir()
	w, err := snapshot.Create(dir, fixtureOrg())
	if err != nil {
		t.Fatal(err)
	}
	id := "444444444444"
	put := func(region, service, op string, out any) {
		f := snapshot.NewServiceFile(id, region, service)
		if err := f.Set(op, out); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteService(f); err != nil {
			t.Fatal(err)
		}
	}
	g := snapshot.Global
	put(g, "s3control", "GetPublicAccessBlock", &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3ct.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
	trust := "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A333333333333%3Aroot%22%7D%7D%5D%7D"
	f := snapshot.NewServiceFile(id, g, "iam")
	_ = f.Set("GetAccountPasswordPolicy", &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &iamt.PasswordPolicy{MinimumPasswordLength: aws.Int32(14), PasswordReusePrevention: aws.Int32(24)}})
	_ = f.Set("GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{RoleDetailList: []iamt.RoleDetail{
		{RoleName: aws.String(s.AuditRole), AssumeRolePolicyDocument: aws.String(trust)},
		{RoleName: aws.String(s.BreakGlassRole), AssumeRolePolicyDocument: aws.String(trust)}}})
	_ = f.Set("GetAccountSummary", &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"AccountPasswordPresent": testRootPassword,
		"AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0, "AccountMFAEnabled": 0}})
	if err := w.WriteService(f); err != nil {
		t.Fatal(err)
	}
	f = snapshot.NewServiceFile(id, g, "account")
	_ = f.SetResource("GetAlternateContact", "SECURITY", &account.GetAlternateContactOutput{AlternateContact: &acct.AlternateContact{Name: aws.String("Security Team")}})
	if err := w.WriteService(f); err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Regions {
		put(r, "ec2", "GetEbsEncryptionByDefault", &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(!ebsGap || r != "us-east-1")})
		put(r, "config", "DescribeConfigurationRecorderStatus", &configservice.DescribeConfigurationRecorderStatusOutput{
			ConfigurationRecordersStatus: []cst.ConfigurationRecorderStatus{{Name: aws.String("default"), Recording: true}}})
		put(r, "guardduty", "ListDetectors", &guardduty.ListDetectorsOutput{DetectorIds: []string{"d1"}})
		put(r, "securityhub", "DescribeHub", &securityhub.DescribeHubOutput{HubArn: aws.String("arn:aws:securityhub:" + r + ":" + id + ":hub/default")})
	}
	put(s.HomeRegion, "cloudtrail", "DescribeTrails", &cloudtrail.DescribeTrailsOutput{TrailList: []ctt.Trail{{
		Name: aws.String(s.TrailName), IsOrganizationTrail: aws.Bool(true), LogFileValidationEnabled: aws.Bool(true)}}})
	if err := w.Commit(&snapshot.Manifest{FormatVersion: snapshot.FormatVersion, OrgID: "o-exampleorg01", Source: "test"}); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// testRootPassword is the AccountPasswordPresent baselinedSnapshot writes.
var testRootPassword int32

// TestVerifyRootCredentials checks, with centralized root access, the
// root user's credentials from the account summary.
func TestVerifyRootCredentials(t *testing.T) {
	_, s := fixture(t, "  rootAccess: {centralize: true}\n")
	if !s.RootAccess || len(s.Members) != 3 {
		t.Fatalf("settings: root access %v, members %v", s.RootAccess, s.Members)
	}
	rep := Verify(baselinedSnapshot(t, s, false), s, "444444444444")
	if !rep.Passed {
		t.Fatalf("fails: %+v", rep.Failed())
	}
	testRootPassword = 1
	defer func() { testRootPassword = 0 }()
	rep = Verify(baselinedSnapshot(t, s, false), s, "444444444444")
	if f := rep.Failed(); len(f) != 1 || f[0].ID != "root-credentials-removed" {
		t.Fatalf("failed checks %+v", f)
	}
	steps, err := Plan(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range steps {
		if st.Kind == KindRootCredentials {
			n++
		}
	}
	if n != 3 || !slices.Contains(Organization(s).TrustedAccess, IAMPrincipal) {
		t.Fatalf("%d root-credentials steps; trusted access %v", n, Organization(s).TrustedAccess)
	}
}

// TestVerify passes an account with the whole baseline and names the
// one control missing from another.
func TestVerify(t *testing.T) {
	_, s := fixture(t, "")
	rep := Verify(baselinedSnapshot(t, s, false), s, "444444444444")
	if !rep.Passed {
		t.Fatalf("baselined account fails: %+v", rep.Failed())
	}
	if len(rep.Checks) < 12 {
		t.Errorf("only %d checks", len(rep.Checks))
	}
	rep = Verify(baselinedSnapshot(t, s, true), s, "444444444444")
	f := rep.Failed()
	if rep.Passed || len(f) != 1 || f[0].ID != "ebs-default-encryption" || f[0].Region != "us-east-1" {
		t.Errorf("failed checks %+v", f)
	}
	rep = Verify(baselinedSnapshot(t, s, false), s, "222222222222")
	if rep.Passed {
		t.Error("an account absent from the snapshot passes")
	}
}
