package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

func renderIAM(w *world, a *acct) *file {
	f := newFile(a, snapshot.Global, "iam")
	mfaInUse := 0
	for _, u := range a.users {
		if u.mfa {
			mfaInUse++
		}
	}
	if a.rootMFA != "none" {
		mfaInUse++
	}
	summary := map[string]int32{
		"AccountMFAEnabled": b2i(a.rootMFA != "none"), "AccountAccessKeysPresent": b2i(a.rootKey),
		"AccountSigningCertificatesPresent": 0, "Users": int32(len(a.users)), "Groups": int32(len(a.groups)),
		"Roles": int32(len(a.roles)), "Policies": int32(len(a.policies)), "MFADevices": int32(mfaInUse),
		"MFADevicesInUse": int32(mfaInUse), "Providers": 1 + b2i(a.kind == kindWorkload),
		"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500,
	}
	f.put("GetAccountSummary", iam.GetAccountSummaryOutput{SummaryMap: summary})
	f.put("GetAccountPasswordPolicy", iam.GetAccountPasswordPolicyOutput{PasswordPolicy: passwordPolicy(a.strongPwd)})
	report := credentialReport(w, a)
	f.put("GetCredentialReport", iam.GetCredentialReportOutput{Content: report, GeneratedTime: ptime(w.collected.Add(-2 * time.Minute)),
		ReportFormat: iamtypes.ReportFormatTypeTextCsv})
	f.put("GetAccountAuthorizationDetails", authorizationDetails(w, a))
	var virtual []iamtypes.VirtualMFADevice
	if a.rootMFA == "virtual" {
		virtual = append(virtual, iamtypes.VirtualMFADevice{SerialNumber: aws.String("arn:aws:iam::" + a.Id + ":mfa/root-account-mfa-device"),
			EnableDate: ptime(a.JoinedTimestamp.Add(time.Hour)),
			User:       &iamtypes.User{Arn: aws.String(rootARN(a)), UserId: aws.String(a.Id), UserName: aws.String("<root_account>"), Path: aws.String("/"), CreateDate: ptime(a.JoinedTimestamp)}})
	}
	for _, u := range a.users {
		if u.mfa {
			f.res("ListMFADevices", u.name, iam.ListMFADevicesOutput{MFADevices: []iamtypes.MFADevice{{
				UserName: aws.String(u.name), SerialNumber: aws.String(mfaSerial(a, u)), EnableDate: ptime(u.created.Add(time.Hour))}}})
		} else {
			f.res("ListMFADevices", u.name, iam.ListMFADevicesOutput{MFADevices: []iamtypes.MFADevice{}})
		}
		if u.virtualMFAID != "" {
			virtual = append(virtual, iamtypes.VirtualMFADevice{SerialNumber: aws.String(mfaSerial(a, u)), EnableDate: ptime(u.created.Add(time.Hour)),
				User: iamUser(a, u)})
		}
		meta := []iamtypes.AccessKeyMetadata{}
		for _, k := range u.keys {
			meta = append(meta, iamtypes.AccessKeyMetadata{UserName: aws.String(u.name), AccessKeyId: aws.String(k.id),
				Status: keyStatus(k.active), CreateDate: ptime(k.created)})
			f.res("GetAccessKeyLastUsed", k.id, iam.GetAccessKeyLastUsedOutput{UserName: aws.String(u.name),
				AccessKeyLastUsed: &iamtypes.AccessKeyLastUsed{LastUsedDate: ptime(k.lastUsed), ServiceName: aws.String(k.service), Region: aws.String(w.home)}})
		}
		f.res("ListAccessKeys", u.name, iam.ListAccessKeysOutput{AccessKeyMetadata: meta})
	}
	if virtual == nil {
		virtual = []iamtypes.VirtualMFADevice{}
	}
	f.put("ListVirtualMFADevices", iam.ListVirtualMFADevicesOutput{VirtualMFADevices: virtual})
	f.put("ListSAMLProviders", iam.ListSAMLProvidersOutput{SAMLProviderList: []iamtypes.SAMLProviderListEntry{{
		Arn:        aws.String("arn:aws:iam::" + a.Id + ":saml-provider/AWSSSO_3c7e21d9a4b85f06_DO_NOT_DELETE"),
		CreateDate: ptime(a.JoinedTimestamp.Add(3 * time.Hour)), ValidUntil: ptime(time.Date(2125, 1, 1, 0, 0, 0, 0, time.UTC))}}})
	oidc := []iamtypes.OpenIDConnectProviderListEntry{}
	if a.kind == kindWorkload {
		oidc = append(oidc, iamtypes.OpenIDConnectProviderListEntry{Arn: aws.String("arn:aws:iam::" + a.Id + ":oidc-provider/token.actions.githubusercontent.com")})
	}
	f.put("ListOpenIDConnectProviders", iam.ListOpenIDConnectProvidersOutput{OpenIDConnectProviderList: oidc})
	renderServerCertificates(f, a)
	return f
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

func keyStatus(active bool) iamtypes.StatusType {
	if active {
		return iamtypes.StatusTypeActive
	}
	return iamtypes.StatusTypeInactive
}

func mfaSerial(a *acct, u *user) string {
	if u.virtualMFAID != "" {
		return "arn:aws:iam::" + a.Id + ":mfa/" + u.virtualMFAID
	}
	return "arn:aws:iam::" + a.Id + ":u2f/user/" + u.name + "/security-key-" + strings.ToUpper(u.name[:2]) + "7Q3XK2VJ"
}

func iamUser(a *acct, u *user) *iamtypes.User {
	return &iamtypes.User{Arn: aws.String(userARN(a, u.name)), UserName: aws.String(u.name), Path: aws.String("/"),
		UserId: aws.String(uniqueID(newRand(uint64(a.index), uint64(len(u.name))), "AIDA")), CreateDate: ptime(u.created)}
}

func passwordPolicy(strong bool) *iamtypes.PasswordPolicy {
	if !strong {
		return &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(8), RequireLowercaseCharacters: true,
			AllowUsersToChangePassword: true}
	}
	return &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, RequireNumbers: true,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true,
		ExpirePasswords: true, MaxPasswordAge: aws.Int32(90), PasswordReusePrevention: aws.Int32(24), HardExpiry: aws.Bool(false)}
}

// credentialReport renders the CSV of GenerateCredentialReport.
func credentialReport(w *world, a *acct) []byte {
	const header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "N/A"
		}
		return t.UTC().Format("2006-01-02T15:04:05+00:00")
	}
	var b strings.Builder
	b.WriteString(header + "\n")
	rootUsed := a.JoinedTimestamp.Add(4 * time.Hour)
	key := "false,N/A,N/A,N/A,N/A"
	if a.rootKey {
		key = fmt.Sprintf("true,%s,%s,us-east-1,s3", ts(End.AddDate(0, 0, -35)), ts(End.AddDate(0, 0, -3)))
	}
	fmt.Fprintf(&b, "<root_account>,%s,%s,not_supported,%s,not_supported,not_supported,%t,%s,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
		rootARN(a), ts(a.JoinedTimestamp), ts(rootUsed), a.rootMFA != "none", key)
	for _, u := range a.users {
		pwd, used, changed, next := "false", "N/A", "N/A", "N/A"
		if u.console {
			pwd, used, changed, next = "true", "no_information", ts(u.created), ts(u.created.AddDate(0, 0, 90))
			if !u.pwdLastUsed.IsZero() {
				used = ts(u.pwdLastUsed)
			}
			if a.strongPwd {
				changed, next = ts(u.pwdLastUsed.AddDate(0, 0, -30)), ts(u.pwdLastUsed.AddDate(0, 0, 60))
			} else {
				next = "N/A"
			}
		}
		keys := []string{"false,N/A,N/A,N/A,N/A", "false,N/A,N/A,N/A,N/A"}
		for i, k := range u.keys {
			if i < 2 {
				keys[i] = fmt.Sprintf("%t,%s,%s,%s,%s", k.active, ts(k.created), ts(k.lastUsed), w.home, k.service)
			}
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%t,%s,%s,false,N/A,false,N/A\n", u.name, userARN(a, u.name), ts(u.created),
			pwd, used, changed, next, u.mfa, keys[0], keys[1])
	}
	return []byte(b.String())
}

func attachedPolicies(arns []string) []iamtypes.AttachedPolicy {
	out := make([]iamtypes.AttachedPolicy, 0, len(arns))
	for _, p := range arns {
		out = append(out, iamtypes.AttachedPolicy{PolicyArn: aws.String(p), PolicyName: aws.String(p[strings.LastIndex(p, "/")+1:])})
	}
	return out
}

func authorizationDetails(w *world, a *acct) iam.GetAccountAuthorizationDetailsOutput {
	r := newRand(w.opt.Seed^0x1a3, uint64(a.index))
	out := iam.GetAccountAuthorizationDetailsOutput{UserDetailList: []iamtypes.UserDetail{}, GroupDetailList: []iamtypes.GroupDetail{},
		RoleDetailList: []iamtypes.RoleDetail{}, Policies: []iamtypes.ManagedPolicyDetail{}}
	count := map[string]int32{}
	for _, u := range a.users {
		ud := iamUser(a, u)
		out.UserDetailList = append(out.UserDetailList, iamtypes.UserDetail{Arn: ud.Arn, UserName: ud.UserName, UserId: ud.UserId,
			Path: ud.Path, CreateDate: ud.CreateDate, GroupList: u.groups, AttachedManagedPolicies: attachedPolicies(u.attached),
			UserPolicyList: []iamtypes.PolicyDetail{}, Tags: []iamtypes.Tag{}})
		for _, p := range u.attached {
			count[p]++
		}
	}
	for _, g := range a.groups {
		out.GroupDetailList = append(out.GroupDetailList, iamtypes.GroupDetail{GroupName: aws.String(g.name), Path: aws.String("/"),
			Arn: aws.String("arn:aws:iam::" + a.Id + ":group/" + g.name), GroupId: aws.String(uniqueID(r, "AGPA")),
			CreateDate: ptime(a.JoinedTimestamp.Add(5 * time.Hour)), AttachedManagedPolicies: attachedPolicies(g.attached),
			GroupPolicyList: []iamtypes.PolicyDetail{}})
		for _, p := range g.attached {
			count[p]++
		}
	}
	for _, rl := range a.roles {
		rd := iamtypes.RoleDetail{RoleName: aws.String(rl.name), Path: aws.String(rl.path),
			Arn:    aws.String(fmt.Sprintf("arn:aws:iam::%s:role%s%s", a.Id, rl.path, rl.name)),
			RoleId: aws.String(uniqueID(r, "AROA")), CreateDate: ptime(rl.created),
			AssumeRolePolicyDocument: aws.String(iamEncode(rl.trust)), AttachedManagedPolicies: attachedPolicies(rl.attached),
			RolePolicyList: []iamtypes.PolicyDetail{}, InstanceProfileList: []iamtypes.InstanceProfile{}, Tags: []iamtypes.Tag{}}
		names := make([]string, 0, len(rl.inline))
		for n := range rl.inline {
			names = append(names, n)
		}
		sort.Strings(names)
		rd.Tags = roleTags(rl.tags)
		for _, n := range names {
			rd.RolePolicyList = append(rd.RolePolicyList, iamtypes.PolicyDetail{PolicyName: aws.String(n), PolicyDocument: aws.String(iamEncode(rl.inline[n]))})
		}
		if strings.HasSuffix(rl.name, "-app") {
			rd.InstanceProfileList = append(rd.InstanceProfileList, iamtypes.InstanceProfile{InstanceProfileName: aws.String(rl.name),
				Arn: aws.String("arn:aws:iam::" + a.Id + ":instance-profile/" + rl.name), Path: aws.String("/"),
				InstanceProfileId: aws.String(uniqueID(r, "AIPA")), CreateDate: ptime(rl.created), Roles: []iamtypes.Role{}})
		}
		out.RoleDetailList = append(out.RoleDetailList, rd)
		for _, p := range rl.attached {
			count[p]++
		}
	}
	for _, p := range a.policies {
		arn := w.policyARN(a, p.name)
		created := a.JoinedTimestamp.Add(6 * time.Hour)
		out.Policies = append(out.Policies, iamtypes.ManagedPolicyDetail{PolicyName: aws.String(p.name), Arn: aws.String(arn),
			PolicyId: aws.String(uniqueID(r, "ANPA")), Path: aws.String("/"), DefaultVersionId: aws.String("v1"),
			AttachmentCount: aws.Int32(count[arn]), PermissionsBoundaryUsageCount: aws.Int32(0), IsAttachable: true,
			CreateDate: ptime(created), UpdateDate: ptime(created),
			PolicyVersionList: []iamtypes.PolicyVersion{{Document: aws.String(iamEncode(compact(p.doc))), VersionId: aws.String("v1"),
				IsDefaultVersion: true, CreateDate: ptime(created)}}})
	}
	return out
}

func renderAccountContacts(w *world, a *acct) *file {
	f := newFile(a, snapshot.Global, "account")
	contacts := []struct{ typ, name, title, email string }{
		{"BILLING", "Kumo Foods Finance", "Cloud cost lead", "aws-billing@" + companyDomain},
		{"OPERATIONS", "Kumo Foods Platform", "Platform on-call", "platform-oncall@" + companyDomain},
		{"SECURITY", "Kumo Foods Security", "Security operations", "security-ops@" + companyDomain},
	}
	for _, c := range contacts {
		if c.typ == "SECURITY" && a.noSecContact {
			f.SetResourceError("GetAlternateContact", c.typ, "ResourceNotFoundException")
			continue
		}
		f.res("GetAlternateContact", c.typ, account.GetAlternateContactOutput{AlternateContact: &accttypes.AlternateContact{
			AlternateContactType: accttypes.AlternateContactType(c.typ), Name: aws.String(c.name), Title: aws.String(c.title),
			EmailAddress: aws.String(c.email), PhoneNumber: aws.String("+81-3-5555-0100")}})
	}
	ci := &accttypes.ContactInformation{FullName: aws.String("Kumo Foods Cloud Platform"), CompanyName: aws.String("Kumo Foods K.K."),
		AddressLine1: aws.String("2-1-1 Nihonbashi"), City: aws.String("Chuo-ku"), StateOrRegion: aws.String("Tokyo"),
		PostalCode: aws.String("103-0027"), CountryCode: aws.String("JP"), PhoneNumber: aws.String("+81355550100")}
	if a.noContactPhone {
		ci.PhoneNumber = nil
	}
	f.put("GetContactInformation", account.GetContactInformationOutput{ContactInformation: ci})
	return f
}

func renderRegions(w *world, a *acct) *file {
	f := newFile(a, snapshot.Global, "ec2regions")
	var regions []ec2types.Region
	add := func(names []string, status string) {
		for _, n := range names {
			regions = append(regions, ec2types.Region{RegionName: aws.String(n), Endpoint: aws.String("ec2." + n + ".amazonaws.com"),
				OptInStatus: aws.String(status)})
		}
	}
	add(defaultRegions, "opt-in-not-required")
	add(optInRegions, "not-opted-in")
	sort.Slice(regions, func(i, j int) bool { return *regions[i].RegionName < *regions[j].RegionName })
	f.put("DescribeRegions", ec2.DescribeRegionsOutput{Regions: regions})
	return f
}

// awsManagedPolicies are the AWS-managed policies attached somewhere in
// the demo, shipped in the pseudo-account "aws" so that a collection of
// the demo is complete and the authorization engine has every document.
// AdministratorAccess is AWS's document; the others are abbreviated to the
// statements that matter for the demo (their real documents run to
// hundreds of actions), and say so in their description.
var awsManagedPolicies = []struct{ path, name, doc string }{
	{"/", "AdministratorAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	{"/", "PowerUserAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},` +
		`{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization","account:ListRegions","account:GetAccountInformation"],"Resource":"*"}]}`},
	{"/", "ReadOnlyAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","cloudtrail:LookupEvents",` +
		`"config:Describe*","config:Get*","config:List*","ec2:Describe*","ec2:Get*","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*",` +
		`"lambda:Get*","lambda:List*","rds:Describe*","rds:List*","s3:Get*","s3:List*","sns:Get*","sns:List*","sqs:Get*","sqs:List*"],"Resource":"*"}]}`},
	{"/", "SecurityAudit", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["access-analyzer:List*","access-analyzer:Get*","account:GetAlternateContact",` +
		`"cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:ListTrails","config:Describe*","config:Get*","ec2:Describe*","ec2:GetEbsEncryptionByDefault",` +
		`"guardduty:Get*","guardduty:List*","iam:Generate*","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*","organizations:Describe*","organizations:List*",` +
		`"rds:Describe*","s3:GetAccountPublicAccessBlock","s3:GetBucket*","s3:GetEncryptionConfiguration","s3:ListAllMyBuckets","securityhub:Describe*","securityhub:Get*","securityhub:List*"],"Resource":"*"}]}`},
	{"/job-function/", "ViewOnlyAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","config:Describe*",` +
		`"ec2:Describe*","iam:List*","kms:ListKeys","kms:ListAliases","lambda:List*","rds:Describe*","s3:ListAllMyBuckets","s3:ListBucket","sns:List*","sqs:List*"],"Resource":"*"}]}`},
	{"/", "AWSCodeArtifactReadOnlyAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["codeartifact:Describe*","codeartifact:Get*","codeartifact:List*","codeartifact:ReadFromRepository"],"Resource":"*"},` +
		`{"Effect":"Allow","Action":"sts:GetServiceBearerToken","Resource":"*","Condition":{"StringEquals":{"sts:AWSServiceName":"codeartifact.amazonaws.com"}}}]}`},
	{"/", "AWSSupportAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["support:*"],"Resource":"*"}]}`},
	{"/aws-service-role/", "AWSConfigServiceRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:GetEventSelectors",` +
		`"ec2:Describe*","iam:GetAccountPasswordPolicy","iam:GetPolicy","iam:GetPolicyVersion","iam:GetRole","iam:GetRolePolicy","iam:GetUser","iam:List*",` +
		`"kms:DescribeKey","kms:GetKeyRotationStatus","rds:Describe*","s3:GetBucket*","s3:GetEncryptionConfiguration","s3:ListAllMyBuckets"],"Resource":"*"}]}`},
}

// renderAWSManaged writes the pseudo-account's iam file.
func renderAWSManaged() *snapshot.ServiceFile {
	f := &file{ServiceFile: snapshot.NewServiceFile(snapshot.AWSAccount, snapshot.Global, "iam")}
	created := time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)
	for _, p := range awsManagedPolicies {
		arn := "arn:aws:iam::aws:policy" + p.path + p.name
		desc := "AWS-managed policy " + p.name
		if p.name != "AdministratorAccess" {
			desc += " (abbreviated for the orgrail demo)"
		}
		f.res("GetPolicy", arn, iam.GetPolicyOutput{Policy: &iamtypes.Policy{PolicyName: aws.String(p.name), Arn: aws.String(arn),
			Path: aws.String(p.path), DefaultVersionId: aws.String("v1"), IsAttachable: true, Description: aws.String(desc),
			CreateDate: ptime(created), UpdateDate: ptime(created)}})
		f.res("GetPolicyVersion", arn, iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{
			Document: aws.String(iamEncode(p.doc)), VersionId: aws.String("v1"), IsDefaultVersion: true, CreateDate: ptime(created)}})
	}
	return f.ServiceFile
}

// roleTags renders a role's tags in key order.
func roleTags(tags map[string]string) []iamtypes.Tag {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := []iamtypes.Tag{}
	for _, k := range keys {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}
