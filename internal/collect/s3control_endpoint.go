package collect

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// S3ControlEndpointAsGiven makes an S3 Control client send its calls to
// the configured endpoint override as given. S3 Control's endpoint rules
// put the account id in front of the host (ACCOUNT.s3-control.…), which
// is right for AWS but names no host for an override such as
// http://127.0.0.1:PORT (a local test server or moto): there the account
// travels only in the x-amz-account-id header, which the client sends
// anyway. Without an override (cfg.BaseEndpoint nil) nothing changes.
func S3ControlEndpointAsGiven(cfg aws.Config) func(*s3control.Options) {
	return func(o *s3control.Options) {
		if cfg.BaseEndpoint == nil && o.BaseEndpoint == nil {
			return
		}
		next := o.EndpointResolverV2
		if next == nil {
			next = s3control.NewDefaultEndpointResolverV2()
		}
		o.EndpointResolverV2 = hostAsGiven{next: next}
	}
}

// hostAsGiven resolves S3 Control endpoints with the default rules, then
// takes the account prefix off the host when the endpoint was overridden.
type hostAsGiven struct{ next s3control.EndpointResolverV2 }

// ResolveEndpoint implements s3control.EndpointResolverV2.
func (r hostAsGiven) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	e, err := r.next.ResolveEndpoint(ctx, p)
	if err != nil || p.Endpoint == nil || p.AccountId == nil {
		return e, err
	}
	e.URI.Host = strings.TrimPrefix(e.URI.Host, *p.AccountId+".")
	return e, nil
}
