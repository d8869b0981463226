package awstest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxSkew is how far a request's signing time may be from the server's
// clock: AWS refuses requests signed more than 15 minutes before or
// after its own time.
const maxSkew = 15 * time.Minute

// authenticate runs the checks AWS makes on a signed request whose key
// it knows, in AWS's order: the session token (a temporary key must
// carry its own token, a long-term key none), the token's expiry, the
// signing time (15 minutes of skew; a presigned URL's X-Amz-Expires),
// the x-amz-content-sha256 payload hash, and the signature. Each is
// answered with the code the service's protocol uses.
func (s *Server) authenticate(req *Request, svc *serviceDef, sc sigScope, id *Identity) *APIError {
	r := req.HTTP
	token := r.Header.Get("X-Amz-Security-Token")
	if token == "" && r.Header.Get("Authorization") == "" {
		token = r.URL.Query().Get("X-Amz-Security-Token")
	}
	if token != id.SessionToken {
		return badTokenError(svc, token == "")
	}
	if !id.Expires.IsZero() && time.Now().After(id.Expires) {
		return expiredTokenError(svc)
	}
	if s.opts.SkipSignatureCheck {
		return nil
	}
	if err := checkSigningTime(r, svc, sc, time.Now()); err != nil {
		return err
	}
	if err := checkPayloadHash(r, req.Body, svc); err != nil {
		return err
	}
	if !verifySignature(r, req.Body, sc, id.SecretAccessKey) {
		return Errorf(signatureCode(svc), "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	return nil
}

// badTokenError answers a session token that is missing, unexpected or
// not the key's own.
func badTokenError(svc *serviceDef, missing bool) *APIError {
	const msg = "The security token included in the request is invalid."
	switch svc.Protocol {
	case RESTXML:
		if missing {
			return Errorf("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
		}
		return &APIError{Code: "InvalidToken", Message: "The provided token is malformed or otherwise invalid.", Status: http.StatusBadRequest}
	case AWSJSON10, AWSJSON11, RESTJSON:
		return Errorf("UnrecognizedClientException", msg)
	case EC2Query:
		return Errorf("AuthFailure", "AWS was not able to validate the provided access credentials")
	}
	return Errorf("InvalidClientTokenId", msg)
}

// expiredTokenError answers a session used after its expiry.
func expiredTokenError(svc *serviceDef) *APIError {
	const msg = "The security token included in the request is expired"
	switch svc.Protocol {
	case AWSJSON10, AWSJSON11, RESTJSON:
		return Errorf("ExpiredTokenException", msg)
	case RESTXML:
		return &APIError{Code: "ExpiredToken", Message: "The provided token has expired.", Status: http.StatusBadRequest}
	}
	return Errorf("ExpiredToken", msg)
}

// signatureCode is the protocol's code for a signature that does not
// verify.
func signatureCode(svc *serviceDef) string {
	switch svc.Protocol {
	case AWSJSON10, AWSJSON11, RESTJSON:
		return "InvalidSignatureException"
	case EC2Query:
		return "AuthFailure"
	}
	return "SignatureDoesNotMatch"
}

const amzDateFormat = "20060102T150405Z"

// checkSigningTime refuses a request signed too far from now (or a
// presigned URL past its X-Amz-Expires), and a credential scope whose
// date is not the signing date.
func checkSigningTime(r *http.Request, svc *serviceDef, sc sigScope, now time.Time) *APIError {
	presigned := r.Header.Get("Authorization") == ""
	var q url.Values
	raw := r.Header.Get("X-Amz-Date")
	if presigned {
		q = r.URL.Query()
		raw = q.Get("X-Amz-Date")
	}
	var signed time.Time
	var err error
	if raw != "" {
		signed, err = time.Parse(amzDateFormat, raw)
	} else if d := r.Header.Get("Date"); d != "" {
		signed, err = http.ParseTime(d)
	} else {
		return incompleteSignature(svc, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if err != nil {
		return incompleteSignature(svc, "Date must be in ISO-8601 'basic format'. Got '"+raw+"'.")
	}
	if raw != "" && !strings.HasPrefix(raw, sc.Date) {
		return Errorf(signatureCode(svc), "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", sc.Date, raw[:min(8, len(raw))], raw)
	}
	if presigned {
		exp, err := strconv.Atoi(q.Get("X-Amz-Expires"))
		if err != nil || exp < 1 || exp > 604800 {
			return Errorf("AuthorizationQueryParametersError", "X-Amz-Expires must be a number of seconds from 1 to 604800.")
		}
		if now.After(signed.Add(time.Duration(exp) * time.Second)) {
			return &APIError{Code: "AccessDenied", Message: "Request has expired", Status: http.StatusForbidden}
		}
		if signed.After(now.Add(maxSkew)) {
			return skewError(svc, signed, now)
		}
		return nil
	}
	if signed.Before(now.Add(-maxSkew)) || signed.After(now.Add(maxSkew)) {
		return skewError(svc, signed, now)
	}
	return nil
}

// skewError is the protocol's answer to a request signed more than 15
// minutes away from the server's clock: S3's RequestTimeTooSkewed, EC2's
// RequestExpired, and elsewhere a signature error saying "Signature
// expired" or "Signature not yet current".
func skewError(svc *serviceDef, signed, now time.Time) *APIError {
	switch svc.Protocol {
	case RESTXML:
		return Errorf("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
	case EC2Query:
		return &APIError{Code: "RequestExpired", Message: "Request has expired.", Status: http.StatusBadRequest}
	}
	st, nt := signed.UTC().Format(amzDateFormat), now.UTC().Format(amzDateFormat)
	if signed.Before(now) {
		return Errorf(signatureCode(svc), "Signature expired: %s is now earlier than %s (%s - 15 min.)", st, now.Add(-maxSkew).UTC().Format(amzDateFormat), nt)
	}
	return Errorf(signatureCode(svc), "Signature not yet current: %s is still later than %s (%s + 15 min.)", st, now.Add(maxSkew).UTC().Format(amzDateFormat), nt)
}

func incompleteSignature(svc *serviceDef, msg string) *APIError {
	if svc.Protocol == RESTXML {
		return &APIError{Code: "AccessDenied", Message: msg, Status: http.StatusForbidden}
	}
	return Errorf("IncompleteSignature", "%s", msg)
}

// checkPayloadHash compares S3's x-amz-content-sha256 with the body.
// UNSIGNED-PAYLOAD and the STREAMING-* chunked forms are accepted, as S3
// accepts them; other services sign the body's own hash (see
// verifySignature), so a header that lies fails their signature.
func checkPayloadHash(r *http.Request, body []byte, svc *serviceDef) *APIError {
	h := r.Header.Get("X-Amz-Content-Sha256")
	if svc.Protocol != RESTXML || h == "" || h == "UNSIGNED-PAYLOAD" || strings.HasPrefix(h, "STREAMING-") {
		return nil
	}
	sum := sha256.Sum256(body)
	if !strings.EqualFold(h, hex.EncodeToString(sum[:])) {
		return Errorf("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return nil
}
