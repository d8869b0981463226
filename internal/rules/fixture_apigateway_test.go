package rules

// apiGatewayBaseline gives the region the API Gateway baseline.
func (f *fx) apiGatewayBaseline(a, r string) {}
