package authz_test

import (
	"fmt"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/policy"
)

// An SCP at an OU without an allow for the service implicitly denies the
// request, whatever the identity policy says.
func ExampleEngine_Evaluate() {
	eng := authz.New()
	caller, _ := authz.ParsePrincipal("arn:aws:sts::111111111111:assumed-role/app/session", "")
	in := &authz.Input{
		Principal: caller,
		Action:    "s3:GetObject",
		Resource:  "arn:aws:s3:::reports/2026.csv",
		Identity: []authz.Named{{ID: "app-s3", Policy: policy.MustCompile("app-s3",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`)}},
		SCPs: []authz.Level{
			{ID: "r-root", Policies: []authz.Named{{ID: "FullAWSAccess", Policy: policy.MustCompile("FullAWSAccess",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}},
			{ID: "ou-sandbox", Policies: []authz.Named{{ID: "ec2-only", Policy: policy.MustCompile("ec2-only",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`)}}},
		},
	}
	res := eng.Evaluate(in, false)
	fmt.Println(res.Decision, res.MissingAllow, res.Level)
	// Output: ImplicitlyDenied scp ou-sandbox
}
