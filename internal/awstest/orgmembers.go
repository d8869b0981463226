package awstest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// What member accounts see of the organization's services: the
// organization trail in their DescribeTrails (with its status and event
// selectors), and, in an account the organization creates, the GuardDuty
// detector and Security Hub that the delegated administrator's
// auto-enable and central configuration give it.

func (s *Server) registerOrgMembers() {
	s.Register("cloudtrail", "DescribeTrails", HandlerFunc(s.describeTrailsWithOrg))
	for _, op := range []string{"GetTrailStatus", "GetEventSelectors"} {
		s.Register("cloudtrail", op, HandlerFunc(s.orgTrailRead))
	}
}

// orgTrails returns the management account's organization trails that
// a member account sees in region: multi-region ones everywhere, the
// others in their home region.
func (s *Server) orgTrails(region string) []cttypes.Trail {
	mgmt := s.ManagementAccount()
	var regions []string
	s.state.mu.RLock()
	for k := range s.state.outputs {
		if k.account == mgmt && k.service == "cloudtrail" && k.op == "DescribeTrails" {
			regions = append(regions, k.region)
		}
	}
	s.state.mu.RUnlock()
	sort.Strings(regions)
	var out []cttypes.Trail
	for _, r := range regions {
		raw, _, _, _ := s.lookup(mgmt, r, "cloudtrail", "DescribeTrails", "")
		for _, t := range decodeAs[cloudtrail.DescribeTrailsOutput](raw).TrailList {
			if !aws.ToBool(t.IsOrganizationTrail) || (r != region && !aws.ToBool(t.IsMultiRegionTrail)) {
				continue
			}
			if aws.ToString(t.HomeRegion) == "" {
				t.HomeRegion = aws.String(r)
			}
			out = append(out, t)
		}
	}
	return out
}

func (s *Server) describeTrailsWithOrg(ctx context.Context, req *Request) (any, error) {
	out, err := s.snapshotRead(ctx, req)
	if err != nil || req.Account() == s.ManagementAccount() {
		return out, err
	}
	org := s.orgTrails(req.Region)
	if len(org) == 0 {
		return out, nil
	}
	d, ok := out.(*cloudtrail.DescribeTrailsOutput)
	if !ok {
		return out, nil
	}
	cp := *d
	cp.TrailList = slices.Clone(d.TrailList)
	for _, t := range org {
		if !slices.ContainsFunc(cp.TrailList, func(x cttypes.Trail) bool { return aws.ToString(x.TrailARN) == aws.ToString(t.TrailARN) }) {
			cp.TrailList = append(cp.TrailList, t)
		}
	}
	return &cp, nil
}

// orgTrailRead answers GetTrailStatus and GetEventSelectors of the
// organization trail in a member account (or another region) from the
// management account's trail. A trail whose event selectors were never
// set has the default one (all management events), as AWS answers.
func (s *Server) orgTrailRead(ctx context.Context, req *Request) (any, error) {
	name := req.Param("Name")
	if name == "" {
		name = req.Param("TrailName")
	}
	parts := strings.Split(name, ":")
	if len(parts) < 6 || parts[4] != s.ManagementAccount() {
		return s.snapshotRead(ctx, req)
	}
	if req.Account() == parts[4] && req.Region == parts[3] {
		out, err := s.snapshotRead(ctx, req)
		if err != nil && req.Operation == "GetEventSelectors" && s.trailExists(parts[4], parts[3], name) {
			return defaultSelectors(name), nil
		}
		return out, err
	}
	for _, t := range s.orgTrails(req.Region) {
		if aws.ToString(t.TrailARN) != name {
			continue
		}
		raw, _, found, _ := s.lookup(parts[4], parts[3], "cloudtrail", req.Operation, name)
		if req.Operation == "GetTrailStatus" {
			return decodeAs[cloudtrail.GetTrailStatusOutput](raw), nil
		}
		if !found {
			return defaultSelectors(name), nil
		}
		return decodeAs[cloudtrail.GetEventSelectorsOutput](raw), nil
	}
	return s.snapshotRead(ctx, req)
}

func (s *Server) trailExists(account, region, arn string) bool {
	raw, _, _, _ := s.lookup(account, region, "cloudtrail", "DescribeTrails", "")
	return slices.ContainsFunc(decodeAs[cloudtrail.DescribeTrailsOutput](raw).TrailList, func(t cttypes.Trail) bool { return aws.ToString(t.TrailARN) == arn })
}

func defaultSelectors(arn string) *cloudtrail.GetEventSelectorsOutput {
	return &cloudtrail.GetEventSelectorsOutput{TrailARN: aws.String(arn), EventSelectors: []cttypes.EventSelector{{
		ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}}}
}

// autoEnableMember gives an account the organization created what the
// security services' delegated administrator turned on for new
// accounts: a GuardDuty detector where auto-enable is on, and Security
// Hub where a central configuration policy that enables it is
// associated with the account, one of its OUs or the root (in the
// policy's home region and the finding aggregator's linked regions).
func (s *Server) autoEnableMember(account string) error {
	type cfgKey struct{ admin, region, service string }
	var keys []cfgKey
	s.state.mu.RLock()
	for k := range s.state.outputs {
		if k.op == "orgrail:orgConfig" && (k.service == "guardduty" || k.service == "securityhub") {
			keys = append(keys, cfgKey{k.account, k.region, k.service})
		}
	}
	s.state.mu.RUnlock()
	sort.Slice(keys, func(i, j int) bool { return keys[i].region+keys[i].service < keys[j].region+keys[j].service })
	o := s.Organization()
	for _, k := range keys {
		raw, _, _, _ := s.lookup(k.admin, k.region, k.service, "orgrail:orgConfig", "")
		c := decodeAs[orgConfig](raw)
		switch {
		case k.service == "guardduty" && c.AutoEnable:
			if err := s.memberDetector(account, k.admin, k.region); err != nil {
				return err
			}
		case k.service == "securityhub" && c.Central:
			praw, _, _, _ := s.lookup(k.admin, k.region, "securityhub", "orgrail:configurationPolicies", "")
			var pols []hubPolicy
			_ = json.Unmarshal(praw, &pols)
			on := false
			for _, p := range pols {
				for _, t := range p.Targets {
					if p.ServiceEnabled && (t == account || slices.Contains(o.Path(account), t)) {
						on = true
					}
				}
			}
			if !on {
				continue
			}
			regions := []string{k.region}
			lraw, _, _, _ := s.lookup(k.admin, k.region, "securityhub", "orgrail:linkedRegions", "")
			var linked []string
			_ = json.Unmarshal(lraw, &linked)
			for _, r := range append(regions, linked...) {
				if err := s.memberHub(account, k.admin, r); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (s *Server) memberDetector(account, admin, region string) error {
	id := fmt.Sprintf("%032x", s.reqSeq.Add(1))
	made := false
	err := modify(s, account, region, "guardduty", "ListDetectors", "", func(out *guardduty.ListDetectorsOutput) error {
		if len(out.DetectorIds) == 0 {
			out.DetectorIds, made = []string{id}, true
		}
		return nil
	})
	if err != nil || !made {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	det := map[string]any{"Status": "ENABLED", "CreatedAt": now, "UpdatedAt": now,
		"ServiceRole": fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty", s.partition(), account)}
	if err := s.SetOutput(account, region, "guardduty", "GetDetector", id, det); err != nil {
		return err
	}
	return s.SetOutput(account, region, "guardduty", "GetAdministratorAccount", id, map[string]any{
		"Administrator": map[string]any{"AccountId": admin, "RelationshipStatus": "Enabled", "InvitedAt": now}})
}

func (s *Server) memberHub(account, admin, region string) error {
	now := time.Now().UTC().Format(time.RFC3339)
	err := modify(s, account, region, "securityhub", "DescribeHub", "", func(out *securityhub.DescribeHubOutput) error {
		if out.HubArn == nil {
			out.HubArn = aws.String(fmt.Sprintf("arn:%s:securityhub:%s:%s:hub/default", s.partition(), region, account))
			out.SubscribedAt, out.AutoEnableControls = aws.String(now), aws.Bool(true)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.SetOutput(account, region, "securityhub", "GetAdministratorAccount", "", map[string]any{
		"Administrator": map[string]any{"AccountId": admin, "MemberStatus": "Enabled", "InvitedAt": now}})
}
