package awstest

import (
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// DefaultAccessRole is the role AWS Organizations creates in an account
// it creates when CreateAccount names none.
const DefaultAccessRole = "OrganizationAccountAccessRole"

// defaultRegions are the Regions enabled by default in a new account
// (those whose opt-in status is opt-in-not-required), used when the
// management account's own DescribeRegions answer is not stored.
var defaultRegions = []string{
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// seedNewAccount gives an account that CreateAccount made what AWS gives
// one: the access role trusted by the management account with
// AdministratorAccess attached, the management account's Regions, and a
// default VPC in every enabled Region.
func (s *Server) seedNewAccount(account, role string) error {
	if role == "" {
		role = DefaultAccessRole
	}
	if err := s.seedAccessRole(account, role); err != nil {
		return err
	}
	regions, err := s.seedRegions(account)
	if err != nil {
		return err
	}
	for _, r := range regions {
		if err := s.seedDefaultVPC(account, r); err != nil {
			return fmt.Errorf("default VPC of %s in %s: %w", account, r, err)
		}
	}
	return nil
}

func (s *Server) seedAccessRole(account, role string) error {
	p := s.partition()
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:%s:iam::%s:root"},"Action":"sts:AssumeRole"}]}`,
		p, s.ManagementAccount())
	out := &iam.GetAccountAuthorizationDetailsOutput{RoleDetailList: []iamtypes.RoleDetail{{
		RoleName: aws.String(role), Arn: aws.String(fmt.Sprintf("arn:%s:iam::%s:role/%s", p, account, role)),
		RoleId: aws.String(fmt.Sprintf("AROA%016d", s.orgState.next())), Path: aws.String("/"),
		AssumeRolePolicyDocument: aws.String(url.QueryEscape(trust)),
		AttachedManagedPolicies: []iamtypes.AttachedPolicy{{PolicyName: aws.String("AdministratorAccess"),
			PolicyArn: aws.String("arn:" + p + ":iam::aws:policy/AdministratorAccess")}},
	}}}
	return s.SetOutput(account, snapshot.Global, "iam", "GetAccountAuthorizationDetails", "", out)
}

// seedRegions copies the management account's Regions to the new
// account and returns the enabled ones.
func (s *Server) seedRegions(account string) ([]string, error) {
	raw, _, _, err := s.lookup(s.ManagementAccount(), snapshot.Global, "ec2regions", "DescribeRegions", "")
	if err != nil {
		return nil, err
	}
	var out ec2.DescribeRegionsOutput
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, fmt.Errorf("stored DescribeRegions: %w", err)
		}
	}
	if len(out.Regions) == 0 {
		for _, r := range defaultRegions {
			out.Regions = append(out.Regions, ec2types.Region{RegionName: aws.String(r), OptInStatus: aws.String("opt-in-not-required"),
				Endpoint: aws.String("ec2." + r + ".amazonaws.com")})
		}
	}
	var enabled []string
	for _, r := range out.Regions {
		if st := aws.ToString(r.OptInStatus); st != "not-opted-in" {
			enabled = append(enabled, aws.ToString(r.RegionName))
		}
	}
	return enabled, s.SetOutput(account, snapshot.Global, "ec2regions", "DescribeRegions", "", &out)
}
