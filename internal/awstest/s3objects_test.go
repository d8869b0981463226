package awstest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func TestS3Objects(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	srv.ServeS3Objects()
	const bucket = "objects-test"
	srv.PutObject(workAcct, bucket, "top.txt", []byte("top"))
	for _, k := range []string{"logs/a/1.json", "logs/a/2.json", "logs/b/1.json", "logs/c.json", "logs/d.json", "other/x"} {
		srv.PutObject(workAcct, bucket, k, []byte("body of "+k))
	}
	for _, pathStyle := range []bool{true, false} {
		c := s3Client(srv, srv.AccountCredentials(workAcct), pathStyle)
		// PutObject through the SDK, then read it back.
		body := []byte(`{"hello": "world"}`)
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("sdk/put.json"),
			Body: bytes.NewReader(body)}); err != nil {
			t.Fatalf("PutObject (path style %v): %v", pathStyle, err)
		}
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("sdk/put.json"),
			ChecksumMode: s3types.ChecksumModeEnabled})
		if err != nil {
			t.Fatalf("GetObject: %v", err)
		}
		data, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if !bytes.Equal(data, body) || aws.ToInt64(got.ContentLength) != int64(len(body)) ||
			!strings.HasPrefix(aws.ToString(got.ETag), `"`) || got.LastModified == nil || got.ChecksumCRC32 == nil {
			t.Fatalf("GetObject = %q len %v etag %v modified %v", data, got.ContentLength, aws.ToString(got.ETag), got.LastModified)
		}
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("logs/c.json")})
		if err != nil || aws.ToInt64(head.ContentLength) != int64(len("body of logs/c.json")) {
			t.Fatalf("HeadObject: %+v %v", head, err)
		}

		tests := []struct {
			name, prefix, delim, startAfter string
			maxKeys                         int32
			want                            string // keys, then "|" and common prefixes
		}{
			{"all", "", "", "", 0, "logs/a/1.json logs/a/2.json logs/b/1.json logs/c.json logs/d.json other/x sdk/put.json top.txt|"},
			{"delimiter at root", "", "/", "", 0, "top.txt|logs/ other/ sdk/"},
			{"delimiter under prefix", "logs/", "/", "", 0, "logs/c.json logs/d.json|logs/a/ logs/b/"},
			{"pages of one", "logs/", "/", "", 1, "logs/c.json logs/d.json|logs/a/ logs/b/"},
			{"pages of two, flat", "logs/", "", "", 2, "logs/a/1.json logs/a/2.json logs/b/1.json logs/c.json logs/d.json|"},
			{"start after", "logs/", "", "logs/b/1.json", 0, "logs/c.json logs/d.json|"},
			{"no match", "nothing/", "/", "", 0, "|"},
		}
		for _, tc := range tests {
			in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
			if tc.prefix != "" {
				in.Prefix = aws.String(tc.prefix)
			}
			if tc.delim != "" {
				in.Delimiter = aws.String(tc.delim)
			}
			if tc.startAfter != "" {
				in.StartAfter = aws.String(tc.startAfter)
			}
			if tc.maxKeys > 0 {
				in.MaxKeys = aws.Int32(tc.maxKeys)
			}
			var keys, prefixes []string
			pages := 0
			p := s3.NewListObjectsV2Paginator(c, in)
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					t.Fatalf("%s: ListObjectsV2: %v", tc.name, err)
				}
				pages++
				if tc.maxKeys > 0 && int(aws.ToInt32(page.KeyCount)) > int(tc.maxKeys) {
					t.Errorf("%s: page of %d items, max %d", tc.name, aws.ToInt32(page.KeyCount), tc.maxKeys)
				}
				for _, o := range page.Contents {
					keys = append(keys, aws.ToString(o.Key))
				}
				for _, cp := range page.CommonPrefixes {
					prefixes = append(prefixes, aws.ToString(cp.Prefix))
				}
			}
			// Pages interleave keys and prefixes: compare as sets in order.
			got := strings.Join(keys, " ") + "|" + strings.Join(slices.Sorted(slices.Values(prefixes)), " ")
			if got != tc.want {
				t.Errorf("%s (path style %v): got %q, want %q", tc.name, pathStyle, got, tc.want)
			}
			if tc.maxKeys == 1 && pages != 4 {
				t.Errorf("%s: %d pages, want 4", tc.name, pages)
			}
		}

		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("missing")})
		var nsk *s3types.NoSuchKey
		if !errors.As(err, &nsk) {
			t.Errorf("GetObject of a missing key: %v", err)
		}
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("no-such-bucket-here"), Key: aws.String("k")})
		// GetObject has no typed NoSuchBucket error: check the code.
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucket" {
			t.Errorf("GetObject in a missing bucket: %v", err)
		}
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("missing")})
		var nf *s3types.NotFound
		if !errors.As(err, &nf) {
			t.Errorf("HeadObject of a missing key: %v", err)
		}
	}
}
