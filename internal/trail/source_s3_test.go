package trail

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// fakeS3 is an in-memory bucket answering ListObjectsV2 (with prefix,
// delimiter and pagination), GetObject and HeadObject. The local AWS test
// server does not serve object data, so the S3 source is tested here.
type fakeS3 struct {
	bucket  string
	objects map[string][]byte
	meta    map[string]map[string]string
	mu      sync.Mutex
	lists   []string // prefixes listed
}

func (f *fakeS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	f.mu.Lock()
	f.lists = append(f.lists, aws.ToString(in.Prefix))
	f.mu.Unlock()
	prefix, delim := aws.ToString(in.Prefix), aws.ToString(in.Delimiter)
	var keys []string
	for k := range f.objects {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := &s3.ListObjectsV2Output{}
	seen := map[string]bool{}
	var entries []string // keys and common prefixes, in order
	for _, k := range keys {
		rest := k[len(prefix):]
		if i := strings.Index(rest, delim); delim != "" && i >= 0 {
			cp := prefix + rest[:i+1]
			if !seen[cp] {
				seen[cp] = true
				entries = append(entries, cp)
			}
			continue
		}
		entries = append(entries, k)
	}
	start := 0
	if t := aws.ToString(in.ContinuationToken); t != "" {
		for start < len(entries) && entries[start] <= t {
			start++
		}
	}
	const page = 3
	end := min(start+page, len(entries))
	for _, e := range entries[start:end] {
		if seen[e] {
			out.CommonPrefixes = append(out.CommonPrefixes, types.CommonPrefix{Prefix: aws.String(e)})
		} else {
			out.Contents = append(out.Contents, types.Object{Key: aws.String(e), Size: aws.Int64(int64(len(f.objects[e]))),
				ETag: aws.String(`"etag-` + e + `"`), LastModified: aws.Time(time.Unix(0, 0))})
		}
	}
	if end < len(entries) {
		out.IsTruncated = aws.Bool(true)
		out.NextContinuationToken = aws.String(entries[end-1])
	}
	return out, nil
}

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	b, ok := f.objects[aws.ToString(in.Key)]
	if !ok {
		return nil, &types.NoSuchKey{}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

func (f *fakeS3) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	if _, ok := f.objects[aws.ToString(in.Key)]; !ok {
		return nil, &types.NotFound{}
	}
	return &s3.HeadObjectOutput{Metadata: f.meta[aws.ToString(in.Key)]}, nil
}

// uploadDir copies a local archive into the fake bucket under prefix,
// turning .sig sidecars into x-amz-meta-signature metadata.
func uploadDir(t *testing.T, dir, prefix string) *fakeS3 {
	f := &fakeS3{bucket: "log-archive", objects: map[string][]byte{}, meta: map[string]map[string]string{}}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		key := prefix + filepath.ToSlash(rel)
		b, _ := os.ReadFile(p)
		if strings.HasSuffix(key, ".sig") {
			f.meta[strings.TrimSuffix(key, ".sig")] = map[string]string{"signature": strings.TrimSpace(string(b))}
			return nil
		}
		f.objects[key] = b
		return nil
	})
	return f
}

func TestS3SourceScanAndVerify(t *testing.T) {
	ctx := context.Background()
	a, _ := buildVerifyArchive(t)
	a.writeHour(t, "111122223333", "us-east-1", time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC), 1, 2, false)
	fake := uploadDir(t, a.Dir, "org/")
	src, err := OpenS3(ctx, "s3://log-archive/org", S3Options{Client: fake})
	if err != nil {
		t.Fatal(err)
	}
	if src.String() != "s3://log-archive/org/" {
		t.Errorf("String = %q", src.String())
	}
	res, err := Scan(ctx, src, ScanOptions{Matcher: newNameMatcher("AssumeRole", "GetObject", "ListBuckets", "DescribeInstances")})
	if err != nil || res.Partial {
		t.Fatal(err, res.Errors)
	}
	if res.Stats.Files != 13 || res.Stats.Records != 38 {
		t.Fatalf("stats = %+v", res.Stats)
	}
	for _, d := range res.Detections {
		if !strings.HasPrefix(d.File, "s3://log-archive/org/AWSLogs/") {
			t.Fatalf("file = %q", d.File)
		}
	}

	// Pruning: one account, one region, one day lists only that path.
	fake.lists = nil
	f := Filter{Accounts: []string{"111122223333"}, Regions: []string{"us-east-1"},
		Since: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)}
	objs, err := ListAll(ctx, src, &f, KindLog)
	if err != nil || len(objs) != 1 {
		t.Fatalf("pruned listing: %v %v", objs, err)
	}
	for _, p := range fake.lists {
		if strings.Contains(p, "444455556666") || strings.Contains(p, "eu-west-1/") || strings.Contains(p, "/2026/03/01/") {
			t.Errorf("listed a pruned prefix %s", p)
		}
	}

	// Verify with the signatures in object metadata.
	ks, err := LoadPublicKeys(a.KeysFile)
	if err != nil {
		t.Fatal(err)
	}
	vr, err := Verify(ctx, src, VerifyOptions{Keys: StaticKeys{ks}})
	if err != nil {
		t.Fatal(err)
	}
	// The extra hour has no digest but lies outside the digests' span.
	if !vr.OK() || vr.ValidDigests != 6 || vr.ValidLogFiles != 12 {
		t.Fatalf("verify = %+v", vr)
	}
	k := ""
	for key := range fake.objects {
		if strings.Contains(key, "444455556666_CloudTrail_eu-west-1") {
			k = key
			break
		}
	}
	delete(fake.objects, k)
	vr, _ = Verify(ctx, src, VerifyOptions{Keys: StaticKeys{ks}})
	if vr.OK() || vr.Problems[0].Kind != ProblemMissingLog {
		t.Fatalf("verify after delete = %+v", vr)
	}
}

func TestParseS3URL(t *testing.T) {
	tests := []struct{ in, bucket, prefix string }{
		{"s3://b", "b", ""},
		{"s3://b/", "b", ""},
		{"s3://b/p/q", "b", "p/q/"},
		{"s3://b/p/q/", "b", "p/q/"},
	}
	for _, tc := range tests {
		b, p, err := ParseS3URL(tc.in)
		if err != nil || b != tc.bucket || p != tc.prefix {
			t.Errorf("%s: %q %q %v", tc.in, b, p, err)
		}
	}
	for _, bad := range []string{"s3://", "http://x", "s3:///p"} {
		if _, _, err := ParseS3URL(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
