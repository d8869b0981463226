package trail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3API is the part of the S3 client a bucket source uses.
type S3API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// S3Options configures the S3 client of a bucket source.
type S3Options struct {
	Profile string
	Region  string
	// Endpoint overrides the S3 endpoint (a local test server); it turns
	// on path-style addressing.
	Endpoint string
	// Client, when set, is used as is.
	Client S3API
}

// S3 is a Source over s3://bucket/prefix.
type S3 struct {
	client S3API
	bucket string
	prefix string // "" or ending in "/"
}

// OpenS3 opens s3://bucket/prefix.
func OpenS3(ctx context.Context, spec string, opts S3Options) (*S3, error) {
	bucket, prefix, err := ParseS3URL(spec)
	if err != nil {
		return nil, err
	}
	client := opts.Client
	if client == nil {
		var lo []func(*config.LoadOptions) error
		if opts.Profile != "" {
			lo = append(lo, config.WithSharedConfigProfile(opts.Profile))
		}
		if opts.Region != "" {
			lo = append(lo, config.WithRegion(opts.Region))
		}
		cfg, err := config.LoadDefaultConfig(ctx, lo...)
		if err != nil {
			return nil, fmt.Errorf("source %s: AWS configuration: %w", spec, err)
		}
		if cfg.Region == "" {
			cfg.Region = "us-east-1"
		}
		// A custom endpoint (a local S3, or AWS_ENDPOINT_URL[_S3] in the
		// environment) seldom resolves bucket subdomains: use path style.
		envEndpoint := os.Getenv("AWS_ENDPOINT_URL_S3") != "" || os.Getenv("AWS_ENDPOINT_URL") != ""
		client = s3.NewFromConfig(cfg, func(o *s3.Options) {
			if opts.Endpoint != "" {
				o.BaseEndpoint = aws.String(opts.Endpoint)
			}
			o.UsePathStyle = opts.Endpoint != "" || envEndpoint
		})
	}
	return &S3{client: client, bucket: bucket, prefix: prefix}, nil
}

// ParseS3URL splits s3://bucket/prefix; the prefix is returned with a
// trailing slash, or empty.
func ParseS3URL(spec string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(spec, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3:// URL", spec)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q: no bucket name", spec)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return bucket, prefix, nil
}

// String returns s3://bucket/prefix.
func (s *S3) String() string { return "s3://" + s.bucket + "/" + s.prefix }

// Bucket returns the bucket name.
func (s *S3) Bucket() string { return s.bucket }

// List lists the bucket with a delimiter, level by level, so that the
// filter prunes whole prefixes (accounts, regions, days) unread.
func (s *S3) List(ctx context.Context, f *Filter, kinds Kind, fn func(Object) error) error {
	return walk(ctx, s, "", f, kinds, fn)
}

func (s *S3) listDir(ctx context.Context, dir string) ([]string, []Object, error) {
	prefix := s.prefix
	if dir != "" {
		prefix += dir + "/"
	}
	var dirs []string
	var files []Object
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/")}
	p := s3.NewListObjectsV2Paginator(s.client, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list s3://%s/%s: %w", s.bucket, prefix, err)
		}
		for _, cp := range out.CommonPrefixes {
			name := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/")
			if name != "" {
				dirs = append(dirs, name)
			}
		}
		for _, o := range out.Contents {
			key := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
			if key == "" || strings.HasSuffix(key, "/") {
				continue
			}
			obj := Object{Key: key, Size: aws.ToInt64(o.Size), ETag: strings.Trim(aws.ToString(o.ETag), `"`)}
			if o.LastModified != nil {
				obj.ModTime = *o.LastModified
			}
			files = append(files, obj)
		}
	}
	return dirs, files, nil
}

// Open streams an object.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s%s: %w", s.bucket, s.prefix, key, err)
	}
	return out.Body, nil
}

// Signature returns the digest signature CloudTrail stores in the
// object's x-amz-meta-signature metadata.
func (s *S3) Signature(ctx context.Context, key string) (string, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		return "", fmt.Errorf("head s3://%s/%s%s: %w", s.bucket, s.prefix, key, err)
	}
	for k, v := range out.Metadata {
		if strings.EqualFold(k, "signature") && v != "" {
			return strings.TrimSpace(v), nil
		}
	}
	return "", ErrNoSignature
}

// isS3NotFound reports whether err is S3's answer for an absent key.
func isS3NotFound(err error) bool {
	if err == nil {
		return false
	}
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return true
	}
	var status interface{ HTTPStatusCode() int }
	return errors.As(err, &status) && status.HTTPStatusCode() == 404
}
