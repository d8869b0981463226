package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// NewCredentials returns the per-account credentials collect uses (the
// starting identity in its own account, the role of opts assumed in the
// others, through the role chain if any), for commands that act in every
// account, such as the Security Hub import of audit.
func NewCredentials(ctx context.Context, base aws.Config, opts Options) (*Credentials, error) {
	o := opts
	return newCredentials(ctx, base, &o)
}
