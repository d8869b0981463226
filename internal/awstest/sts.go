package awstest

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// TrustRequest is what a trust decision needs: who asks to assume which
// role, and the role's trust policy (a decoded JSON document).
type TrustRequest struct {
	Caller      *Identity
	RoleARN     string
	RoleAccount string
	TrustPolicy string
	ExternalID  string
	// CallerOrgID is the organization id of the caller's account ("" when
	// the account is not in the organization).
	CallerOrgID string
}

// TrustEvaluator decides sts:AssumeRole. The default is a simple
// principal match; the authorization engine can be plugged in here.
type TrustEvaluator interface {
	CanAssume(ctx context.Context, req TrustRequest) (bool, error)
}

func (s *Server) registerSTS() {
	s.Register("sts", "GetCallerIdentity", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		return &sts.GetCallerIdentityOutput{Account: aws.String(req.Caller.Account), Arn: aws.String(req.Caller.ARN), UserId: aws.String(req.Caller.UserID)}, nil
	}))
	s.Register("sts", "AssumeRole", HandlerFunc(s.assumeRole))
}

func (s *Server) assumeRole(ctx context.Context, req *Request) (any, error) {
	roleARN, session := req.Param("RoleArn"), req.Param("RoleSessionName")
	if roleARN == "" || session == "" {
		return nil, Errorf("ValidationError", "RoleArn and RoleSessionName are required")
	}
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return nil, Errorf("ValidationError", "%s is not a valid role ARN", roleARN)
	}
	account := parts[4]
	deny := Errorf("AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", req.Caller.ARN, roleARN)
	if s.Faults.unassumable(account, roleARN) {
		return nil, deny
	}
	policy, ok := s.trustPolicy(account, roleARN)
	if !ok {
		return nil, deny
	}
	tr := TrustRequest{Caller: req.Caller, RoleARN: roleARN, RoleAccount: account, TrustPolicy: policy, ExternalID: req.Param("ExternalId")}
	o := s.Organization()
	if o.Account(req.Caller.Account) != nil {
		tr.CallerOrgID = o.Id
	}
	var ev TrustEvaluator = simpleTrust{}
	if s.opts.Trust != nil {
		ev = s.opts.Trust
	}
	allowed, err := ev.CanAssume(ctx, tr)
	if err != nil {
		return nil, Errorf("AccessDenied", "trust policy of %s: %v", roleARN, err)
	}
	if !allowed {
		return nil, deny
	}
	ttl := time.Duration(req.IntParam("DurationSeconds", 3600)) * time.Second
	id := s.keys.session(s.partition(), account, roleARN, session, ttl)
	return &sts.AssumeRoleOutput{
		Credentials: &ststypes.Credentials{
			AccessKeyId: aws.String(id.AccessKeyID), SecretAccessKey: aws.String(id.SecretAccessKey),
			SessionToken: aws.String(id.SessionToken), Expiration: aws.Time(id.Expires),
		},
		AssumedRoleUser: &ststypes.AssumedRoleUser{Arn: aws.String(id.ARN), AssumedRoleId: aws.String(id.UserID)},
	}, nil
}

// trustPolicy finds a role's decoded trust policy in the account's IAM
// data (GetAccountAuthorizationDetails).
func (s *Server) trustPolicy(account, roleARN string) (string, bool) {
	raw, _, _, _ := s.lookup(account, snapshot.Global, "iam", "GetAccountAuthorizationDetails", "")
	var details struct {
		RoleDetailList []struct {
			Arn, RoleName            *string
			AssumeRolePolicyDocument *string
		}
	}
	if json.Unmarshal(raw, &details) != nil {
		return "", false
	}
	name := roleARN[strings.LastIndex(roleARN, "/")+1:]
	for _, r := range details.RoleDetailList {
		if (r.Arn != nil && *r.Arn == roleARN) || (r.Arn == nil && r.RoleName != nil && *r.RoleName == name) {
			if r.AssumeRolePolicyDocument == nil {
				return "", false
			}
			doc, err := url.QueryUnescape(*r.AssumeRolePolicyDocument)
			if err != nil {
				doc = *r.AssumeRolePolicyDocument
			}
			return doc, true
		}
	}
	return "", false
}

// simpleTrust is the built-in trust check: an Allow statement for
// sts:AssumeRole whose AWS principal names the caller's account root or
// account id, the caller's role or ARN, or "*"; the conditions
// aws:PrincipalOrgID, aws:PrincipalAccount and sts:ExternalId are
// checked, any other condition fails closed. A matching Deny wins.
type simpleTrust struct{}

type policyDoc struct {
	Statement flexList[policyStatement]
}

type policyStatement struct {
	Effect    string
	Action    flexStrings
	Principal json.RawMessage
	Condition map[string]map[string]flexStrings
}

func (simpleTrust) CanAssume(_ context.Context, tr TrustRequest) (bool, error) {
	var doc policyDoc
	if err := json.Unmarshal([]byte(tr.TrustPolicy), &doc); err != nil {
		return false, err
	}
	allowed := false
	for _, st := range doc.Statement {
		if !actionMatches(st.Action, "sts:AssumeRole") || !principalMatches(st.Principal, tr) || !conditionsHold(st.Condition, tr) {
			continue
		}
		if strings.EqualFold(st.Effect, "Deny") {
			return false, nil
		}
		allowed = true
	}
	return allowed, nil
}

func actionMatches(actions []string, want string) bool {
	for _, a := range actions {
		if a == "*" || strings.EqualFold(a, want) || strings.EqualFold(a, "sts:*") {
			return true
		}
	}
	return false
}

func principalMatches(raw json.RawMessage, tr TrustRequest) bool {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return star == "*"
	}
	var p map[string]flexStrings
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	c := tr.Caller
	for _, v := range p["AWS"] {
		switch {
		case v == "*", v == c.Account, v == c.ARN:
			return true
		case strings.HasSuffix(v, ":root") && strings.Split(v, ":")[4] == c.Account:
			return true
		case c.RoleARN != "" && v == c.RoleARN:
			return true
		}
	}
	return false
}

func conditionsHold(cond map[string]map[string]flexStrings, tr TrustRequest) bool {
	for op, kv := range cond {
		for key, vals := range kv {
			var got string
			switch strings.ToLower(key) {
			case "aws:principalorgid":
				got = tr.CallerOrgID
			case "aws:principalaccount":
				got = tr.Caller.Account
			case "sts:externalid":
				got = tr.ExternalID
			default:
				return false
			}
			if !conditionOp(op, got, vals) {
				return false
			}
		}
	}
	return true
}

func conditionOp(op, got string, vals []string) bool {
	for _, v := range vals {
		switch op {
		case "StringEquals", "ForAnyValue:StringEquals":
			if got == v {
				return true
			}
		case "StringEqualsIgnoreCase":
			if strings.EqualFold(got, v) {
				return true
			}
		case "StringLike":
			if ok, _ := pathMatch(v, got); ok {
				return true
			}
		default:
			return false
		}
	}
	return false
}

// pathMatch is a tiny glob for StringLike (* and ?).
func pathMatch(pattern, s string) (bool, error) {
	if pattern == "" {
		return s == "", nil
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if ok, _ := pathMatch(pattern[1:], s[i:]); ok {
				return true, nil
			}
		}
		return false, nil
	case '?':
		return s != "" && mustMatch(pattern[1:], s[1:]), nil
	}
	return s != "" && s[0] == pattern[0] && mustMatch(pattern[1:], s[1:]), nil
}

func mustMatch(p, s string) bool { ok, _ := pathMatch(p, s); return ok }

// flexStrings decodes a string or a list of strings.
type flexStrings []string

func (f *flexStrings) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*f = []string{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*f = many
	return err
}

// flexList decodes one object or a list of objects.
type flexList[T any] []T

func (f *flexList[T]) UnmarshalJSON(b []byte) error {
	var one T
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*f = []T{one}
		return nil
	}
	var many []T
	err := json.Unmarshal(b, &many)
	*f = many
	return err
}
