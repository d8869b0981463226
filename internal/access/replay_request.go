package access

import (
	"bytes"
	"net/netip"
	"strings"

	"github.com/orgrail/orgrail/internal/trail"
)

// request is what a CloudTrail record says about the call it logs.
type request struct {
	principal string
	action    string
	resource  string
	region    string
	// ctx holds the condition keys CloudTrail carries: aws:SourceIp,
	// aws:SecureTransport, aws:MultiFactorAuthPresent, aws:SourceVpce,
	// aws:ViaAWSService, aws:UserAgent, aws:userid.
	ctx       map[string][]string
	noResArn  bool
	eventID   string
	eventTime string
}

// field returns the JSON string value of "name":"..." in b (escapes
// kept), searching the raw bytes.
func field(b []byte, name string) []byte {
	key := `"` + name + `":`
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return nil
	}
	rest := b[i+len(key):]
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r') {
		rest = rest[1:]
	}
	if len(rest) == 0 || rest[0] != '"' {
		return nil
	}
	rest = rest[1:]
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '\\':
			j++
		case '"':
			return rest[:j]
		}
	}
	return nil
}

// reconstruct reads the request out of a record, or says why it cannot.
func reconstruct(r *trail.Record) (request, string) {
	switch string(r.EventType) {
	case "AwsApiCall", "":
	default:
		return request{}, SkipNotAPICall
	}
	if len(r.UserARN) == 0 {
		return request{}, SkipNoPrincipal
	}
	action, reason := eventAction(trail.Text(r.EventSource), trail.Text(r.EventName))
	if reason != "" {
		return request{}, reason
	}
	q := request{principal: trail.Text(r.UserARN), action: action, region: trail.Text(r.AWSRegion),
		eventID: trail.Text(r.EventID), eventTime: trail.Text(r.EventTime), ctx: map[string][]string{}}
	q.resource, q.noResArn = resourceOf(r, action)
	if ip := trail.Text(r.SourceIPAddr); ip != "" {
		if _, err := netip.ParseAddr(ip); err == nil {
			q.ctx["aws:SourceIp"] = []string{ip}
		}
	}
	if q.region != "" {
		q.ctx["aws:RequestedRegion"] = []string{q.region}
	}
	if secureTransport(r) {
		q.ctx["aws:SecureTransport"] = []string{"true"}
	}
	if m := r.MFAAuthenticated; m != nil {
		q.ctx["aws:MultiFactorAuthPresent"] = []string{string(m)}
	}
	if v := r.VPCEndpointID; len(v) > 0 {
		q.ctx["aws:SourceVpce"] = []string{trail.Text(v)}
	}
	if len(r.InvokedBy) > 0 {
		q.ctx["aws:ViaAWSService"] = []string{"true"}
	} else {
		q.ctx["aws:ViaAWSService"] = []string{"false"}
	}
	if pid := trail.Text(r.PrincipalID); pid != "" {
		q.ctx["aws:userid"] = []string{pid}
	}
	return q, ""
}

// secureTransport reports whether the call came over TLS: the record
// has a tlsDetails object.
func secureTransport(r *trail.Record) bool {
	return len(r.TLSDetails) > 0 && r.TLSDetails[0] == '{'
}

// resourceOf returns the ARN the call acted on: the record's resources
// array, else what requestParameters name (bucket and key, role, key,
// function, queue, topic, secret); "*" when nothing names it.
func resourceOf(r *trail.Record, action string) (string, bool) {
	svc, _, _ := strings.Cut(action, ":")
	b, named := appendResource(nil, r, svc)
	return trail.Text(b), !named
}

// appendResource appends the resource ARN of a record to dst (JSON
// escapes kept) and reports whether the record named one ("*" when not).
func appendResource(dst []byte, r *trail.Record, svc string) ([]byte, bool) {
	if len(r.Resources) > 0 {
		if arn := field(r.Resources, "ARN"); len(arn) > 0 {
			return append(dst, arn...), true
		}
	}
	p := r.RequestParameters
	if len(p) == 0 || p[0] != '{' {
		return append(dst, '*'), false
	}
	region, account := r.AWSRegion, r.Account()
	arnOf := func(prefix string, v []byte) []byte {
		dst = append(dst, "arn:aws:"...)
		dst = append(dst, prefix...)
		return append(dst, v...)
	}
	switch svc {
	case "s3":
		if b := field(p, "bucketName"); len(b) > 0 {
			dst = append(append(dst, "arn:aws:s3:::"...), b...)
			if k := field(p, "key"); len(k) > 0 {
				dst = append(append(dst, '/'), k...)
			}
			return dst, true
		}
	case "sts":
		if v := field(p, "roleArn"); len(v) > 0 {
			return append(dst, v...), true
		}
	case "iam":
		if v := field(p, "roleName"); len(v) > 0 {
			dst = append(append(append(dst, "arn:aws:iam::"...), account...), ":role/"...)
			return append(dst, v...), true
		}
		if v := field(p, "userName"); len(v) > 0 {
			dst = append(append(append(dst, "arn:aws:iam::"...), account...), ":user/"...)
			return append(dst, v...), true
		}
		if v := field(p, "policyArn"); len(v) > 0 {
			return append(dst, v...), true
		}
	case "kms":
		if v := field(p, "keyId"); len(v) > 0 {
			if bytes.HasPrefix(v, []byte("arn:")) {
				return append(dst, v...), true
			}
			if !bytes.HasPrefix(v, []byte("alias/")) {
				dst = arnOf("kms:", region)
				dst = append(append(append(dst, ':'), account...), ":key/"...)
				return append(dst, v...), true
			}
		}
	case "lambda":
		if v := field(p, "functionName"); len(v) > 0 {
			if bytes.HasPrefix(v, []byte("arn:")) {
				return append(dst, v...), true
			}
			dst = arnOf("lambda:", region)
			dst = append(append(append(dst, ':'), account...), ":function:"...)
			return append(dst, v...), true
		}
	case "sqs":
		if v := field(p, "queueUrl"); len(v) > 0 {
			if i := bytes.LastIndexByte(v, '/'); i > 0 {
				rest := v[:i]
				acct := rest[bytes.LastIndexByte(rest, '/')+1:]
				dst = arnOf("sqs:", region)
				dst = append(append(append(dst, ':'), acct...), ':')
				return append(dst, v[i+1:]...), true
			}
		}
	case "sns":
		if v := field(p, "topicArn"); len(v) > 0 {
			return append(dst, v...), true
		}
	case "secretsmanager":
		if v := field(p, "secretId"); bytes.HasPrefix(v, []byte("arn:")) {
			return append(dst, v...), true
		}
	}
	return append(dst, '*'), false
}
