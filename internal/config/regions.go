package config

import "slices"

// Partitions maps each AWS partition to its region names. The table
// follows the partition metadata shipped with aws-sdk-go-v2 and must be
// extended when AWS opens a region.
var Partitions = map[string][]string{
	"aws": {
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
		"eu-west-3", "il-central-1", "me-central-1", "me-south-1", "me-west-1", "mx-central-1",
		"sa-east-1", "sa-west-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-eusc":   {"eusc-de-east-1"},
	"aws-iso":    {"us-iso-east-1", "us-iso-west-1"},
	"aws-iso-b":  {"us-isob-east-1", "us-isob-west-1"},
	"aws-iso-e":  {"eu-isoe-west-1"},
	"aws-iso-f":  {"us-isof-east-1", "us-isof-south-1"},
}

// Regions returns every known region name, sorted.
func Regions() []string {
	var all []string
	for _, rs := range Partitions {
		all = append(all, rs...)
	}
	slices.Sort(all)
	return all
}

// PartitionOf returns the partition a region belongs to, or "" when the
// region is unknown.
func PartitionOf(region string) string {
	for p, rs := range Partitions {
		if slices.Contains(rs, region) {
			return p
		}
	}
	return ""
}

// ValidRegion reports whether region is a real AWS region name.
func ValidRegion(region string) bool {
	return PartitionOf(region) != ""
}

// PolicyTypes lists the policy types AWS Organizations has, as AWS
// spells them. A type missing here is still accepted (with a warning) if
// it has the shape of one, so a new AWS type needs no code change.
var PolicyTypes = []string{
	"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "DECLARATIVE_POLICY_EC2",
	"TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY", "CHATBOT_POLICY",
	"SECURITYHUB_POLICY", "INSPECTOR_POLICY", "UPGRADE_ROLLOUT_POLICY", "BEDROCK_POLICY",
	"S3_POLICY", "NETWORK_SECURITY_DIRECTOR_POLICY", "GUARDDUTY_POLICY",
}

// The policy types with a per-target attachment limit and size limit
// that validation checks.
const (
	TypeSCP = "SERVICE_CONTROL_POLICY"
	TypeRCP = "RESOURCE_CONTROL_POLICY"
)

// cloudWatchRetention lists the retention periods CloudWatch Logs accepts.
var cloudWatchRetention = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
