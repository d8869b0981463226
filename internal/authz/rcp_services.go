package authz

import "github.com/orgrail/orgrail/internal/policy/awsdata"

// RCPServices returns the service prefixes that resource control
// policies apply to, from the embedded AWS service authorization table
// (internal/policy/awsdata, generated from a public dataset, since AWS
// keeps adding services).
func RCPServices() []string {
	return awsdata.RCPServices()
}
