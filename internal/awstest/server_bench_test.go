package awstest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// benchServe measures ServeHTTP alone (no network, no SDK) on one
// signed request, replayed.
func benchServe(b *testing.B, service, target, body string) {
	srv := startFixture(b, Options{SnapshotDir: writeFixture(b, 200)})
	sum := sha256.Sum256([]byte(body))
	req := httptest.NewRequest(http.MethodPost, srv.Endpoint+"/", strings.NewReader(body))
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), srv.AdminCredentials(), req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	srv.opts.LogLimit = 1000
	srv.log.limit = 1000
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := req.Clone(context.Background())
		r.Body = http.NoBody
		if body != "" {
			r.Body = nopCloser{strings.NewReader(body)}
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

func BenchmarkServeListAccounts(b *testing.B) {
	benchServe(b, "organizations", "AWSOrganizationsV20161128.ListAccounts", "{}")
}

func BenchmarkServeGetCallerIdentity(b *testing.B) {
	benchServe(b, "sts", "", "Action=GetCallerIdentity&Version=2011-06-15")
}

func BenchmarkServeIAMAuthorizationDetails(b *testing.B) {
	benchServe(b, "iam", "", "Action=GetAccountAuthorizationDetails&Version=2010-05-08")
}
