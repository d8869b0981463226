package demo

import (
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigwv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
)

func renderAPIGateway(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "apigateway")
	f.put("GetRestApis", apigateway.GetRestApisOutput{Items: []apigwtypes.RestApi{}})
	return f
}

func renderAPIGatewayV2(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "apigatewayv2")
	f.put("GetApis", apigatewayv2.GetApisOutput{Items: []apigwv2types.Api{}})
	return f
}
