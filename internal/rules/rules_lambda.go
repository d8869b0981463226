package rules

import (
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// Security Hub's Lambda.3, judged from the VpcConfig ListFunctions returns.
func init() {
	register(
		&Rule{ID: "lambda.inside-vpc", Title: "Lambda functions are connected to a VPC", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: "AWS::Lambda::Function", Services: []string{"lambda"},
			Rationale:   "A function attached to a VPC reaches the network through its subnets and security groups, where flow logs and network controls apply.",
			Remediation: "Update the function configuration with --vpc-config SubnetIds=...,SecurityGroupIds=... (the execution role needs the ENI permissions of AWSLambdaVPCAccessExecutionRole).",
			Mappings:    findings.Mappings{ConfigRule: "LAMBDA_INSIDE_VPC", SecurityHub: "Lambda.3", NistCsf: "PR.IR"},
			check:       checkLambdaInsideVPC},
	)
}

func checkLambdaInsideVPC(c *Ctx) error {
	return eachFunction(c, func(f *lambdatypes.FunctionConfiguration, arn, name string) {
		// A function detached from its VPC keeps an empty VpcConfig.
		in := f.VpcConfig != nil && aws(f.VpcConfig.VpcId) != "" && len(f.VpcConfig.SubnetIds) > 0
		vpc := ""
		if in {
			vpc = aws(f.VpcConfig.VpcId)
		}
		c.Check(in, arn, "function "+name+" runs in "+vpc, "function "+name+" is not connected to a VPC")
	})
}
