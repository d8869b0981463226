package trail

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
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

// s3Handler serves a fakeS3 over the S3 REST API (path style), enough
// for the SDK's ListObjectsV2, GetObject and HeadObject, on 127.0.0.1.
func s3Handler(f *fakeS3) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if bucket != f.bucket {
			http.Error(w, "<Error><Code>NoSuchBucket</Code></Error>", http.StatusNotFound)
			return
		}
		ctx := r.Context()
		if key == "" && r.URL.Query().Get("list-type") == "2" {
			q := r.URL.Query()
			out, _ := f.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Prefix: aws.String(q.Get("prefix")),
				Delimiter: aws.String(q.Get("delimiter")), ContinuationToken: aws.String(q.Get("continuation-token"))})
			type obj struct {
				Key  string
				Size int64
				ETag string
			}
			type cp struct{ Prefix string }
			var doc struct {
				XMLName               xml.Name `xml:"ListBucketResult"`
				Name                  string
				Prefix                string
				IsTruncated           bool
				NextContinuationToken string `xml:",omitempty"`
				Contents              []obj
				CommonPrefixes        []cp
			}
			doc.Name, doc.Prefix, doc.IsTruncated = f.bucket, q.Get("prefix"), aws.ToBool(out.IsTruncated)
			doc.NextContinuationToken = aws.ToString(out.NextContinuationToken)
			for _, o := range out.Contents {
				doc.Contents = append(doc.Contents, obj{aws.ToString(o.Key), aws.ToInt64(o.Size), aws.ToString(o.ETag)})
			}
			for _, p := range out.CommonPrefixes {
				doc.CommonPrefixes = append(doc.CommonPrefixes, cp{aws.ToString(p.Prefix)})
			}
			w.Header().Set("Content-Type", "application/xml")
			xml.NewEncoder(w).Encode(doc)
			return
		}
		b, ok := f.objects[key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			if r.Method != http.MethodHead {
				io.WriteString(w, "<Error><Code>NoSuchKey</Code></Error>")
			}
			return
		}
		for k, v := range f.meta[key] {
			w.Header().Set("x-amz-meta-"+k, v)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		if r.Method != http.MethodHead {
			w.Write(b)
		}
	})
}

// TestS3SourceOverHTTP runs the real SDK client against a local server.
func TestS3SourceOverHTTP(t *testing.T) {
	ctx := context.Background()
	a, _ := buildVerifyArchive(t)
	fake := uploadDir(t, a.Dir, "")
	srv := httptest.NewServer(s3Handler(fake))
	defer srv.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	src, err := OpenS3(ctx, "s3://log-archive", S3Options{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Scan(ctx, src, ScanOptions{Matcher: newNameMatcher("AssumeRole")})
	if err != nil || res.Partial || res.Stats.Records != 36 {
		t.Fatalf("scan: %v %+v %v", err, res.Stats, res.Errors)
	}
	ks, _ := LoadPublicKeys(a.KeysFile)
	vr, err := Verify(ctx, src, VerifyOptions{Keys: StaticKeys{ks}})
	if err != nil || !vr.OK() || vr.ValidDigests != 6 {
		t.Fatalf("verify: %v %+v", err, vr)
	}
	for k := range fake.objects {
		if strings.Contains(k, "_0001.json.gz") {
			delete(fake.objects, k)
			break
		}
	}
	vr, _ = Verify(ctx, src, VerifyOptions{Keys: StaticKeys{ks}})
	if vr.OK() || vr.Problems[0].Kind != ProblemMissingLog {
		t.Fatalf("verify after delete: %+v", vr.Problems)
	}
}
