package awstest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Request is one decoded AWS API call, as a Handler sees it.
type Request struct {
	// Service is the server's service name ("iam", "s3", "organizations").
	Service string
	// Operation is the API operation ("ListUsers").
	Operation string
	// Region comes from the SigV4 credential scope.
	Region string
	// Caller is the identity the credentials belong to; Caller.Account is
	// the account every call is answered from.
	Caller *Identity
	// Protocol is the wire protocol of the service.
	Protocol Protocol
	// Params holds the top-level input members, keyed by member name
	// (query form keys, JSON body keys, REST labels, query strings and
	// headers bound to members). Use Param for case-insensitive access.
	Params map[string]string
	// Body is the raw request body (JSON for JSON protocols, the XML
	// document for REST-XML writes).
	Body []byte
	// Form is the decoded form of Query and EC2 Query requests.
	Form url.Values
	// HTTP is the underlying request (headers, URL).
	HTTP *http.Request
	// Bucket is the S3 bucket of an S3 request, path-style or virtual-host.
	Bucket string
	// ID is the request id returned to the client.
	ID string

	srv  *Server
	json map[string]json.RawMessage
}

// Account is the account the call is answered from.
func (r *Request) Account() string { return r.Caller.Account }

// Param returns an input member by name, matching case-insensitively
// (JSON protocols send member names such as "trailNameList").
func (r *Request) Param(name string) string {
	if v, ok := r.Params[name]; ok {
		return v
	}
	for k, v := range r.Params {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// IntParam returns an integer input member, or def when absent or bad.
func (r *Request) IntParam(name string, def int) int {
	if n, err := strconv.Atoi(r.Param(name)); err == nil {
		return n
	}
	return def
}

// DecodeJSON unmarshals the JSON request body into v.
func (r *Request) DecodeJSON(v any) error {
	if len(r.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return Errorf("SerializationException", "malformed JSON body: %v", err)
	}
	return nil
}

// JSONList returns a top-level JSON array member of strings.
func (r *Request) JSONList(name string) []string {
	for k, raw := range r.json {
		if strings.EqualFold(k, name) {
			var out []string
			_ = json.Unmarshal(raw, &out)
			return out
		}
	}
	return nil
}

// Handler answers one operation. It returns the SDK output struct
// (pointer, for example *sqs.ReceiveMessageOutput) or a json.RawMessage
// in that struct's encoding/json form; the server serializes it in the
// service's wire protocol. Errors should be *APIError (see Errorf);
// others become InternalFailure.
type Handler interface {
	ServeAWS(ctx context.Context, req *Request) (any, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, req *Request) (any, error)

// ServeAWS calls f.
func (f HandlerFunc) ServeAWS(ctx context.Context, req *Request) (any, error) { return f(ctx, req) }

// APIError is an AWS error answer: the code the SDK maps to a typed
// error, a message, and the HTTP status.
type APIError struct {
	Code    string
	Message string
	Status  int
	// Sender marks a client fault in Query error bodies (default true).
	Server bool
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an APIError with the status AWS uses for that code.
func Errorf(code, format string, a ...any) *APIError {
	return &APIError{Code: code, Message: fmt.Sprintf(format, a...), Status: statusFor(code)}
}

// statusFor gives the HTTP status AWS returns with an error code.
func statusFor(code string) int {
	switch code {
	case "AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "SignatureDoesNotMatch",
		"UnrecognizedClientException", "InvalidAccessKeyId", "ExpiredToken", "ExpiredTokenException",
		"InvalidAccessException", "AuthFailure", "MissingAuthenticationToken", "AuthorizationError", "Forbidden",
		"RequestTimeTooSkewed", "InvalidSignatureException":
		return http.StatusForbidden
	case "NoSuchEntity", "NoSuchBucket", "NoSuchBucketPolicy", "NoSuchPublicAccessBlockConfiguration",
		"ServerSideEncryptionConfigurationNotFoundError", "OwnershipControlsNotFoundError", "NoSuchTagSet",
		"ResourceNotFoundException", "DBSnapshotNotFound", "NotFound", "NoSuchKey", "NotImplemented":
		if code == "NotImplemented" {
			return http.StatusNotImplemented
		}
		return http.StatusNotFound
	case "SlowDown", "ServiceUnavailable", "ServiceUnavailableException":
		return http.StatusServiceUnavailable
	case "TooManyRequestsException":
		return http.StatusTooManyRequests
	case "InternalFailure", "InternalError", "InternalServerError", "InternalServerException", "ServiceException":
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}
