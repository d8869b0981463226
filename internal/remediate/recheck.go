package remediate

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// recheck describes a step's resource again: the step to make (nil when
// nothing is left to do), why it differs from the plan, or an error when
// the resource could not be read.
type recheck func(ctx context.Context, cfg aws.Config, s Step) (*Step, string, error)

// rechecks holds a live read per operation. Steps without one
// (UpdateAccountPasswordPolicy, CreateMembers) set a value whatever the
// current one is, and are made as planned.
var rechecks = map[string]recheck{
	"ec2:RevokeSecurityGroupIngress":           recheckSG(false),
	"ec2:RevokeSecurityGroupEgress":            recheckSG(true),
	"ec2:EnableEbsEncryptionByDefault":         recheckEBS,
	"s3control:PutPublicAccessBlock":           recheckPAB,
	"cloudtrail:StartLogging":                  recheckTrail,
	"guardduty:CreateDetector":                 recheckNoDetector,
	"guardduty:UpdateDetector":                 recheckDetector,
	"securityhub:EnableSecurityHub":            recheckHub,
	"configservice:StartConfigurationRecorder": recheckRecorder,
}

func recheckEBS(ctx context.Context, cfg aws.Config, s Step) (*Step, string, error) {
	out, err := ec2.NewFromConfig(cfg).GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	if err != nil {
		return nil, "", err
	}
	if aws.ToBool(out.EbsEncryptionByDefault) {
		return nil, "EBS encryption by default is already enabled", nil
	}
	return &s, "", nil
}

func recheckPAB(ctx context.Context, cfg aws.Config, s Step) (*Step, string, error) {
	out, err := s3control.NewFromConfig(cfg).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(s.Account)})
	if err != nil {
		if code(err) == "NoSuchPublicAccessBlockConfiguration" {
			return &s, "", nil
		}
		return nil, "", err
	}
	if c := out.PublicAccessBlockConfiguration; c != nil && aws.ToBool(c.BlockPublicAcls) && aws.ToBool(c.IgnorePublicAcls) &&
		aws.ToBool(c.BlockPublicPolicy) && aws.ToBool(c.RestrictPublicBuckets) {
		return nil, "all four S3 Block Public Access settings are already on", nil
	}
	return &s, "", nil
}

func recheckTrail(ctx context.Context, cfg aws.Config, s Step) (*Step, string, error) {
	name, _ := s.Params["Name"].(string)
	out, err := cloudtrail.NewFromConfig(cfg).GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(name)})
	if err != nil {
		return nil, "", err
	}
	if aws.ToBool(out.IsLogging) {
		return nil, "the trail is already logging", nil
	}
	return &s, "", nil
}

func recheckNoDetector(ctx context.Context, cfg aws.Config, s Step) (*Step, string, error) {
	out, err := guardduty.NewFromConfig(cfg).ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil {
		return nil, "", err
	}
	if len(out.DetectorIds) > 0 {
		return nil, "a GuardDuty detector exists now (" + out.DetectorIds[0] + "): left alone", nil
	}
	return &s, "", nil
}

func recheckDetector(ctx context.Context, cfg aws.Config, s Step) (*Step, string, error) {
	id, _ := s.Params["DetectorId"].(string)
	out, err := guardduty.NewFromConfig(cfg).GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
	if err != nil {
		return nil, "", err
	}
	if out.Status == gdtypes.DetectorStatusEnabled {
		return nil, "the detector is already enabled", nil
	}
	return &s, "", nil
}

func recheckHub(ctx context.Context, cfg aws.Config, s Step) (*Step, string, error) {
	_, err := securityhub.NewFromConfig(cfg).DescribeHub(ctx, &securityhub.DescribeHubInput{})
	switch code(err) {
	case "":
		return nil, "Security Hub is already enabled", nil
	case "InvalidAccessException", "ResourceNotFoundException":
		return &s, "", nil
	}
	return nil, "", err
}

func recheckRecorder(ctx context.Context, cfg aws.Config, s Step) (*Step, string, error) {
	name, _ := s.Params["ConfigurationRecorderName"].(string)
	out, err := configservice.NewFromConfig(cfg).DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	if err != nil {
		return nil, "", err
	}
	for _, r := range out.ConfigurationRecordersStatus {
		if aws.ToString(r.Name) == name && r.Recording {
			return nil, "the recorder " + name + " is already recording", nil
		}
	}
	return &s, "", nil
}

// recheckSG keeps, of the rules planned for revocation, those the group
// still has live; rules already gone are reported, rules added since the
// snapshot are left alone (and reported).
func recheckSG(egress bool) recheck {
	return func(ctx context.Context, cfg aws.Config, s Step) (*Step, string, error) {
		var in ec2.RevokeSecurityGroupIngressInput
		if err := decode(s.Params, &in); err != nil {
			return nil, "", err
		}
		id := aws.ToString(in.GroupId)
		out, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
		if err != nil {
			if code(err) == "InvalidGroup.NotFound" {
				return nil, "the security group " + id + " no longer exists", nil
			}
			return nil, "", err
		}
		var live []ec2types.IpPermission
		found := false
		for _, g := range out.SecurityGroups {
			if aws.ToString(g.GroupId) == id {
				found = true
				live = g.IpPermissions
				if egress {
					live = g.IpPermissionsEgress
				}
			}
		}
		if !found {
			return nil, "the security group " + id + " no longer exists", nil
		}
		keep, planned, extra := intersectRules(in.IpPermissions, live)
		if len(keep) == 0 {
			return nil, "the rules are already revoked", nil
		}
		why := ""
		if n := countRules(keep); n < planned {
			why = fmt.Sprintf("%d of %d rules are already revoked; revoking the other %d", planned-n, planned, n)
		}
		if extra > 0 {
			if why != "" {
				why += "; "
			}
			why += strconv.Itoa(extra) + " rules added since the snapshot are left alone"
		}
		next := s
		next.Params = map[string]any{"GroupId": id, "IpPermissions": keep}
		return &next, why, nil
	}
}
