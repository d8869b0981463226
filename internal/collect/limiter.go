package collect

import (
	"context"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Rate is a token bucket: PerSecond tokens are added every second up to
// Burst. Each API call (each attempt, retries included) takes one.
type Rate struct {
	PerSecond float64 `json:"perSecond"`
	Burst     int     `json:"burst"`
}

// DefaultRates are the collector's per-service request rates, per
// account and region (global services: per account). They stay at or
// below the quotas AWS documents for these read operations (EC2's
// non-mutating request bucket refills 20/s with a burst of 100; Security
// Hub's GetEnabledStandards allows 3/s with a burst of 6; IAM and the
// Organizations API throttle near 10-20/s per account), so a collection
// leaves room for the account's own tooling. Keys are aws-sdk-go-v2
// package names. Options.Rates overrides them; unknown services get
// defaultRate.
var DefaultRates = map[string]Rate{
	"ec2":                    {20, 100},
	"iam":                    {15, 30},
	"sts":                    {20, 40},
	"organizations":          {10, 20},
	"s3":                     {50, 100},
	"s3control":              {10, 20},
	"account":                {5, 10},
	"cloudtrail":             {5, 10},
	"configservice":          {5, 10},
	"guardduty":              {10, 20},
	"securityhub":            {3, 6},
	"accessanalyzer":         {10, 20},
	"kms":                    {50, 100},
	"rds":                    {20, 40},
	"lambda":                 {10, 20},
	"sqs":                    {50, 100},
	"sns":                    {20, 40},
	"secretsmanager":         {20, 40},
	"ssoadmin":               {20, 40},
	"identitystore":          {20, 40},
	"ecr":                    {10, 20},
	"elasticloadbalancingv2": {10, 20},
	"elasticloadbalancing":   {10, 20},
	"acm":                    {10, 20},
	"cloudwatchlogs":         {5, 10},
	"cloudwatch":             {9, 18},
	"redshift":               {10, 20},
	"opensearch":             {5, 10},
	"apigateway":             {5, 10},
	"apigatewayv2":           {5, 10},
	"autoscaling":            {10, 20},
	"dynamodb":               {20, 40},
	"applicationautoscaling": {5, 10},
	"dax":                    {5, 10},
	"elasticache":            {10, 20},
	"ssm":                    {10, 20},
	"cloudformation":         {5, 10},
	"kinesis":                {5, 10},
	"emr":                    {5, 10},
	"sagemaker":              {5, 10},
	"elasticbeanstalk":       {5, 10},
	"ecs":                    {20, 40},
	"efs":                    {10, 20},
	"eks":                    {10, 20},
	"codebuild":              {10, 20},
	"cloudfront":             {5, 10},
	"wafv2":                  {5, 10},
	"waf":                    {5, 10},
	"wafregional":            {5, 10},
	// AWS Backup: no documented quota for the plan and selection reads;
	// a gentle pace, as for the other control-plane reads.
	"backup": {5, 10},
	// AWS DMS: no documented per-operation quota for Describe calls; the
	// default pace.
	"databasemigrationservice": {10, 20},
	"networkfirewall":          {5, 10},
	"macie2":                   {10, 20},
}

var defaultRate = Rate{10, 20}

// limits holds one adaptive token bucket per account, region and
// service.
type limits struct {
	rates   map[string]Rate
	mu      sync.Mutex
	buckets map[bucketKey]*bucket
}

type bucketKey struct{ account, region, service string }

func newLimits(override map[string]Rate) *limits {
	rates := map[string]Rate{}
	for k, v := range DefaultRates {
		rates[k] = v
	}
	for k, v := range override {
		rates[k] = v
	}
	return &limits{rates: rates, buckets: map[bucketKey]*bucket{}}
}

func (l *limits) bucket(account, region, service string) *bucket {
	k := bucketKey{account, region, service}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[k]
	if b == nil {
		r, ok := l.rates[service]
		if !ok {
			r = defaultRate
		}
		b = newBucket(r)
		l.buckets[k] = b
	}
	return b
}

// bucket is a token bucket whose rate halves when AWS throttles and
// creeps back to its ceiling as calls succeed (additive increase,
// multiplicative decrease), so a collection settles just below what an
// account actually allows.
type bucket struct {
	mu      sync.Mutex
	ceiling float64
	rate    float64
	burst   float64
	tokens  float64
	last    time.Time
}

func newBucket(r Rate) *bucket {
	if r.PerSecond <= 0 {
		r.PerSecond = defaultRate.PerSecond
	}
	if r.Burst <= 0 {
		r.Burst = 1
	}
	return &bucket{ceiling: r.PerSecond, rate: r.PerSecond, burst: float64(r.Burst), tokens: float64(r.Burst), last: time.Now()}
}

// wait takes a token, sleeping until one is available or ctx ends.
func (b *bucket) wait(ctx context.Context) error {
	b.mu.Lock()
	now := time.Now()
	b.tokens += now.Sub(b.last).Seconds() * b.rate
	if b.tokens > b.burst {
		b.tokens = b.burst
	}
	b.last = now
	b.tokens--
	var d time.Duration
	if b.tokens < 0 {
		d = time.Duration(-b.tokens / b.rate * float64(time.Second))
	}
	b.mu.Unlock()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// throttled halves the rate (not below a tenth of the ceiling).
func (b *bucket) throttled() {
	b.mu.Lock()
	b.rate = max(b.rate/2, b.ceiling/10)
	b.mu.Unlock()
}

// succeeded raises the rate by a fiftieth of the ceiling.
func (b *bucket) succeeded() {
	b.mu.Lock()
	if b.rate < b.ceiling {
		b.rate = min(b.ceiling, b.rate+b.ceiling/50)
	}
	b.mu.Unlock()
}

type accountKey struct{}

// withAccount tags ctx with the account whose calls it carries, for the
// rate limits.
func withAccount(ctx context.Context, account string) context.Context {
	return context.WithValue(ctx, accountKey{}, account)
}

// serviceKey turns an SDK service id ("Config Service", "SSO Admin") into
// the package name the rates are keyed by ("configservice", "ssoadmin").
func serviceKey(id string) string {
	return strings.ToLower(strings.ReplaceAll(id, " ", ""))
}

// instrument is the middleware every collector client carries. It runs
// once per attempt, after the SDK's retry, credential and signing steps:
// it waits for the account's service bucket, then for a concurrency slot,
// sends the attempt, and counts calls and throttles. A throttled attempt
// slows its bucket; the SDK's retryer (adaptive mode from the CLI) then
// retries it.
func (r *run) instrument(st *middleware.Stack) error {
	return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("OrgrailCollectLimits",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			account, _ := ctx.Value(accountKey{}).(string)
			b := r.limits.bucket(account, awsmiddleware.GetRegion(ctx), serviceKey(awsmiddleware.GetServiceID(ctx)))
			if err := b.wait(ctx); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			if err := r.acquire(ctx); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			actx, cancel := context.WithTimeout(ctx, r.opts.CallTimeout)
			out, md, err := next.HandleFinalize(actx, in)
			cancel()
			r.release()
			r.calls.Add(1)
			switch {
			case err == nil:
				b.succeeded()
			case isThrottle(errorCode(err)):
				r.throttles.Add(1)
				b.throttled()
			}
			return out, md, err
		}), middleware.After)
}
