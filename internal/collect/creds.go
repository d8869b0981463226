package collect

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Credentials hands out an aws.Config per account: the starting identity
// for its own account, an assumed role (optionally through a chain of
// roles) for the others. Credentials live in memory only; the SDK's
// CredentialsCache refreshes them before they expire, which keeps
// chained sessions (limited to one hour by AWS) alive through long runs.
type Credentials struct {
	base     aws.Config
	opts     *Options
	caller   string // account of the starting identity
	arn      string // ARN of the starting identity
	part     string // its partition
	mu       sync.Mutex
	chain    aws.CredentialsProvider // end of --role-chain, shared by all accounts
	accounts map[string]aws.Config
}

// NewCredentials checks the starting identity with sts
// GetCallerIdentity and returns the credentials that reach each account
// as opts says (RoleName, RoleARNTemplate, RoleChain, ExternalID,
// SessionName, Duration). Collection and remediation share it, so both
// reach accounts the same way.
func NewCredentials(ctx context.Context, base aws.Config, opts Options) (*Credentials, error) {
	return newCredentials(ctx, base, &opts)
}

func newCredentials(ctx context.Context, base aws.Config, opts *Options) (*Credentials, error) {
	c := &Credentials{base: base, opts: opts, accounts: map[string]aws.Config{}}
	id, err := sts.NewFromConfig(base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("sts GetCallerIdentity with the starting credentials: %w", err)
	}
	c.caller, c.arn = aws.ToString(id.Account), aws.ToString(id.Arn)
	c.part = "aws"
	if p := strings.SplitN(aws.ToString(id.Arn), ":", 3); len(p) == 3 && p[1] != "" {
		c.part = p[1]
	}
	if len(opts.RoleChain) > 0 {
		prov := base.Credentials
		for _, arn := range opts.RoleChain {
			prov = c.assume(base, prov, arn)
		}
		c.chain = prov
	}
	return c, nil
}

// Partition returns the partition of the starting identity.
func (c *Credentials) Partition() string { return c.part }

// Caller returns the account id of the starting identity.
func (c *Credentials) Caller() string { return c.caller }

// CallerARN returns the ARN of the starting identity.
func (c *Credentials) CallerARN() string { return c.arn }

func (c *Credentials) assume(base aws.Config, from aws.CredentialsProvider, roleARN string) aws.CredentialsProvider {
	cfg := base.Copy()
	cfg.Credentials = from
	client := sts.NewFromConfig(cfg)
	p := stscreds.NewAssumeRoleProvider(client, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = c.opts.sessionName()
		if c.opts.ExternalID != "" {
			o.ExternalID = aws.String(c.opts.ExternalID)
		}
		if d := c.opts.Duration; d > 0 {
			if len(c.opts.RoleChain) > 0 && d > time.Hour {
				d = time.Hour // AWS caps role-chained sessions at one hour
			}
			o.Duration = d
		}
	})
	return aws.NewCredentialsCache(p, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = 5 * time.Minute
	})
}

// RoleARN returns the role assumed in account, from --role-arn-template
// or --role-name.
func (o *Options) RoleARN(partition, account string) string {
	if o.RoleARNTemplate != "" {
		return strings.ReplaceAll(o.RoleARNTemplate, "{account}", account)
	}
	name := o.RoleName
	if name == "" {
		name = "OrganizationAccountAccessRole"
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, name)
}

func (o *Options) sessionName() string {
	if o.SessionName != "" {
		return o.SessionName
	}
	return "orgrail-collect"
}

// For returns the aws.Config to use in account. The starting identity
// serves its own account when no role chain is given; every other
// account is reached by assuming the role, from the end of the chain.
func (c *Credentials) For(partition, account string) aws.Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cfg, ok := c.accounts[account]; ok {
		return cfg
	}
	cfg := c.base.Copy()
	switch {
	case account == c.caller && c.chain == nil && c.opts.RoleARNTemplate == "":
		// The starting identity in its own account.
	default:
		from := c.base.Credentials
		if c.chain != nil {
			from = c.chain
		}
		cfg.Credentials = c.assume(c.base, from, c.opts.RoleARN(partition, account))
	}
	c.accounts[account] = cfg
	return cfg
}
