package awstest

import (
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// PutRole adds (or replaces) an IAM role in an account's data, trusted
// for sts:AssumeRole by one AWS principal (an account root ARN, a role
// ARN), so that tests can build role chains.
func (s *Server) PutRole(account, name, trustedPrincipal string) error {
	arn := "arn:" + s.partition() + ":iam::" + account + ":role/" + name
	doc := url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + trustedPrincipal + `"},"Action":"sts:AssumeRole"}]}`)
	return modify(s, account, snapshot.Global, "iam", "GetAccountAuthorizationDetails", "", func(out *iam.GetAccountAuthorizationDetailsOutput) error {
		for i, r := range out.RoleDetailList {
			if aws.ToString(r.RoleName) == name {
				out.RoleDetailList = append(out.RoleDetailList[:i], out.RoleDetailList[i+1:]...)
				break
			}
		}
		out.RoleDetailList = append(out.RoleDetailList, iamtypes.RoleDetail{RoleName: aws.String(name), Arn: aws.String(arn),
			AssumeRolePolicyDocument: aws.String(doc), Path: aws.String("/")})
		return nil
	})
}
