package rules

import (
	"strings"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// iamcisBaseline makes the clean fixture pass the rules of
// rules_iamcis.go and rules_fsbpcis.go: a support role in every
// account, instance profiles, MFA delete on every bucket, S3 data events
// on the organization trail, delivery status logging on topics and a
// rotation schedule on secrets.
func (f *fx) iamcisBaseline() {
	for k, ff := range f.files {
		p := strings.SplitN(k, "/", 3)
		a, r, svc := p[0], p[1], p[2]
		switch svc {
		case "iam":
			d := ff.ops["GetAccountAuthorizationDetails"].(*iam.GetAccountAuthorizationDetailsOutput)
			d.RoleDetailList = append(d.RoleDetailList, iamtypes.RoleDetail{RoleName: awsv2.String("support"),
				Arn: awsv2.String("arn:aws:iam::" + a + ":role/support"), Path: awsv2.String("/"),
				AssumeRolePolicyDocument: awsv2.String(strings.ReplaceAll(auditTrust, acctA, a)),
				AttachedManagedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: awsv2.String("arn:aws:iam::aws:policy/AWSSupportAccess"),
					PolicyName: awsv2.String("AWSSupportAccess")}}})
		case "s3":
			for _, v := range ff.res["GetBucketVersioning"] {
				v.(*s3.GetBucketVersioningOutput).MFADelete = s3types.MFADeleteStatusEnabled
			}
		case "ec2":
			if di, ok := ff.ops["DescribeInstances"].(*ec2.DescribeInstancesOutput); ok {
				for i := range di.Reservations {
					for j := range di.Reservations[i].Instances {
						di.Reservations[i].Instances[j].IamInstanceProfile = &ec2types.IamInstanceProfile{
							Arn: awsv2.String("arn:aws:iam::" + a + ":instance-profile/app")}
					}
				}
			}
		case "cloudtrail":
			for _, v := range ff.res["GetEventSelectors"] {
				es := v.(*cloudtrail.GetEventSelectorsOutput)
				es.EventSelectors = append(es.EventSelectors, cttypes.EventSelector{IncludeManagementEvents: awsv2.Bool(false),
					ReadWriteType: cttypes.ReadWriteTypeAll,
					DataResources: []cttypes.DataResource{{Type: awsv2.String("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}}})
			}
		case "sns":
			for _, v := range ff.res["GetTopicAttributes"] {
				attrs := v.(*sns.GetTopicAttributesOutput).Attributes
				attrs["SQSFailureFeedbackRoleArn"] = "arn:aws:iam::" + a + ":role/sns-delivery-status"
			}
		case "secretsmanager":
			if ls, ok := ff.ops["ListSecrets"].(*secretsmanager.ListSecretsOutput); ok {
				for i := range ls.SecretList {
					ls.SecretList[i].RotationRules = &smtypes.RotationRulesType{AutomaticallyAfterDays: awsv2.Int64(30)}
				}
			}
		}
		_ = r
	}
}

// Accessors for the cases.

func supportRoleOf(f *fx, a string) *iamtypes.RoleDetail {
	d := op[iam.GetAccountAuthorizationDetailsOutput](f, a, "global", "iam", "GetAccountAuthorizationDetails")
	for i := range d.RoleDetailList {
		if awsv2.ToString(d.RoleDetailList[i].RoleName) == "support" {
			return &d.RoleDetailList[i]
		}
	}
	panic("no support role")
}

func dataBucketVersioning(f *fx) *s3.GetBucketVersioningOutput {
	return res[s3.GetBucketVersioningOutput](f, acctW, "global", "s3", "GetBucketVersioning", "data-"+acctW)
}

func orgTrailSelectors(f *fx, a string) *cloudtrail.GetEventSelectorsOutput {
	return res[cloudtrail.GetEventSelectorsOutput](f, a, region1, "cloudtrail", "GetEventSelectors", "arn:aws:cloudtrail:"+region1+":"+acctM+":trail/org-trail")
}

// setOrgTrailSelectors gives the organization trail these selectors in
// every account's copy.
func setOrgTrailSelectors(f *fx, es ...cttypes.EventSelector) {
	for _, a := range f.org.Accounts {
		orgTrailSelectors(f, a.Id).EventSelectors = append([]cttypes.EventSelector{{IncludeManagementEvents: awsv2.Bool(true),
			ReadWriteType: cttypes.ReadWriteTypeAll}}, es...)
	}
}

func workerInstance(f *fx) *ec2types.Instance {
	return &op[ec2.DescribeInstancesOutput](f, acctW, region1, "ec2", "DescribeInstances").Reservations[0].Instances[0]
}
