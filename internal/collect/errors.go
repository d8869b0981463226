package collect

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// errorCode returns the AWS error code of err ("AccessDenied",
// "NoSuchEntity", ...), or "" when err carries none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// benignOnlyWith narrows a benign code of service/operation to the
// errors whose message contains a text: Macie answers GetMacieSession
// with AccessDeniedException "Macie is not enabled." where it is off,
// and with the same code when the role lacks the permission.
var benignOnlyWith = map[string]string{"macie2/GetMacieSession/AccessDeniedException": "Macie is not enabled"}

// benignMessage reports whether err's message qualifies a benign code
// of service/op (always, unless benignOnlyWith names a text).
func benignMessage(service, op, code string, err error) bool {
	want, ok := benignOnlyWith[service+"/"+op+"/"+code]
	if !ok {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && strings.Contains(ae.ErrorMessage(), want)
}

// isBenign reports whether code is one of op's informative errors.
func isBenign(code string, benign []string) bool {
	for _, b := range benign {
		if b == code {
			return true
		}
	}
	return false
}

// shortError is an error message fit for a manifest: one line, and
// never a credential (the SDK does not put secrets in errors, but the
// request id and text are enough).
func shortError(err error) string {
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}
