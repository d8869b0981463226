package awstest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	sht "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// hubPolicy is a Security Hub configuration policy as the server keeps
// it. The server's serializer cannot write the policy document (a union
// the legacy tables do not describe), so GetConfigurationPolicy answers
// without it.
type hubPolicy struct {
	Id, Arn, Name, Description string
	ServiceEnabled             bool
	Standards                  []string
	Targets                    []string
	UpdatedAt                  time.Time
}

// hubPolicyIn is the JSON input of Create/UpdateConfigurationPolicy.
type hubPolicyIn struct {
	Identifier, Name, Description string
	ConfigurationPolicy           struct {
		SecurityHub *struct {
			ServiceEnabled             bool
			EnabledStandardIdentifiers []string
		}
	}
}

// registerSecurityHubCentral installs central configuration: finding
// aggregator and configuration policies, from the delegated
// administrator only.
func (s *Server) registerSecurityHubCentral() {
	s.Register("securityhub", "CreateFindingAggregator", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		if err := s.requireAdmin(req, "securityhub"); err != nil {
			return nil, err
		}
		var in struct {
			RegionLinkingMode string
			Regions           []string
		}
		if err := req.DecodeJSON(&in); err != nil {
			return nil, err
		}
		arn := fmt.Sprintf("arn:%s:securityhub:%s:%s:finding-aggregator/%08x", s.partition(), req.Region, req.Account(), s.reqSeq.Add(1))
		err := modify(s, req.Account(), req.Region, "securityhub", "orgrail:findingAggregator", "", func(cur *string) error {
			if *cur != "" {
				return Errorf("ResourceConflictException", "a finding aggregator already exists: %s", *cur)
			}
			*cur = arn
			return nil
		})
		if err == nil {
			err = s.SetOutput(req.Account(), req.Region, "securityhub", "orgrail:linkedRegions", "", in.Regions)
		}
		return &securityhub.CreateFindingAggregatorOutput{FindingAggregatorArn: aws.String(arn), FindingAggregationRegion: aws.String(req.Region),
			RegionLinkingMode: aws.String(in.RegionLinkingMode), Regions: in.Regions}, err
	}))
	s.Register("securityhub", "CreateConfigurationPolicy", HandlerFunc(s.putHubPolicy(false)))
	s.Register("securityhub", "UpdateConfigurationPolicy", HandlerFunc(s.putHubPolicy(true)))
	s.Register("securityhub", "ListConfigurationPolicies", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		if err := s.requireAdmin(req, "securityhub"); err != nil {
			return nil, err
		}
		out := &securityhub.ListConfigurationPoliciesOutput{ConfigurationPolicySummaries: []sht.ConfigurationPolicySummary{}}
		for _, p := range s.hubPolicies(req) {
			out.ConfigurationPolicySummaries = append(out.ConfigurationPolicySummaries, sht.ConfigurationPolicySummary{Id: aws.String(p.Id), Arn: aws.String(p.Arn),
				Name: aws.String(p.Name), ServiceEnabled: aws.Bool(p.ServiceEnabled), UpdatedAt: aws.Time(p.UpdatedAt)})
		}
		return out, nil
	}))
	s.Register("securityhub", "GetConfigurationPolicy", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		if err := s.requireAdmin(req, "securityhub"); err != nil {
			return nil, err
		}
		id := req.Param("Identifier")
		for _, p := range s.hubPolicies(req) {
			if p.Id == id || p.Arn == id {
				return &securityhub.GetConfigurationPolicyOutput{Id: aws.String(p.Id), Arn: aws.String(p.Arn), Name: aws.String(p.Name),
					Description: aws.String(p.Description), UpdatedAt: aws.Time(p.UpdatedAt),
					ConfigurationPolicy: &sht.PolicyMemberSecurityHub{Value: sht.SecurityHubPolicy{ServiceEnabled: aws.Bool(p.ServiceEnabled),
						EnabledStandardIdentifiers: p.Standards}}}, nil
			}
		}
		return nil, Errorf("ResourceNotFoundException", "configuration policy %s not found", id)
	}))
	s.Register("securityhub", "StartConfigurationPolicyAssociation", HandlerFunc(s.associateHubPolicy))
}

// hubPolicies returns the configuration policies of the caller's region.
func (s *Server) hubPolicies(req *Request) []hubPolicy {
	raw, _, found, _ := s.lookup(req.Account(), req.Region, "securityhub", "orgrail:configurationPolicies", "")
	var out []hubPolicy
	if found {
		_ = json.Unmarshal(raw, &out)
	}
	return out
}

func (s *Server) putHubPolicy(update bool) HandlerFunc {
	return func(_ context.Context, req *Request) (any, error) {
		if err := s.requireAdmin(req, "securityhub"); err != nil {
			return nil, err
		}
		var in hubPolicyIn
		if err := req.DecodeJSON(&in); err != nil {
			return nil, err
		}
		if update {
			in.Identifier = req.Param("Identifier")
		}
		hub := in.ConfigurationPolicy.SecurityHub
		if hub == nil {
			return nil, Errorf("InvalidInputException", "ConfigurationPolicy.SecurityHub is required")
		}
		var p hubPolicy
		err := modify(s, req.Account(), req.Region, "securityhub", "orgrail:configurationPolicies", "", func(list *[]hubPolicy) error {
			for i := range *list {
				x := &(*list)[i]
				if !update && x.Name == in.Name {
					return Errorf("ResourceConflictException", "a configuration policy named %s already exists", in.Name)
				}
				if update && (x.Id == in.Identifier || x.Arn == in.Identifier) {
					x.ServiceEnabled, x.Standards, x.UpdatedAt = hub.ServiceEnabled, hub.EnabledStandardIdentifiers, time.Now().UTC()
					if in.Description != "" {
						x.Description = in.Description
					}
					p = *x
					return nil
				}
			}
			if update {
				return Errorf("ResourceNotFoundException", "configuration policy %s not found", in.Identifier)
			}
			id := fmt.Sprintf("%08x-0000-4000-8000-%012x", s.reqSeq.Add(1), s.reqSeq.Add(1))
			p = hubPolicy{Id: id, Arn: fmt.Sprintf("arn:%s:securityhub:%s:%s:configuration-policy/%s", s.partition(), req.Region, req.Account(), id),
				Name: in.Name, Description: in.Description, ServiceEnabled: hub.ServiceEnabled, Standards: hub.EnabledStandardIdentifiers, UpdatedAt: time.Now().UTC()}
			*list = append(*list, p)
			return nil
		})
		if err != nil {
			return nil, err
		}
		pol := &sht.PolicyMemberSecurityHub{Value: sht.SecurityHubPolicy{ServiceEnabled: aws.Bool(p.ServiceEnabled), EnabledStandardIdentifiers: p.Standards}}
		if update {
			return &securityhub.UpdateConfigurationPolicyOutput{Id: aws.String(p.Id), Arn: aws.String(p.Arn), Name: aws.String(p.Name), ConfigurationPolicy: pol}, nil
		}
		return &securityhub.CreateConfigurationPolicyOutput{Id: aws.String(p.Id), Arn: aws.String(p.Arn), Name: aws.String(p.Name), ConfigurationPolicy: pol}, nil
	}
}

// associateHubPolicy associates a policy with a target (root, OU or
// account): it needs central configuration.
func (s *Server) associateHubPolicy(_ context.Context, req *Request) (any, error) {
	if err := s.requireAdmin(req, "securityhub"); err != nil {
		return nil, err
	}
	var in struct {
		ConfigurationPolicyIdentifier string
		Target                        struct{ RootId, OrganizationalUnitId, AccountId string }
	}
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if c, _ := s.getOrgConfig(req, "securityhub"); !c.Central {
		return nil, Errorf("AccessDeniedException", "central configuration is not turned on")
	}
	target, kind := in.Target.RootId, sht.TargetTypeRoot
	switch {
	case in.Target.OrganizationalUnitId != "":
		target, kind = in.Target.OrganizationalUnitId, sht.TargetTypeOrganizationalUnit
	case in.Target.AccountId != "":
		target, kind = in.Target.AccountId, sht.TargetTypeAccount
	}
	var id string
	err := modify(s, req.Account(), req.Region, "securityhub", "orgrail:configurationPolicies", "", func(list *[]hubPolicy) error {
		for i := range *list {
			x := &(*list)[i]
			if x.Id == in.ConfigurationPolicyIdentifier || x.Arn == in.ConfigurationPolicyIdentifier {
				id = x.Id
				if !contains(x.Targets, target) {
					x.Targets = append(x.Targets, target)
				}
				return nil
			}
		}
		return Errorf("ResourceNotFoundException", "configuration policy %s not found", in.ConfigurationPolicyIdentifier)
	})
	return &securityhub.StartConfigurationPolicyAssociationOutput{ConfigurationPolicyId: aws.String(id), TargetId: aws.String(target), TargetType: kind,
		AssociationStatus: sht.ConfigurationPolicyAssociationStatusSuccess, AssociationType: sht.AssociationTypeApplied, UpdatedAt: aws.Time(time.Now().UTC())}, err
}
