package awstest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// signedCall signs a request as SigV4 does at the given time and sends
// it; it returns the status and the body.
func signedCall(t *testing.T, srv *Server, creds aws.Credentials, service, method, path, target, contentType, body, payloadHash string, at time.Time) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.Endpoint+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if payloadHash == "" {
		sum := sha256.Sum256([]byte(body))
		payloadHash = hex.EncodeToString(sum[:])
	}
	if service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payloadHash, service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.transport().RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestSigningTimeSkew: AWS refuses a signed request whose time stamp is
// more than 15 minutes from its own clock, with each protocol's code:
// S3 answers RequestTimeTooSkewed, EC2 RequestExpired, Query services
// SignatureDoesNotMatch ("Signature expired"), JSON services
// InvalidSignatureException.
func TestSigningTimeSkew(t *testing.T) {
	srv := startFixture(t, Options{})
	admin := srv.AdminCredentials()
	now := time.Now()
	const stsBody = "Action=GetCallerIdentity&Version=2011-06-15"
	form := "application/x-www-form-urlencoded; charset=utf-8"
	cases := []struct {
		name                string
		service, method     string
		path, target, ctype string
		body                string
		at                  time.Time
		status              int
		code, message       string
	}{
		{"sts 10 min late is fine", "sts", "POST", "/", "", form, stsBody, now.Add(-10 * time.Minute), 200, "", ""},
		{"sts 20 min late", "sts", "POST", "/", "", form, stsBody, now.Add(-20 * time.Minute), 403, "SignatureDoesNotMatch", "Signature expired"},
		{"sts 20 min early", "sts", "POST", "/", "", form, stsBody, now.Add(20 * time.Minute), 403, "SignatureDoesNotMatch", "Signature not yet current"},
		{"s3 20 min late", "s3", "GET", "/", "", "", "", now.Add(-20 * time.Minute), 403, "RequestTimeTooSkewed", ""},
		{"s3 14 min early is fine", "s3", "GET", "/", "", "", "", now.Add(14 * time.Minute), 200, "", ""},
		{"ec2 20 min late", "ec2", "POST", "/", "", form, "Action=DescribeSecurityGroups&Version=2016-11-15", now.Add(-20 * time.Minute), 400, "RequestExpired", ""},
		{"organizations 20 min late", "organizations", "POST", "/", "AWSOrganizationsV20161128.ListRoots", "application/x-amz-json-1.1", "{}", now.Add(-20 * time.Minute), 403, "InvalidSignatureException", "Signature expired"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := signedCall(t, srv, admin, c.service, c.method, c.path, c.target, c.ctype, c.body, "", c.at)
			if status != c.status || !strings.Contains(body, c.code) || !strings.Contains(body, c.message) {
				t.Fatalf("status %d body %s; want %d %s %q", status, body, c.status, c.code, c.message)
			}
		})
	}
}

// TestPayloadHash: S3 checks x-amz-content-sha256 against the body
// (XAmzContentSHA256Mismatch) and accepts UNSIGNED-PAYLOAD; other
// services sign the body's own hash, so a body changed after signing
// fails the signature.
func TestPayloadHash(t *testing.T) {
	srv := startFixture(t, Options{})
	admin := srv.AdminCredentials()
	now := time.Now()
	policy := `{"Version":"2012-10-17","Statement":[]}`
	path := "/logs-" + mgmtAcct + "?policy="
	status, body := signedCall(t, srv, admin, "s3", "PUT", path, "", "application/json", policy, strings.Repeat("0", 64), now)
	if status != 400 || !strings.Contains(body, "XAmzContentSHA256Mismatch") {
		t.Fatalf("wrong hash: %d %s", status, body)
	}
	if status, body := signedCall(t, srv, admin, "s3", "PUT", path, "", "application/json", policy, "UNSIGNED-PAYLOAD", now); status != 200 {
		t.Fatalf("UNSIGNED-PAYLOAD: %d %s", status, body)
	}
	if status, body := signedCall(t, srv, admin, "s3", "PUT", path, "", "application/json", policy, "", now); status != 200 {
		t.Fatalf("right hash: %d %s", status, body)
	}
	// STS: the hash the client declares is not what the server signs.
	sum := sha256.Sum256([]byte("Action=GetCallerIdentity&Version=2011-06-15&x=1"))
	status, body = signedCall(t, srv, admin, "sts", "POST", "/", "", "application/x-www-form-urlencoded", "Action=GetCallerIdentity&Version=2011-06-15",
		hex.EncodeToString(sum[:]), now)
	if status != 403 || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("sts body not as signed: %d %s", status, body)
	}
}

// TestSessionTokens: a temporary key works only with its own session
// token. Presented without it, with another, or a long-term key with a
// token, AWS answers "The security token included in the request is
// invalid" (InvalidClientTokenId for Query services,
// UnrecognizedClientException for JSON ones); an expired session is
// ExpiredToken / ExpiredTokenException.
func TestSessionTokens(t *testing.T) {
	srv := startFixture(t, Options{})
	ctx := t.Context()
	role := "arn:aws:iam::" + securityAcct + ":role/OrgrailAudit"
	out, err := sts.NewFromConfig(srv.Config(ctx, srv.AdminCredentials())).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("t")})
	if err != nil {
		t.Fatal(err)
	}
	good := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
	code := func(creds aws.Credentials, json bool) string {
		t.Helper()
		var err error
		if json {
			_, err = kms.NewFromConfig(srv.Config(ctx, creds)).ListKeys(ctx, nil)
		} else {
			_, err = sts.NewFromConfig(srv.Config(ctx, creds)).GetCallerIdentity(ctx, nil)
		}
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return ""
	}
	noToken, wrong, longTerm := good, good, srv.AccountCredentials(workAcct)
	noToken.SessionToken = ""
	wrong.SessionToken = strings.Repeat("f", len(good.SessionToken))
	longTerm.SessionToken = good.SessionToken
	for _, c := range []struct {
		name  string
		creds aws.Credentials
		json  bool
		want  string
	}{
		{"own token", good, false, ""},
		{"own token json", good, true, ""},
		{"no token", noToken, false, "InvalidClientTokenId"},
		{"wrong token", wrong, false, "InvalidClientTokenId"},
		{"long-term key with a token", longTerm, false, "InvalidClientTokenId"},
		{"no token json", noToken, true, "UnrecognizedClientException"},
	} {
		if got := code(c.creds, c.json); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	expired := srv.keys.session(srv.partition(), securityAcct, role, "old", -time.Minute).Credentials()
	expired.CanExpire = false // the SDK would refuse to sign with it
	if got := code(expired, false); got != "ExpiredToken" {
		t.Errorf("expired: %q", got)
	}
	if got := code(expired, true); got != "ExpiredTokenException" {
		t.Errorf("expired json: %q", got)
	}
	// S3 (REST-XML) spells them its own way.
	_, err = s3.NewFromConfig(srv.Config(ctx, wrong)).ListBuckets(ctx, nil)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidToken" {
		t.Errorf("s3 wrong token: %v", err)
	}
}

// TestPresignedExpiry: a presigned URL works until X-Amz-Expires seconds
// after its signing time, then S3 answers AccessDenied "Request has
// expired".
func TestPresignedExpiry(t *testing.T) {
	srv := startFixture(t, Options{})
	srv.PutObject(mgmtAcct, "logs-"+mgmtAcct, "k", []byte("hello"))
	creds := srv.AdminCredentials()
	get := func(at time.Time) (int, string) {
		req, err := http.NewRequest("GET", srv.Endpoint+"/logs-"+mgmtAcct+"/k?X-Amz-Expires=3600", nil)
		if err != nil {
			t.Fatal(err)
		}
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", at)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.transport().RoundTrip(mustRequest(t, u))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get(time.Now().Add(-30 * time.Minute)); status != 200 || body != "hello" {
		t.Fatalf("within its hour: %d %s", status, body)
	}
	if status, body := get(time.Now().Add(-2 * time.Hour)); status != 403 || !strings.Contains(body, "Request has expired") {
		t.Fatalf("past its hour: %d %s", status, body)
	}
}

func mustRequest(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
