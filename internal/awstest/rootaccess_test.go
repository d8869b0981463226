package awstest

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// TestAssumeRoot follows the order AWS's documentation gives for
// centralized root access: IAM's trusted access, then the two features
// from the management account, then sts:AssumeRoot into a member with a
// root-task policy, whose session sees and removes only that member's
// root credentials.
func TestAssumeRoot(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	srv.SetRootCredentials(workAcct, RootCredentials{LoginProfile: true, AccessKeys: []string{"AKIAROOT1"}, SigningCerts: []string{"CERT1"},
		MFADevices: []string{"arn:aws:iam::" + workAcct + ":mfa/root-account-mfa-device"}})
	mgmt := srv.Config(ctx, srv.AdminCredentials())
	im, st := iam.NewFromConfig(mgmt), sts.NewFromConfig(mgmt)
	_, err := im.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{})
	wantCode(t, err, "ServiceAccessNotEnabledException")
	if _, err := organizations.NewFromConfig(mgmt).EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("iam.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	deleteTask := &ststypes.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials")}
	_, err = st.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(workAcct), TaskPolicyArn: deleteTask})
	wantCode(t, err, "AccessDenied") // root sessions not enabled yet
	if _, err := im.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{}); err != nil {
		t.Fatal(err)
	}
	feats, err := im.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	if err != nil || len(feats.EnabledFeatures) != 2 || aws.ToString(feats.OrganizationId) != "o-abc123" {
		t.Fatalf("ListOrganizationsFeatures: %+v %v", feats, err)
	}
	member := iam.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	_, err = member.EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{})
	wantCode(t, err, "CallerIsNotManagementAccountException")
	_, err = st.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(workAcct), TaskPolicyArn: deleteTask, DurationSeconds: aws.Int32(901)})
	wantCode(t, err, "ValidationError")
	_, err = st.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(mgmtAcct), TaskPolicyArn: deleteTask})
	wantCode(t, err, "AccessDenied") // not a member account
	audit, err := st.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(workAcct),
		TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")}})
	if err != nil {
		t.Fatal(err)
	}
	ac := srv.Config(ctx, aws.Credentials{AccessKeyID: *audit.Credentials.AccessKeyId, SecretAccessKey: *audit.Credentials.SecretAccessKey, SessionToken: *audit.Credentials.SessionToken})
	who, err := sts.NewFromConfig(ac).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:iam::"+workAcct+":root" {
		t.Fatalf("root session identity: %+v %v", who, err)
	}
	keys, err := iam.NewFromConfig(ac).ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil || len(keys.AccessKeyMetadata) != 1 {
		t.Fatalf("ListAccessKeys: %+v %v", keys, err)
	}
	_, err = iam.NewFromConfig(ac).DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String("AKIAROOT1")})
	wantCode(t, err, "AccessDenied") // the audit task cannot delete
	del, err := st.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String("arn:aws:iam::" + workAcct + ":root"), TaskPolicyArn: deleteTask})
	if err != nil {
		t.Fatal(err)
	}
	dc := iam.NewFromConfig(srv.Config(ctx, aws.Credentials{AccessKeyID: *del.Credentials.AccessKeyId, SecretAccessKey: *del.Credentials.SecretAccessKey, SessionToken: *del.Credentials.SessionToken}))
	if _, err := dc.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = dc.GetLoginProfile(ctx, &iam.GetLoginProfileInput{})
	wantCode(t, err, "NoSuchEntity")
	if _, err := dc.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String("AKIAROOT1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{CertificateId: aws.String("CERT1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String("arn:aws:iam::" + workAcct + ":mfa/root-account-mfa-device")}); err != nil {
		t.Fatal(err)
	}
	if c := srv.RootCredentialsOf(workAcct); c.LoginProfile || len(c.AccessKeys)+len(c.SigningCerts)+len(c.MFADevices) != 0 {
		t.Fatalf("root credentials left: %+v", c)
	}
	// A user's access keys are still answered from the snapshot.
	uk, err := iam.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct))).ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("alice-" + workAcct)})
	if err != nil || !slices.ContainsFunc(uk.AccessKeyMetadata, func(k iamtypes.AccessKeyMetadata) bool { return aws.ToString(k.AccessKeyId) == "AKIAALICE" }) {
		t.Fatalf("user keys: %+v %v", uk, err)
	}
}
