package trail_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/detect"
	"github.com/orgrail/orgrail/internal/trail"
)

// detectMatcher adapts a detect.Engine to trail.Matcher, as the CLI does.
type detectMatcher struct {
	e     *detect.Engine
	rules map[*detect.Rule]*trail.Rule
}

func newDetectMatcher(t *testing.T) *detectMatcher {
	t.Helper()
	rules, err := detect.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e, err := detect.Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	m := &detectMatcher{e: e, rules: map[*detect.Rule]*trail.Rule{}}
	for _, r := range e.Rules() {
		tr := &trail.Rule{ID: r.ID, Title: r.Title, Severity: r.Severity, NistCSF: r.NistCSF,
			Source: r.Source, Author: r.Author, Fields: r.Fields}
		if r.Suppression != nil {
			tr.SuppressWindow = r.Suppression.Window
		}
		m.rules[r] = tr
	}
	return m
}

func (m *detectMatcher) Match(event []byte, dst []trail.Hit) ([]trail.Hit, error) {
	hits, err := m.e.Match(event, nil)
	if err != nil {
		return dst, err
	}
	for _, h := range hits {
		r := m.rules[h.Rule]
		if r == nil {
			r = &trail.Rule{ID: h.Rule.ID, Title: h.Rule.Title, Severity: h.Rule.Severity, Fields: h.Rule.Fields}
		}
		dst = append(dst, trail.Hit{Rule: r, Values: h.Values, Key: h.Key})
	}
	return dst, nil
}

// TestS3SourceOnAWSTest scans the demo Log Archive uploaded to the local
// AWS test server through the real S3 client, and expects the same
// detections as a scan of the directory.
func TestS3SourceOnAWSTest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	srv, err := awstest.Start(ctx, awstest.Options{SnapshotDir: filepath.Join(dir, demo.SnapshotDir)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.ServeS3Objects()
	const bucket = "demo-log-archive"
	root := filepath.Join(dir, demo.LogArchiveDir)
	files := 0
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		srv.PutObject(srv.ManagementAccount(), bucket, filepath.ToSlash(rel), body)
		files++
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("uploading the demo log archive: %d files, %v", files, err)
	}

	m := newDetectMatcher(t)
	local, err := trail.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	want, err := trail.Scan(ctx, local, trail.ScanOptions{Matcher: m})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Detections) == 0 {
		t.Fatal("the local scan of the demo found no detections")
	}

	creds := srv.AdminCredentials()
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", creds.SessionToken)
	t.Setenv("AWS_REGION", srv.Region)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_S3", "")

	tests := []struct {
		name string
		opts trail.S3Options
		env  string // AWS_ENDPOINT_URL_S3
	}{
		{name: "endpoint option", opts: trail.S3Options{Endpoint: srv.Endpoint}},
		{name: "endpoint from the environment", env: srv.Endpoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_ENDPOINT_URL_S3", tc.env)
			src, err := trail.OpenS3(ctx, "s3://"+bucket+"/", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := trail.Scan(ctx, src, trail.ScanOptions{Matcher: m})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Errors) > 0 {
				t.Errorf("scan errors: %+v", got.Errors)
			}
			if len(got.Detections) != len(want.Detections) || got.Suppressed != want.Suppressed {
				t.Errorf("S3 scan: %d detections (%d suppressed), local scan: %d (%d suppressed)",
					len(got.Detections), got.Suppressed, len(want.Detections), want.Suppressed)
			}
			if got.Stats != want.Stats {
				t.Errorf("S3 scan stats %+v, local %+v", got.Stats, want.Stats)
			}
		})
	}
}
