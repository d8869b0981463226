package notify

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// AWSOptions say how to reach AWS.
type AWSOptions struct {
	Profile string
	Region  string
	// Endpoint overrides every service's endpoint (a local test server).
	Endpoint string
}

// LoadAWS loads the default AWS configuration with the options applied.
func LoadAWS(ctx context.Context, o AWSOptions) (aws.Config, error) {
	var lo []func(*awsconfig.LoadOptions) error
	if o.Profile != "" {
		lo = append(lo, awsconfig.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		lo = append(lo, awsconfig.WithRegion(o.Region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return cfg, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if o.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(o.Endpoint)
	}
	return cfg, nil
}

// S3Objects reads objects with an S3 client.
type S3Objects struct {
	Client interface {
		GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	}
}

// OpenObject implements ObjectOpener.
func (s S3Objects) OpenObject(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	out, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	return out.Body, nil
}

// NewS3 returns an S3 client; with an endpoint override it uses
// path-style addressing, as local servers need.
func NewS3(cfg aws.Config, endpoint string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = endpoint != "" })
}

// ConfigDirectory names accounts from the landing-zone configuration
// and, for accounts it does not list, from an organization snapshot.
type ConfigDirectory struct {
	byID map[string][2]string
	Org  *org.Organization
}

// NewDirectory builds a Directory from a configuration (may be nil) and
// an organization (may be nil).
func NewDirectory(c *config.Config, o *org.Organization) *ConfigDirectory {
	d := &ConfigDirectory{byID: map[string][2]string{}, Org: o}
	if c != nil {
		for _, a := range c.Accounts {
			if a.ID != "" {
				d.byID[a.ID] = [2]string{a.Name, a.OU}
			}
		}
	}
	return d
}

// Lookup implements Directory.
func (d *ConfigDirectory) Lookup(account string) (string, string) {
	if v, ok := d.byID[account]; ok {
		return v[0], v[1]
	}
	if d.Org != nil && account != "" && d.Org.Account(account) != nil {
		return d.Org.Account(account).Name, d.Org.OUPath(account)
	}
	return "", ""
}
