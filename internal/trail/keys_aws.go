package trail

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

// CloudTrailKeys is a KeyProvider that asks CloudTrail's ListPublicKeys
// in each digest's region, caching the answer per region.
type CloudTrailKeys struct {
	// Profile is the shared-config profile ("" for the default chain).
	Profile string
	// Endpoint overrides the CloudTrail endpoint (tests).
	Endpoint string

	mu    sync.Mutex
	cache map[string]*KeySet
}

// Keys lists the region's public keys valid in [start, end]. One call per
// region is made, for a window wide enough to cover the archive (the keys
// are few).
func (c *CloudTrailKeys) Keys(ctx context.Context, region string, start, end time.Time) (*KeySet, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ks, ok := c.cache[region]; ok {
		return ks, nil
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(region)}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	client := cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) {
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
	})
	ks := &KeySet{}
	// ListPublicKeys defaults to the last 30 days; ask for the span from
	// a year before the digest to now, which covers key rotation.
	in := &cloudtrail.ListPublicKeysInput{StartTime: aws.Time(start.AddDate(-1, 0, 0)), EndTime: aws.Time(time.Now())}
	for {
		out, err := client.ListPublicKeys(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("cloudtrail ListPublicKeys in %s: %w", region, err)
		}
		for _, k := range out.PublicKeyList {
			key, err := parseRSAPublicKey(k.Value)
			if err != nil {
				return nil, fmt.Errorf("cloudtrail ListPublicKeys in %s: %w", region, err)
			}
			ks.Keys = append(ks.Keys, PublicKey{Fingerprint: aws.ToString(k.Fingerprint), Key: key,
				Start: aws.ToTime(k.ValidityStartTime), End: aws.ToTime(k.ValidityEndTime)})
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if c.cache == nil {
		c.cache = map[string]*KeySet{}
	}
	c.cache[region] = ks
	return ks, nil
}
