package baseline

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// applyRootFeatures turns on root credentials management and root
// sessions from the management account (IAM's trusted access is an
// Organizations change the plan makes first).
func (a *AWS) applyRootFeatures(ctx context.Context, region string) error {
	c := iam.NewFromConfig(a.regional(a.Management, region))
	if _, err := c.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{}); err != nil {
		return fmt.Errorf("EnableOrganizationsRootCredentialsManagement: %w", err)
	}
	if _, err := c.EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{}); err != nil {
		return fmt.Errorf("EnableOrganizationsRootSessions: %w", err)
	}
	return nil
}

// readRootFeatures returns the enabled features; none when IAM's
// trusted access or the organization's all-features mode is missing.
func (a *AWS) readRootFeatures(ctx context.Context, region string) ([]string, error) {
	out, err := iam.NewFromConfig(a.regional(a.Management, region)).ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	switch errorCode(err) {
	case "":
	case "ServiceAccessNotEnabledException", "OrganizationNotInAllFeaturesModeException":
		return nil, nil
	default:
		return nil, fmt.Errorf("ListOrganizationsFeatures: %w", err)
	}
	var f []string
	for _, x := range out.EnabledFeatures {
		f = append(f, string(x))
	}
	slices.Sort(f)
	return f, nil
}

// rootSession starts a privileged root session in a member account,
// scoped by a root-task policy, through a regional STS endpoint (the
// global one does not serve AssumeRoot).
func (a *AWS) rootSession(ctx context.Context, region, account, task string) (aws.Config, error) {
	mc := a.regional(a.Management, region)
	out, err := sts.NewFromConfig(mc).AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(account),
		TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String(TaskPolicyARN(Partition(region), task))}, DurationSeconds: aws.Int32(900)})
	if err != nil {
		return aws.Config{}, fmt.Errorf("sts AssumeRoot %s (%s): %w", account, task, err)
	}
	cr := out.Credentials
	c := mc.Copy()
	c.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)))
	return c, nil
}

// listRootCredentials lists the root user's credentials in a root
// session: GetLoginProfile, ListAccessKeys, ListSigningCertificates and
// ListMFADevices without a user name.
func listRootCredentials(ctx context.Context, c *iam.Client) (RootCredentials, error) {
	var r RootCredentials
	_, err := c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{})
	switch errorCode(err) {
	case "":
		r.LoginProfile = true
	case "NoSuchEntity":
	default:
		return r, fmt.Errorf("GetLoginProfile: %w", err)
	}
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil {
		return r, fmt.Errorf("ListAccessKeys: %w", err)
	}
	for _, k := range keys.AccessKeyMetadata {
		r.AccessKeys = append(r.AccessKeys, aws.ToString(k.AccessKeyId))
	}
	certs, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{})
	if err != nil {
		return r, fmt.Errorf("ListSigningCertificates: %w", err)
	}
	for _, x := range certs.Certificates {
		r.SigningCerts = append(r.SigningCerts, aws.ToString(x.CertificateId))
	}
	mfa, err := c.ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	if err != nil {
		return r, fmt.Errorf("ListMFADevices: %w", err)
	}
	for _, d := range mfa.MFADevices {
		r.MFADevices = append(r.MFADevices, aws.ToString(d.SerialNumber))
	}
	return r, nil
}

// ReadRootCredentials reads one member account's root credentials in a
// session scoped by IAMAuditRootUserCredentials.
func (a *AWS) ReadRootCredentials(ctx context.Context, region, account string) (RootCredentials, error) {
	c, err := a.rootSession(ctx, region, account, TaskAuditRoot)
	if err != nil {
		return RootCredentials{}, err
	}
	return listRootCredentials(ctx, iam.NewFromConfig(c))
}

// RemoveRootCredentials deletes one member account's root password,
// access keys and signing certificates and deactivates its MFA devices,
// in a session scoped by IAMDeleteRootUserCredentials, and reports what
// it found and removed. Credentials already gone count as removed, so a
// second run after a crash finishes the work.
func (a *AWS) RemoveRootCredentials(ctx context.Context, region, account string) (RootReport, error) {
	rep := RootReport{Account: account}
	fail := func(err error) (RootReport, error) {
		rep.Error = err.Error()
		return rep, err
	}
	cfg, err := a.rootSession(ctx, region, account, TaskDeleteRoot)
	if err != nil {
		return fail(err)
	}
	c := iam.NewFromConfig(cfg)
	found, err := listRootCredentials(ctx, c)
	if err != nil {
		return fail(err)
	}
	rep.Found = found
	gone := func(err error) bool { return err == nil || errorCode(err) == "NoSuchEntity" }
	if found.LoginProfile {
		if _, err := c.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{}); !gone(err) {
			return fail(fmt.Errorf("DeleteLoginProfile: %w", err))
		}
		rep.Removed.LoginProfile = true
	}
	for _, k := range found.AccessKeys {
		if _, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(k)}); !gone(err) {
			return fail(fmt.Errorf("DeleteAccessKey %s: %w", k, err))
		}
		rep.Removed.AccessKeys = append(rep.Removed.AccessKeys, k)
	}
	for _, id := range found.SigningCerts {
		if _, err := c.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{CertificateId: aws.String(id)}); !gone(err) {
			return fail(fmt.Errorf("DeleteSigningCertificate %s: %w", id, err))
		}
		rep.Removed.SigningCerts = append(rep.Removed.SigningCerts, id)
	}
	for _, sn := range found.MFADevices {
		if _, err := c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(sn)}); !gone(err) {
			return fail(fmt.Errorf("DeactivateMFADevice %s: %w", sn, err))
		}
		rep.Removed.MFADevices = append(rep.Removed.MFADevices, sn)
	}
	left, err := listRootCredentials(ctx, c)
	if err != nil {
		return fail(err)
	}
	rep.Remaining = left.Summary()
	if !left.None() {
		return fail(fmt.Errorf("root credentials of %s still present after removal: %s", account, rep.Remaining))
	}
	return rep, nil
}

// RootReports reads, for each member account, its root credentials
// (in audit-scoped root sessions), as the report of centralized root
// access. An account that cannot be read carries its error.
func (a *AWS) RootReports(ctx context.Context, region string, accounts []string) []RootReport {
	out := make([]RootReport, 0, len(accounts))
	for _, acct := range accounts {
		r, err := a.ReadRootCredentials(ctx, region, acct)
		rep := RootReport{Account: acct, Found: r, Remaining: r.Summary()}
		if err != nil {
			rep.Error, rep.Remaining = err.Error(), StateUnknown
		}
		out = append(out, rep)
	}
	return out
}

// readRoot fills the root access part of st: the features and, once
// root sessions are on, each member's root credentials.
func (a *AWS) readRoot(ctx context.Context, s *Settings, st *State) error {
	if !s.RootAccess {
		return nil
	}
	f, err := a.readRootFeatures(ctx, s.HomeRegion)
	if err != nil {
		return err
	}
	st.RootFeatures = f
	if !slices.Contains(f, "RootSessions") {
		return nil
	}
	st.RootCredentials = map[string]RootCredentials{}
	for _, m := range s.Members {
		r, err := a.ReadRootCredentials(ctx, s.HomeRegion, m)
		if err != nil {
			return err
		}
		st.RootCredentials[m] = r
	}
	return nil
}
