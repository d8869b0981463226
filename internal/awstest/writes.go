package awstest

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// writeMu serializes read-modify-write updates of stored outputs.
var writeMu sync.Mutex

// modify updates the stored output of a read operation in place: the
// current value (overlay, else snapshot, else zero) is decoded into T,
// changed by fn and stored in the overlay.
func modify[T any](s *Server, account, region, file, op, res string, fn func(*T) error) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	var v T
	raw, _, _, err := s.lookup(account, region, file, op, res)
	if err == nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("stored %s %s: %w", file, op, err)
		}
	}
	if err := fn(&v); err != nil {
		return err
	}
	return s.SetOutput(account, region, file, op, res, &v)
}

func (s *Server) registerWrites() {
	s.registerS3Writes()
	s.Register("ec2", "EnableEbsEncryptionByDefault", HandlerFunc(s.ebsDefault(true)))
	s.Register("ec2", "DisableEbsEncryptionByDefault", HandlerFunc(s.ebsDefault(false)))
	s.Register("iam", "UpdateAccountPasswordPolicy", HandlerFunc(s.updatePasswordPolicy))
	s.Register("iam", "DeleteAccountPasswordPolicy", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		s.SetError(req.Account(), snapshot.Global, "iam", "GetAccountPasswordPolicy", "", "NoSuchEntity")
		return &iam.DeleteAccountPasswordPolicyOutput{}, nil
	}))
	s.registerCloudTrailWrites()
	s.registerSSOAdminWrites()
	s.registerServiceCatalog()
	s.Register("guardduty", "CreateDetector", HandlerFunc(s.createDetector))
	s.Register("securityhub", "EnableSecurityHub", HandlerFunc(s.enableSecurityHub))
	s.Register("securityhub", "BatchImportFindings", HandlerFunc(s.batchImportFindings))
	s.Register("configservice", "StartConfigurationRecorder", HandlerFunc(s.configRecorder(true)))
	s.Register("configservice", "StopConfigurationRecorder", HandlerFunc(s.configRecorder(false)))
}

// xmlPAB is the PublicAccessBlockConfiguration request document.
type xmlPAB struct {
	BlockPublicAcls       *bool
	IgnorePublicAcls      *bool
	BlockPublicPolicy     *bool
	RestrictPublicBuckets *bool
}

type xmlSSE struct {
	Rule []struct {
		ApplyServerSideEncryptionByDefault *struct {
			SSEAlgorithm   string
			KMSMasterKeyID *string
		}
		BucketKeyEnabled *bool
	}
}

func decodeXML(req *Request, v any) error {
	if err := xml.Unmarshal(req.Body, v); err != nil {
		return Errorf("MalformedXML", "The XML you provided was not well-formed: %v", err)
	}
	return nil
}

func (s *Server) bucketOp(req *Request) (string, error) {
	if err := s.checkBucketAccess(req, req.Bucket); err != nil {
		return "", err
	}
	for _, b := range s.bucketNames(req.Account()) {
		if b == req.Bucket {
			return b, nil
		}
	}
	return "", Errorf("NoSuchBucket", "The specified bucket %s does not exist", req.Bucket)
}

func (s *Server) registerS3Writes() {
	g := snapshot.Global
	s.Register("s3", "PutPublicAccessBlock", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		b, err := s.bucketOp(req)
		if err != nil {
			return nil, err
		}
		var in xmlPAB
		if err := decodeXML(req, &in); err != nil {
			return nil, err
		}
		cfg := s3types.PublicAccessBlockConfiguration{BlockPublicAcls: in.BlockPublicAcls, IgnorePublicAcls: in.IgnorePublicAcls, BlockPublicPolicy: in.BlockPublicPolicy, RestrictPublicBuckets: in.RestrictPublicBuckets}
		return &s3.PutPublicAccessBlockOutput{}, s.SetOutput(req.Account(), g, "s3", "GetPublicAccessBlock", b, &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &cfg})
	}))
	s.Register("s3", "DeletePublicAccessBlock", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		b, err := s.bucketOp(req)
		if err != nil {
			return nil, err
		}
		s.SetError(req.Account(), g, "s3", "GetPublicAccessBlock", b, "NoSuchPublicAccessBlockConfiguration")
		return &s3.DeletePublicAccessBlockOutput{}, nil
	}))
	s.Register("s3", "PutBucketPolicy", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		b, err := s.bucketOp(req)
		if err != nil {
			return nil, err
		}
		if !json.Valid(req.Body) {
			return nil, Errorf("MalformedPolicy", "Policies must be valid JSON")
		}
		return &s3.PutBucketPolicyOutput{}, s.SetOutput(req.Account(), g, "s3", "GetBucketPolicy", b, &s3.GetBucketPolicyOutput{Policy: aws.String(string(req.Body))})
	}))
	s.Register("s3", "DeleteBucketPolicy", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		b, err := s.bucketOp(req)
		if err != nil {
			return nil, err
		}
		s.SetError(req.Account(), g, "s3", "GetBucketPolicy", b, "NoSuchBucketPolicy")
		return &s3.DeleteBucketPolicyOutput{}, nil
	}))
	s.Register("s3", "PutBucketEncryption", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		b, err := s.bucketOp(req)
		if err != nil {
			return nil, err
		}
		var in xmlSSE
		if err := decodeXML(req, &in); err != nil {
			return nil, err
		}
		cfg := &s3types.ServerSideEncryptionConfiguration{}
		for _, r := range in.Rule {
			rule := s3types.ServerSideEncryptionRule{BucketKeyEnabled: r.BucketKeyEnabled}
			if d := r.ApplyServerSideEncryptionByDefault; d != nil {
				rule.ApplyServerSideEncryptionByDefault = &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(d.SSEAlgorithm), KMSMasterKeyID: d.KMSMasterKeyID}
			}
			cfg.Rules = append(cfg.Rules, rule)
		}
		return &s3.PutBucketEncryptionOutput{}, s.SetOutput(req.Account(), g, "s3", "GetBucketEncryption", b, &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: cfg})
	}))
	s.Register("s3", "DeleteBucketEncryption", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		b, err := s.bucketOp(req)
		if err != nil {
			return nil, err
		}
		s.SetError(req.Account(), g, "s3", "GetBucketEncryption", b, "ServerSideEncryptionConfigurationNotFoundError")
		return &s3.DeleteBucketEncryptionOutput{}, nil
	}))
	s.Register("s3control", "PutPublicAccessBlock", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		if err := sameAccount(req); err != nil {
			return nil, err
		}
		var in xmlPAB
		if err := decodeXML(req, &in); err != nil {
			return nil, err
		}
		cfg := s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: in.BlockPublicAcls, IgnorePublicAcls: in.IgnorePublicAcls, BlockPublicPolicy: in.BlockPublicPolicy, RestrictPublicBuckets: in.RestrictPublicBuckets}
		return &s3control.PutPublicAccessBlockOutput{}, s.SetOutput(req.Account(), g, "s3control", "GetPublicAccessBlock", "", &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &cfg})
	}))
	s.Register("s3control", "DeletePublicAccessBlock", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		if err := sameAccount(req); err != nil {
			return nil, err
		}
		s.SetError(req.Account(), g, "s3control", "GetPublicAccessBlock", "", "NoSuchPublicAccessBlockConfiguration")
		return &s3control.DeletePublicAccessBlockOutput{}, nil
	}))
	s.Register("s3control", "GetPublicAccessBlock", HandlerFunc(func(ctx context.Context, req *Request) (any, error) {
		if err := sameAccount(req); err != nil {
			return nil, err
		}
		return s.snapshotRead(ctx, req)
	}))
}

// sameAccount checks S3 Control's AccountId against the caller's.
func sameAccount(req *Request) error {
	if a := req.Param("AccountId"); a != "" && a != req.Account() {
		return Errorf("AccessDenied", "Access Denied: account %s cannot manage account %s", req.Account(), a)
	}
	return nil
}

func (s *Server) ebsDefault(on bool) func(context.Context, *Request) (any, error) {
	return func(_ context.Context, req *Request) (any, error) {
		err := s.SetOutput(req.Account(), req.Region, "ec2", "GetEbsEncryptionByDefault", "", &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(on)})
		if on {
			return &ec2.EnableEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(true)}, err
		}
		return &ec2.DisableEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(false)}, err
	}
}

func (s *Server) updatePasswordPolicy(_ context.Context, req *Request) (any, error) {
	b := func(name string) bool { return strings.EqualFold(req.Param(name), "true") }
	i32 := func(name string) *int32 {
		if v := req.Param(name); v != "" {
			n := int32(req.IntParam(name, 0))
			return &n
		}
		return nil
	}
	p := &iamtypes.PasswordPolicy{
		MinimumPasswordLength: i32("MinimumPasswordLength"), RequireSymbols: b("RequireSymbols"), RequireNumbers: b("RequireNumbers"),
		RequireUppercaseCharacters: b("RequireUppercaseCharacters"), RequireLowercaseCharacters: b("RequireLowercaseCharacters"),
		AllowUsersToChangePassword: b("AllowUsersToChangePassword"), MaxPasswordAge: i32("MaxPasswordAge"),
		PasswordReusePrevention: i32("PasswordReusePrevention"), HardExpiry: aws.Bool(b("HardExpiry")),
		ExpirePasswords: req.Param("MaxPasswordAge") != "" && req.Param("MaxPasswordAge") != "0",
	}
	if p.MinimumPasswordLength == nil {
		p.MinimumPasswordLength = aws.Int32(6)
	}
	return &iam.UpdateAccountPasswordPolicyOutput{}, s.SetOutput(req.Account(), snapshot.Global, "iam", "GetAccountPasswordPolicy", "", &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: p})
}

func (s *Server) registerCloudTrailWrites() {
	logging := func(on bool) func(context.Context, *Request) (any, error) {
		return func(_ context.Context, req *Request) (any, error) {
			arn := s.trailARN(req.Account(), req.Region, req.Param("Name"))
			if !strings.HasPrefix(arn, "arn:") {
				return nil, Errorf("TrailNotFoundException", "Unknown trail: %s for the user: %s", req.Param("Name"), req.Account())
			}
			now := time.Now().UTC()
			err := modify(s, req.Account(), req.Region, "cloudtrail", "GetTrailStatus", arn, func(st *cloudtrail.GetTrailStatusOutput) error {
				st.IsLogging = aws.Bool(on)
				if on {
					st.StartLoggingTime = &now
				} else {
					st.StopLoggingTime = &now
				}
				return nil
			})
			if on {
				return &cloudtrail.StartLoggingOutput{}, err
			}
			return &cloudtrail.StopLoggingOutput{}, err
		}
	}
	s.Register("cloudtrail", "StartLogging", HandlerFunc(logging(true)))
	s.Register("cloudtrail", "StopLogging", HandlerFunc(logging(false)))
	s.Register("cloudtrail", "CreateTrail", HandlerFunc(s.createTrail))
}

func (s *Server) createTrail(_ context.Context, req *Request) (any, error) {
	var in struct {
		Name, S3BucketName, S3KeyPrefix, KmsKeyId, SnsTopicName                                      *string
		IsMultiRegionTrail, IsOrganizationTrail, IncludeGlobalServiceEvents, EnableLogFileValidation *bool
	}
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if aws.ToString(in.Name) == "" || aws.ToString(in.S3BucketName) == "" {
		return nil, Errorf("InvalidParameterCombinationException", "Name and S3BucketName are required")
	}
	arn := fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", s.partition(), req.Region, req.Account(), *in.Name)
	tr := cttypes.Trail{Name: in.Name, TrailARN: aws.String(arn), S3BucketName: in.S3BucketName, S3KeyPrefix: in.S3KeyPrefix, KmsKeyId: in.KmsKeyId,
		IsMultiRegionTrail: aws.Bool(aws.ToBool(in.IsMultiRegionTrail)), IsOrganizationTrail: aws.Bool(aws.ToBool(in.IsOrganizationTrail)),
		IncludeGlobalServiceEvents: aws.Bool(in.IncludeGlobalServiceEvents == nil || *in.IncludeGlobalServiceEvents),
		LogFileValidationEnabled:   aws.Bool(aws.ToBool(in.EnableLogFileValidation)), HomeRegion: aws.String(req.Region)}
	err := modify(s, req.Account(), req.Region, "cloudtrail", "DescribeTrails", "", func(out *cloudtrail.DescribeTrailsOutput) error {
		for _, t := range out.TrailList {
			if aws.ToString(t.Name) == *in.Name {
				return Errorf("TrailAlreadyExistsException", "Trail %s already exists for customer: %s", *in.Name, req.Account())
			}
		}
		out.TrailList = append(out.TrailList, tr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.SetOutput(req.Account(), req.Region, "cloudtrail", "GetTrailStatus", arn, &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(false)}); err != nil {
		return nil, err
	}
	return &cloudtrail.CreateTrailOutput{Name: tr.Name, TrailARN: tr.TrailARN, S3BucketName: tr.S3BucketName, S3KeyPrefix: tr.S3KeyPrefix,
		IsMultiRegionTrail: tr.IsMultiRegionTrail, IsOrganizationTrail: tr.IsOrganizationTrail, IncludeGlobalServiceEvents: tr.IncludeGlobalServiceEvents,
		LogFileValidationEnabled: tr.LogFileValidationEnabled, KmsKeyId: tr.KmsKeyId}, nil
}

func (s *Server) createDetector(_ context.Context, req *Request) (any, error) {
	id := fmt.Sprintf("%032x", s.reqSeq.Add(1))
	err := modify(s, req.Account(), req.Region, "guardduty", "ListDetectors", "", func(out *guardduty.ListDetectorsOutput) error {
		if len(out.DetectorIds) > 0 {
			return Errorf("BadRequestException", "The request is rejected because a detector already exists for the current account.")
		}
		out.DetectorIds = []string{id}
		return nil
	})
	if err != nil {
		return nil, err
	}
	status := "ENABLED"
	if strings.EqualFold(req.Param("enable"), "false") {
		status = "DISABLED"
	}
	now := time.Now().UTC().Format(time.RFC3339)
	det := map[string]any{"Status": status, "CreatedAt": now, "UpdatedAt": now, "ServiceRole": fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty", s.partition(), req.Account())}
	if err := s.SetOutput(req.Account(), req.Region, "guardduty", "GetDetector", id, det); err != nil {
		return nil, err
	}
	return &guardduty.CreateDetectorOutput{DetectorId: aws.String(id)}, nil
}

func (s *Server) enableSecurityHub(_ context.Context, req *Request) (any, error) {
	arn := fmt.Sprintf("arn:%s:securityhub:%s:%s:hub/default", s.partition(), req.Region, req.Account())
	err := modify(s, req.Account(), req.Region, "securityhub", "DescribeHub", "", func(out *securityhub.DescribeHubOutput) error {
		if out.HubArn != nil {
			return Errorf("ResourceConflictException", "Account %s is already subscribed to Security Hub", req.Account())
		}
		out.HubArn = aws.String(arn)
		out.SubscribedAt = aws.String(time.Now().UTC().Format(time.RFC3339))
		out.AutoEnableControls = aws.Bool(true)
		return nil
	})
	return &securityhub.EnableSecurityHubOutput{}, err
}

// Findings returns every finding imported with BatchImportFindings,
// as the raw ASFF JSON objects, in import order.
func (s *Server) Findings() []json.RawMessage {
	s.findingsMu.Lock()
	defer s.findingsMu.Unlock()
	return append([]json.RawMessage(nil), s.findings...)
}

func (s *Server) configRecorder(start bool) func(context.Context, *Request) (any, error) {
	return func(_ context.Context, req *Request) (any, error) {
		name := req.Param("ConfigurationRecorderName")
		err := modify(s, req.Account(), req.Region, "config", "DescribeConfigurationRecorderStatus", "", func(out *configservice.DescribeConfigurationRecorderStatusOutput) error {
			for i := range out.ConfigurationRecordersStatus {
				st := &out.ConfigurationRecordersStatus[i]
				if aws.ToString(st.Name) == name {
					now := time.Now().UTC()
					st.Recording = start
					if start {
						st.LastStartTime = &now
					} else {
						st.LastStopTime = &now
					}
					return nil
				}
			}
			return Errorf("NoSuchConfigurationRecorderException", "Cannot find configuration recorder with the specified name '%s'.", name)
		})
		if start {
			return &configservice.StartConfigurationRecorderOutput{}, err
		}
		return &configservice.StopConfigurationRecorderOutput{}, err
	}
}
