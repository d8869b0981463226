package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// Sentences of the AWS Config page of LAMBDA_INSIDE_VPC (Lambda.3).
const (
	qLambdaVPC    = "Checks if a Lambda function is allowed access to a virtual private cloud (VPC)."
	qLambdaVPCNot = "The rule is NON_COMPLIANT if the Lambda function is not VPC enabled."
)

// fn1 is the clean fixture's function in acctW's home region.
func fn1(f *fx) *lambdatypes.FunctionConfiguration {
	return &op[lambda.ListFunctionsOutput](f, acctW, region1, "lambda", "ListFunctions").Functions[0]
}

func init() {
	doc := cfgDoc("lambda-inside-vpc")
	failCases["lambda.inside-vpc"] = func(f *fx) { fn1(f).VpcConfig = nil }
	addDocCases(
		docCase{Rule: "lambda.inside-vpc", Source: doc, Quote: qLambdaVPC, Name: "function with subnets and security groups", Want: findings.Passed},
		docCase{Rule: "lambda.inside-vpc", Source: doc, Quote: qLambdaVPCNot, Name: "function without VpcConfig",
			Mutate: func(f *fx) { fn1(f).VpcConfig = nil }, Want: findings.Failed},
		docCase{Rule: "lambda.inside-vpc", Source: doc, Quote: qLambdaVPCNot, Name: "function detached from its VPC (empty VpcConfig)",
			Mutate: func(f *fx) {
				fn1(f).VpcConfig = &lambdatypes.VpcConfigResponse{VpcId: awsv2.String(""), SubnetIds: []string{}}
			}, Want: findings.Failed},
	)
}
