package awstest

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aat "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cst "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdt "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/inspector2"
	i2t "github.com/aws/aws-sdk-go-v2/service/inspector2/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2t "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	sht "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/orgrail/orgrail/internal/org"
)

// registerBaselineServices installs the organization-level writes of
// the security baseline: StackSets, the organization trail's update,
// the security services' delegated administrators and auto-enable, the
// Config aggregator and the analyzers.
func (s *Server) registerBaselineServices() {
	s.registerStackSets()
	s.Register("cloudtrail", "GetTrail", HandlerFunc(s.getTrail))
	s.Register("cloudtrail", "UpdateTrail", HandlerFunc(s.updateTrail))
	s.registerSecurityAdmins()
	s.Register("configservice", "PutConfigurationAggregator", HandlerFunc(s.putAggregator))
	s.Register("accessanalyzer", "CreateAnalyzer", HandlerFunc(s.createAnalyzer))
}

// delegate records, as the services' own EnableOrganizationAdminAccount
// does, trusted access for principal and account as its delegated
// administrator. Only the management account may call it.
func (s *Server) delegate(req *Request, principal, account string) error {
	if req.Account() != s.ManagementAccount() {
		return Errorf("AccessDeniedException", "Only the organization's management account can designate a delegated administrator.")
	}
	return s.mutateOrg(func(o *org.Organization) error {
		if o.Account(account) == nil {
			return Errorf("BadRequestException", "The account %s is not a member of the organization.", account)
		}
		if !o.ServiceAccessEnabled(principal) {
			o.EnabledServicePrincipals = append(o.EnabledServicePrincipals, org.ServicePrincipal{ServicePrincipal: principal, DateEnabled: time.Now().UTC()})
		}
		for i := range o.DelegatedAdministrators {
			d := &o.DelegatedAdministrators[i]
			if d.AccountId == account {
				if !slices.Contains(d.ServicePrincipals, principal) {
					d.ServicePrincipals = append(d.ServicePrincipals, principal)
				}
				return nil
			}
		}
		o.DelegatedAdministrators = append(o.DelegatedAdministrators, org.DelegatedAdministrator{AccountId: account, ServicePrincipals: []string{principal}})
		return nil
	})
}

// delegatedFor reports whether account administers principal.
func (s *Server) delegatedFor(account, principal string) bool {
	for _, d := range s.Organization().DelegatedAdministrators {
		if d.AccountId == account && slices.Contains(d.ServicePrincipals, principal) {
			return true
		}
	}
	return false
}

// adminOf returns the region's administrator recorded by a service.
func (s *Server) adminOf(service, region string) string {
	raw, _, found, _ := s.lookup(s.ManagementAccount(), region, service, "orgrail:admin", "")
	if !found {
		return ""
	}
	return string(raw[1 : len(raw)-1])
}

// enableAdmin is the body of every service's EnableOrganizationAdminAccount.
func (s *Server) enableAdmin(req *Request, service, principal, account string, record func() error) error {
	if account == "" {
		return Errorf("ValidationException", "the administrator account id is required")
	}
	if cur := s.adminOf(service, req.Region); cur != "" && cur != account {
		return Errorf("BadRequestException", "The organization already has a delegated administrator, %s, in %s.", cur, req.Region)
	}
	if err := s.delegate(req, principal, account); err != nil {
		return err
	}
	if err := s.SetOutput(s.ManagementAccount(), req.Region, service, "orgrail:admin", "", account); err != nil {
		return err
	}
	return record()
}

// requireAdmin refuses an organization configuration call from an
// account that does not administer the service in the region.
func (s *Server) requireAdmin(req *Request, service string) error {
	if s.adminOf(service, req.Region) != req.Account() {
		return Errorf("BadRequestException", "The request is rejected because the account %s is not the delegated administrator of %s in %s.", req.Account(), service, req.Region)
	}
	return nil
}

func (s *Server) registerSecurityAdmins() {
	type adminIn struct{ AdminAccountId, DelegatedAdminAccountId string }
	s.Register("guardduty", "EnableOrganizationAdminAccount", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		var in adminIn
		if err := req.DecodeJSON(&in); err != nil {
			return nil, err
		}
		return &guardduty.EnableOrganizationAdminAccountOutput{}, s.enableAdmin(req, "guardduty", "guardduty.amazonaws.com", in.AdminAccountId, func() error {
			return modify(s, req.Account(), req.Region, "guardduty", "ListOrganizationAdminAccounts", "", func(out *guardduty.ListOrganizationAdminAccountsOutput) error {
				out.AdminAccounts = []gdt.AdminAccount{{AdminAccountId: aws.String(in.AdminAccountId), AdminStatus: gdt.AdminStatusEnabled}}
				return nil
			})
		})
	}))
	s.Register("securityhub", "EnableOrganizationAdminAccount", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		var in adminIn
		if err := req.DecodeJSON(&in); err != nil {
			return nil, err
		}
		return &securityhub.EnableOrganizationAdminAccountOutput{AdminAccountId: aws.String(in.AdminAccountId)},
			s.enableAdmin(req, "securityhub", "securityhub.amazonaws.com", in.AdminAccountId, func() error {
				return modify(s, req.Account(), req.Region, "securityhub", "ListOrganizationAdminAccounts", "", func(out *securityhub.ListOrganizationAdminAccountsOutput) error {
					out.AdminAccounts = []sht.AdminAccount{{AccountId: aws.String(in.AdminAccountId), Status: sht.AdminStatusEnabled}}
					return nil
				})
			})
	}))
	s.Register("inspector2", "EnableDelegatedAdminAccount", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		var in adminIn
		if err := req.DecodeJSON(&in); err != nil {
			return nil, err
		}
		return &inspector2.EnableDelegatedAdminAccountOutput{DelegatedAdminAccountId: aws.String(in.DelegatedAdminAccountId)},
			s.enableAdmin(req, "inspector2", "inspector2.amazonaws.com", in.DelegatedAdminAccountId, func() error { return nil })
	}))
	s.Register("inspector2", "ListDelegatedAdminAccounts", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		out := &inspector2.ListDelegatedAdminAccountsOutput{}
		if id := s.adminOf("inspector2", req.Region); id != "" {
			out.DelegatedAdminAccounts = []i2t.DelegatedAdminAccount{{AccountId: aws.String(id), Status: i2t.DelegatedAdminStatusEnabled}}
		}
		return out, nil
	}))
	s.Register("macie2", "EnableOrganizationAdminAccount", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		var in adminIn
		if err := req.DecodeJSON(&in); err != nil {
			return nil, err
		}
		return &macie2.EnableOrganizationAdminAccountOutput{}, s.enableAdmin(req, "macie2", "macie.amazonaws.com", in.AdminAccountId, func() error { return nil })
	}))
	s.Register("macie2", "ListOrganizationAdminAccounts", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		out := &macie2.ListOrganizationAdminAccountsOutput{}
		if id := s.adminOf("macie2", req.Region); id != "" {
			out.AdminAccounts = []m2t.AdminAccount{{AccountId: aws.String(id), Status: m2t.AdminStatusEnabled}}
		}
		return out, nil
	}))
	s.registerOrgConfigurations()
}

// orgConfig is a service's organization configuration as the server keeps it.
type orgConfig struct{ AutoEnable bool }

// setOrgConfig and getOrgConfig keep the configuration per service,
// administrator account and region.
func (s *Server) setOrgConfig(req *Request, service string, on bool) error {
	if err := s.requireAdmin(req, service); err != nil {
		return err
	}
	return s.SetOutput(req.Account(), req.Region, service, "orgrail:orgConfig", "", orgConfig{AutoEnable: on})
}

func (s *Server) getOrgConfig(req *Request, service string) (orgConfig, error) {
	if err := s.requireAdmin(req, service); err != nil {
		return orgConfig{}, err
	}
	raw, _, found, _ := s.lookup(req.Account(), req.Region, service, "orgrail:orgConfig", "")
	if !found {
		return orgConfig{}, nil
	}
	return *decodeAs[orgConfig](raw), nil
}

func (s *Server) registerOrgConfigurations() {
	type autoIn struct {
		AutoEnable                    any
		AutoEnableOrganizationMembers string
	}
	isOn := func(in autoIn) bool {
		switch v := in.AutoEnable.(type) {
		case bool:
			return v
		case map[string]any:
			return v["ec2"] == true || v["Ec2"] == true
		}
		return in.AutoEnableOrganizationMembers == "ALL" || in.AutoEnableOrganizationMembers == "NEW"
	}
	update := func(service string, out any) HandlerFunc {
		return func(_ context.Context, req *Request) (any, error) {
			var in autoIn
			if err := req.DecodeJSON(&in); err != nil {
				return nil, err
			}
			return out, s.setOrgConfig(req, service, isOn(in))
		}
	}
	s.Register("guardduty", "UpdateOrganizationConfiguration", update("guardduty", &guardduty.UpdateOrganizationConfigurationOutput{}))
	s.Register("securityhub", "UpdateOrganizationConfiguration", update("securityhub", &securityhub.UpdateOrganizationConfigurationOutput{}))
	s.Register("inspector2", "UpdateOrganizationConfiguration", update("inspector2", &inspector2.UpdateOrganizationConfigurationOutput{}))
	s.Register("macie2", "UpdateOrganizationConfiguration", update("macie2", &macie2.UpdateOrganizationConfigurationOutput{}))
	describe := func(service string, out func(on bool) any) HandlerFunc {
		return func(_ context.Context, req *Request) (any, error) {
			c, err := s.getOrgConfig(req, service)
			if err != nil {
				return nil, err
			}
			return out(c.AutoEnable), nil
		}
	}
	s.Register("guardduty", "DescribeOrganizationConfiguration", describe("guardduty", func(on bool) any {
		m := gdt.AutoEnableMembersNone
		if on {
			m = gdt.AutoEnableMembersAll
		}
		return &guardduty.DescribeOrganizationConfigurationOutput{AutoEnable: aws.Bool(on), AutoEnableOrganizationMembers: m}
	}))
	s.Register("securityhub", "DescribeOrganizationConfiguration", describe("securityhub", func(on bool) any {
		return &securityhub.DescribeOrganizationConfigurationOutput{AutoEnable: aws.Bool(on)}
	}))
	s.Register("inspector2", "DescribeOrganizationConfiguration", describe("inspector2", func(on bool) any {
		return &inspector2.DescribeOrganizationConfigurationOutput{AutoEnable: &i2t.AutoEnable{Ec2: aws.Bool(on), Ecr: aws.Bool(on), Lambda: aws.Bool(on)}}
	}))
	s.Register("macie2", "DescribeOrganizationConfiguration", describe("macie2", func(on bool) any {
		return &macie2.DescribeOrganizationConfigurationOutput{AutoEnable: aws.Bool(on)}
	}))
}

// putAggregator keeps an aggregator; an organization source needs the
// management account or the delegated administrator of AWS Config.
func (s *Server) putAggregator(_ context.Context, req *Request) (any, error) {
	var in struct {
		ConfigurationAggregatorName   string
		OrganizationAggregationSource *cst.OrganizationAggregationSource
	}
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.OrganizationAggregationSource != nil && req.Account() != s.ManagementAccount() && !s.delegatedFor(req.Account(), "config.amazonaws.com") {
		return nil, Errorf("OrganizationAccessDeniedException", "This action can only be performed if you are a registered delegated administrator for AWS Config with permissions to call ListDelegatedAdministrators API.")
	}
	arn := "arn:" + s.partition() + ":config:" + req.Region + ":" + req.Account() + ":config-aggregator/" + in.ConfigurationAggregatorName
	agg := cst.ConfigurationAggregator{ConfigurationAggregatorName: aws.String(in.ConfigurationAggregatorName), ConfigurationAggregatorArn: aws.String(arn),
		OrganizationAggregationSource: in.OrganizationAggregationSource, CreatedBy: aws.String(req.Account())}
	err := modify(s, req.Account(), req.Region, "config", "DescribeConfigurationAggregators", "", func(out *configservice.DescribeConfigurationAggregatorsOutput) error {
		for i, a := range out.ConfigurationAggregators {
			if aws.ToString(a.ConfigurationAggregatorName) == in.ConfigurationAggregatorName {
				out.ConfigurationAggregators[i] = agg
				return nil
			}
		}
		out.ConfigurationAggregators = append(out.ConfigurationAggregators, agg)
		return nil
	})
	return &configservice.PutConfigurationAggregatorOutput{ConfigurationAggregator: &agg}, err
}

// createAnalyzer keeps an analyzer; organization analyzers need the
// management account or the delegated administrator of Access Analyzer.
func (s *Server) createAnalyzer(_ context.Context, req *Request) (any, error) {
	var in struct{ AnalyzerName, Type string }
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	org := in.Type == string(aat.TypeOrganization) || in.Type == string(aat.TypeOrganizationUnusedAccess)
	if org && req.Account() != s.ManagementAccount() && !s.delegatedFor(req.Account(), "access-analyzer.amazonaws.com") {
		return nil, Errorf("AccessDeniedException", "You must be the management account or a delegated administrator to create an organization analyzer.")
	}
	arn := "arn:" + s.partition() + ":access-analyzer:" + req.Region + ":" + req.Account() + ":analyzer/" + in.AnalyzerName
	err := modify(s, req.Account(), req.Region, "accessanalyzer", "ListAnalyzers", "", func(out *accessanalyzer.ListAnalyzersOutput) error {
		for _, a := range out.Analyzers {
			if aws.ToString(a.Name) == in.AnalyzerName {
				return Errorf("ConflictException", "Analyzer %s already exists", in.AnalyzerName)
			}
		}
		now := time.Now().UTC()
		out.Analyzers = append(out.Analyzers, aat.AnalyzerSummary{Name: aws.String(in.AnalyzerName), Arn: aws.String(arn), Type: aat.Type(in.Type),
			Status: aat.AnalyzerStatusActive, CreatedAt: &now})
		return nil
	})
	return &accessanalyzer.CreateAnalyzerOutput{Arn: aws.String(arn)}, err
}

// getTrail finds a trail by name or ARN among the region's trails.
func (s *Server) getTrail(_ context.Context, req *Request) (any, error) {
	name := req.Param("Name")
	var out *cloudtrail.GetTrailOutput
	err := modify(s, req.Account(), req.Region, "cloudtrail", "DescribeTrails", "", func(d *cloudtrail.DescribeTrailsOutput) error {
		for _, t := range d.TrailList {
			if aws.ToString(t.Name) == name || aws.ToString(t.TrailARN) == name {
				out = &cloudtrail.GetTrailOutput{Trail: &t}
				return nil
			}
		}
		return Errorf("TrailNotFoundException", "Unknown trail: %s for the user: %s", name, req.Account())
	})
	return out, err
}

// updateTrail changes the settings a baseline sets on a trail.
func (s *Server) updateTrail(_ context.Context, req *Request) (any, error) {
	var in struct {
		Name, S3BucketName, KmsKeyId                                                                 *string
		IsMultiRegionTrail, IsOrganizationTrail, IncludeGlobalServiceEvents, EnableLogFileValidation *bool
	}
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	var out *cloudtrail.UpdateTrailOutput
	err := modify(s, req.Account(), req.Region, "cloudtrail", "DescribeTrails", "", func(d *cloudtrail.DescribeTrailsOutput) error {
		for i := range d.TrailList {
			t := &d.TrailList[i]
			if aws.ToString(t.Name) != aws.ToString(in.Name) && aws.ToString(t.TrailARN) != aws.ToString(in.Name) {
				continue
			}
			set := func(dst **string, v *string) {
				if v != nil {
					*dst = v
				}
			}
			setB := func(dst **bool, v *bool) {
				if v != nil {
					*dst = v
				}
			}
			set(&t.S3BucketName, in.S3BucketName)
			set(&t.KmsKeyId, in.KmsKeyId)
			setB(&t.IsMultiRegionTrail, in.IsMultiRegionTrail)
			setB(&t.IsOrganizationTrail, in.IsOrganizationTrail)
			setB(&t.IncludeGlobalServiceEvents, in.IncludeGlobalServiceEvents)
			setB(&t.LogFileValidationEnabled, in.EnableLogFileValidation)
			out = &cloudtrail.UpdateTrailOutput{Name: t.Name, TrailARN: t.TrailARN, S3BucketName: t.S3BucketName, KmsKeyId: t.KmsKeyId,
				IsOrganizationTrail: t.IsOrganizationTrail, IsMultiRegionTrail: t.IsMultiRegionTrail, LogFileValidationEnabled: t.LogFileValidationEnabled}
			return nil
		}
		return Errorf("TrailNotFoundException", "Unknown trail: %s for the user: %s", aws.ToString(in.Name), req.Account())
	})
	return out, err
}
