package awstest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/orgrail/orgrail/internal/org"
)

// Task policies sts:AssumeRoot accepts (AWS managed policies under
// arn:aws:iam::aws:policy/root-task/).
const (
	RootTaskAudit  = "IAMAuditRootUserCredentials"
	RootTaskDelete = "IAMDeleteRootUserCredentials"
)

var rootTasks = []string{RootTaskAudit, "IAMCreateRootUserPassword", RootTaskDelete, "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"}

// RootCredentials are the long-term credentials of an account's root
// user: what centralized root access manages.
type RootCredentials struct {
	LoginProfile bool
	AccessKeys   []string // access key ids
	SigningCerts []string // certificate ids
	MFADevices   []string // serial numbers
}

// rootAccess is the local AWS's centralized root access: the
// organization's enabled features and each account's root credentials.
type rootAccess struct {
	mu       sync.Mutex
	features []string
	creds    map[string]*RootCredentials
}

// SetRootCredentials seeds the root user credentials of an account.
func (s *Server) SetRootCredentials(account string, c RootCredentials) {
	s.root.mu.Lock()
	defer s.root.mu.Unlock()
	if s.root.creds == nil {
		s.root.creds = map[string]*RootCredentials{}
	}
	cp := RootCredentials{LoginProfile: c.LoginProfile, AccessKeys: slices.Clone(c.AccessKeys),
		SigningCerts: slices.Clone(c.SigningCerts), MFADevices: slices.Clone(c.MFADevices)}
	s.root.creds[account] = &cp
}

// RootCredentialsOf returns a copy of an account's root credentials.
func (s *Server) RootCredentialsOf(account string) RootCredentials {
	s.root.mu.Lock()
	defer s.root.mu.Unlock()
	c := s.root.creds[account]
	if c == nil {
		return RootCredentials{}
	}
	return RootCredentials{LoginProfile: c.LoginProfile, AccessKeys: slices.Clone(c.AccessKeys),
		SigningCerts: slices.Clone(c.SigningCerts), MFADevices: slices.Clone(c.MFADevices)}
}

// RootFeatures returns the enabled centralized root access features.
func (s *Server) RootFeatures() []string {
	s.root.mu.Lock()
	defer s.root.mu.Unlock()
	return slices.Clone(s.root.features)
}

func (s *Server) registerRootAccess() {
	s.Register("iam", "EnableOrganizationsRootCredentialsManagement", HandlerFunc(s.enableRootFeature("RootCredentialsManagement")))
	s.Register("iam", "EnableOrganizationsRootSessions", HandlerFunc(s.enableRootFeature("RootSessions")))
	s.Register("iam", "ListOrganizationsFeatures", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		if err := s.rootAdmin(req, false); err != nil {
			return nil, err
		}
		return &iam.ListOrganizationsFeaturesOutput{OrganizationId: aws.String(s.Organization().Id), EnabledFeatures: s.featureTypes()}, nil
	}))
	s.Register("sts", "AssumeRoot", HandlerFunc(s.assumeRoot))
	s.Register("iam", "GetLoginProfile", HandlerFunc(s.rootRead(func(req *Request, c *RootCredentials) (any, error) {
		if !c.LoginProfile {
			return nil, Errorf("NoSuchEntity", "Login Profile for User root cannot be found.")
		}
		return &iam.GetLoginProfileOutput{LoginProfile: &iamtypes.LoginProfile{UserName: aws.String(""), CreateDate: aws.Time(time.Unix(0, 0).UTC())}}, nil
	})))
	s.Register("iam", "ListAccessKeys", HandlerFunc(s.rootRead(func(req *Request, c *RootCredentials) (any, error) {
		out := &iam.ListAccessKeysOutput{AccessKeyMetadata: []iamtypes.AccessKeyMetadata{}}
		for _, k := range c.AccessKeys {
			out.AccessKeyMetadata = append(out.AccessKeyMetadata, iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(k), Status: iamtypes.StatusTypeActive})
		}
		return out, nil
	})))
	s.Register("iam", "ListSigningCertificates", HandlerFunc(s.rootRead(func(req *Request, c *RootCredentials) (any, error) {
		out := &iam.ListSigningCertificatesOutput{Certificates: []iamtypes.SigningCertificate{}}
		for _, id := range c.SigningCerts {
			out.Certificates = append(out.Certificates, iamtypes.SigningCertificate{CertificateId: aws.String(id), Status: iamtypes.StatusTypeActive,
				UserName: aws.String(""), CertificateBody: aws.String("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----")})
		}
		return out, nil
	})))
	s.Register("iam", "ListMFADevices", HandlerFunc(s.rootRead(func(req *Request, c *RootCredentials) (any, error) {
		out := &iam.ListMFADevicesOutput{MFADevices: []iamtypes.MFADevice{}}
		for _, sn := range c.MFADevices {
			out.MFADevices = append(out.MFADevices, iamtypes.MFADevice{SerialNumber: aws.String(sn), UserName: aws.String(""), EnableDate: aws.Time(time.Unix(0, 0).UTC())})
		}
		return out, nil
	})))
	s.Register("iam", "DeleteLoginProfile", HandlerFunc(s.rootDelete(func(req *Request, c *RootCredentials) (any, error) {
		if !c.LoginProfile {
			return nil, Errorf("NoSuchEntity", "Login Profile for User root cannot be found.")
		}
		c.LoginProfile = false
		return &iam.DeleteLoginProfileOutput{}, nil
	})))
	s.Register("iam", "DeleteAccessKey", HandlerFunc(s.rootDelete(func(req *Request, c *RootCredentials) (any, error) {
		if !removeString(&c.AccessKeys, req.Param("AccessKeyId")) {
			return nil, Errorf("NoSuchEntity", "The Access Key with id %s cannot be found.", req.Param("AccessKeyId"))
		}
		return &iam.DeleteAccessKeyOutput{}, nil
	})))
	s.Register("iam", "DeleteSigningCertificate", HandlerFunc(s.rootDelete(func(req *Request, c *RootCredentials) (any, error) {
		if !removeString(&c.SigningCerts, req.Param("CertificateId")) {
			return nil, Errorf("NoSuchEntity", "The Certificate with id %s cannot be found.", req.Param("CertificateId"))
		}
		return &iam.DeleteSigningCertificateOutput{}, nil
	})))
	s.Register("iam", "DeactivateMFADevice", HandlerFunc(s.rootDelete(func(req *Request, c *RootCredentials) (any, error) {
		if !removeString(&c.MFADevices, req.Param("SerialNumber")) {
			return nil, Errorf("NoSuchEntity", "MFA Device with serial number %s does not exist.", req.Param("SerialNumber"))
		}
		return &iam.DeactivateMFADeviceOutput{}, nil
	})))
}

func removeString(list *[]string, v string) bool {
	i := slices.Index(*list, v)
	if v == "" || i < 0 {
		return false
	}
	*list = slices.Delete(*list, i, i+1)
	return true
}

func (s *Server) featureTypes() []iamtypes.FeatureType {
	s.root.mu.Lock()
	defer s.root.mu.Unlock()
	out := []iamtypes.FeatureType{}
	for _, f := range s.root.features {
		out = append(out, iamtypes.FeatureType(f))
	}
	return out
}

// rootAdmin checks the preconditions of the organization-level root
// access operations: an organization with all features, IAM's trusted
// access, a caller in the management account (or, unless managementOnly,
// IAM's delegated administrator).
func (s *Server) rootAdmin(req *Request, managementOnly bool) error {
	o := s.Organization()
	if o == nil || o.Id == "" {
		return Errorf("OrganizationNotFoundException", "The request was rejected because no organization is associated with your account.")
	}
	if o.FeatureSet != "" && o.FeatureSet != "ALL" {
		return Errorf("OrganizationNotInAllFeaturesModeException", "The request was rejected because your organization does not have All features enabled.")
	}
	mgmt := req.Account() == o.MasterAccountId
	if managementOnly && !mgmt {
		return Errorf("CallerIsNotManagementAccountException", "The request was rejected because the account making the request is not the management account for the organization.")
	}
	if !mgmt && o.DelegatedAdminFor("iam.amazonaws.com") != req.Account() {
		return Errorf("AccountNotManagementOrDelegatedAdministratorException", "The request was rejected because account %s is not the management account or delegated administrator for centralized root access.", req.Account())
	}
	if !slices.ContainsFunc(o.EnabledServicePrincipals, func(p org.ServicePrincipal) bool { return p.ServicePrincipal == "iam.amazonaws.com" }) {
		return Errorf("ServiceAccessNotEnabledException", "The request was rejected because trusted access for IAM is not enabled for the organization.")
	}
	return nil
}

func (s *Server) enableRootFeature(feature string) func(context.Context, *Request) (any, error) {
	return func(_ context.Context, req *Request) (any, error) {
		if err := s.rootAdmin(req, true); err != nil {
			return nil, err
		}
		s.root.mu.Lock()
		if !slices.Contains(s.root.features, feature) {
			s.root.features = append(s.root.features, feature)
			slices.Sort(s.root.features)
		}
		s.root.mu.Unlock()
		id := aws.String(s.Organization().Id)
		if feature == "RootSessions" {
			return &iam.EnableOrganizationsRootSessionsOutput{OrganizationId: id, EnabledFeatures: s.featureTypes()}, nil
		}
		return &iam.EnableOrganizationsRootCredentialsManagementOutput{OrganizationId: id, EnabledFeatures: s.featureTypes()}, nil
	}
}

// assumeRoot answers sts:AssumeRoot: a privileged session in a member
// account, scoped by one of the root-task policies, for at most 900
// seconds, once the organization has the RootSessions feature.
func (s *Server) assumeRoot(_ context.Context, req *Request) (any, error) {
	target, task := req.Param("TargetPrincipal"), req.Form.Get("TaskPolicyArn.arn")
	if target == "" || task == "" {
		return nil, Errorf("ValidationError", "TargetPrincipal and TaskPolicyArn are required")
	}
	if i := strings.Index(target, ":iam::"); i >= 0 {
		target = strings.TrimSuffix(target[i+6:], ":root")
	}
	if len(target) != 12 {
		return nil, Errorf("ValidationError", "TargetPrincipal %q is not an account id or root principal ARN", req.Param("TargetPrincipal"))
	}
	name, ok := strings.CutPrefix(task, "arn:"+s.partition()+":iam::aws:policy/root-task/")
	if !ok || !slices.Contains(rootTasks, name) {
		return nil, Errorf("ValidationError", "TaskPolicyArn %s is not a root-task policy", task)
	}
	ttl := req.IntParam("DurationSeconds", 900)
	if ttl < 0 || ttl > 900 {
		return nil, Errorf("ValidationError", "DurationSeconds %d is above the 900-second maximum of a root session", ttl)
	}
	o := s.Organization()
	deny := Errorf("AccessDenied", "User: %s is not authorized to perform: sts:AssumeRoot on resource: arn:%s:iam::%s:root", req.Caller.ARN, s.partition(), target)
	if req.Caller.RootTask != "" {
		return nil, deny // a root session cannot start another
	}
	if o == nil || (req.Account() != o.MasterAccountId && o.DelegatedAdminFor("iam.amazonaws.com") != req.Account()) {
		return nil, deny
	}
	if target == o.MasterAccountId || o.Account(target) == nil {
		return nil, deny
	}
	if !slices.Contains(s.RootFeatures(), "RootSessions") {
		return nil, Errorf("AccessDenied", "centralized root sessions are not enabled for organization %s", o.Id)
	}
	id := s.keys.add(&Identity{
		Account: target, ARN: "arn:" + s.partition() + ":iam::" + target + ":root", UserID: target, RootTask: name,
		AccessKeyID: newKeyID("ASIA"), SecretAccessKey: randomString(40), SessionToken: randomString(64),
		Expires: time.Now().Add(time.Duration(ttl) * time.Second).UTC().Truncate(time.Second),
	})
	return &sts.AssumeRootOutput{SourceIdentity: aws.String(req.Caller.ARN), Credentials: &ststypes.Credentials{
		AccessKeyId: aws.String(id.AccessKeyID), SecretAccessKey: aws.String(id.SecretAccessKey),
		SessionToken: aws.String(id.SessionToken), Expiration: aws.Time(id.Expires)}}, nil
}

// rootRead answers a root-credential read from a root session; any other
// caller gets the ordinary answer from the snapshot.
func (s *Server) rootRead(fn func(*Request, *RootCredentials) (any, error)) func(context.Context, *Request) (any, error) {
	return func(ctx context.Context, req *Request) (any, error) {
		if !s.isRootCaller(req) {
			if s.servesFromSnapshot(req.Service, req.Operation) {
				return s.snapshotRead(ctx, req)
			}
			return nil, Errorf("NoSuchEntity", "%s: the local AWS keeps credentials for root sessions only", req.Operation)
		}
		s.root.mu.Lock()
		defer s.root.mu.Unlock()
		return fn(req, s.rootCreds(req.Account()))
	}
}

// rootDelete is rootRead for deletions: only a root session scoped by
// IAMDeleteRootUserCredentials may make them.
func (s *Server) rootDelete(fn func(*Request, *RootCredentials) (any, error)) func(context.Context, *Request) (any, error) {
	return func(_ context.Context, req *Request) (any, error) {
		if !s.isRootCaller(req) {
			return nil, Errorf("NoSuchEntity", "%s: the local AWS keeps credentials for root sessions only", req.Operation)
		}
		if t := req.Caller.RootTask; t != "" && t != RootTaskDelete {
			return nil, Errorf("AccessDenied", "User: %s is not authorized to perform: iam:%s with a root session scoped by %s", req.Caller.ARN, req.Operation, t)
		}
		s.root.mu.Lock()
		defer s.root.mu.Unlock()
		return fn(req, s.rootCreds(req.Account()))
	}
}

func (s *Server) isRootCaller(req *Request) bool {
	if req.Param("UserName") != "" {
		return false
	}
	return req.Caller.RootTask != ""
}

// rootCreds returns the account's root credentials (s.root.mu held).
func (s *Server) rootCreds(account string) *RootCredentials {
	if s.root.creds == nil {
		s.root.creds = map[string]*RootCredentials{}
	}
	c := s.root.creds[account]
	if c == nil {
		c = &RootCredentials{}
		s.root.creds[account] = c
	}
	return c
}
