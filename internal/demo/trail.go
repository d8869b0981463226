package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// record is one CloudTrail record, fields in CloudTrail's order.
type record struct {
	EventVersion        string         `json:"eventVersion"`
	UserIdentity        identity       `json:"userIdentity"`
	EventTime           string         `json:"eventTime"`
	EventSource         string         `json:"eventSource"`
	EventName           string         `json:"eventName"`
	AwsRegion           string         `json:"awsRegion"`
	SourceIPAddress     string         `json:"sourceIPAddress"`
	UserAgent           string         `json:"userAgent"`
	ErrorCode           string         `json:"errorCode,omitempty"`
	ErrorMessage        string         `json:"errorMessage,omitempty"`
	RequestParameters   any            `json:"requestParameters"`
	ResponseElements    any            `json:"responseElements"`
	AdditionalEventData any            `json:"additionalEventData,omitempty"`
	RequestID           string         `json:"requestID,omitempty"`
	EventID             string         `json:"eventID"`
	ReadOnly            bool           `json:"readOnly"`
	Resources           []trailResName `json:"resources,omitempty"`
	EventType           string         `json:"eventType"`
	ManagementEvent     bool           `json:"managementEvent"`
	RecipientAccountID  string         `json:"recipientAccountId"`
	SharedEventID       string         `json:"sharedEventID,omitempty"`
	EventCategory       string         `json:"eventCategory"`
	TLSDetails          *tlsDetails    `json:"tlsDetails,omitempty"`
	FromConsole         string         `json:"sessionCredentialFromConsole,omitempty"`

	at time.Time // eventTime as a time, for grouping
}

type identity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId,omitempty"`
	Arn            string          `json:"arn,omitempty"`
	AccountID      string          `json:"accountId,omitempty"`
	AccessKeyID    string          `json:"accessKeyId,omitempty"`
	UserName       string          `json:"userName,omitempty"`
	SessionContext *sessionContext `json:"sessionContext,omitempty"`
	InvokedBy      string          `json:"invokedBy,omitempty"`
}

type sessionContext struct {
	SessionIssuer *sessionIssuer `json:"sessionIssuer,omitempty"`
	Attributes    sessionAttrs   `json:"attributes"`
}

type sessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	Arn         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

type sessionAttrs struct {
	CreationDate     string `json:"creationDate"`
	MfaAuthenticated string `json:"mfaAuthenticated"`
}

type trailResName struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
}

type tlsDetails struct {
	TLSVersion               string `json:"tlsVersion"`
	CipherSuite              string `json:"cipherSuite"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader"`
}

// principal is who makes a session's calls.
type principal struct {
	id        identity
	ip        string
	userAgent string
	console   bool
}

// ssoUsers are the people behind Identity Center sessions.
var ssoUsers = []string{"ayaka.sato", "ben.ortiz", "kenji.ito", "mei.chen", "taro.yamada", "sofia.rossi", "li.wei", "noah.kim"}

var officeIPs = []string{"203.0.113.24", "203.0.113.57", "198.51.100.12", "198.51.100.89"}

const (
	consoleUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	cliUA     = "aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe"
	sdkUA     = "aws-sdk-go-v2/1.32.6 ua/2.1 os/linux lang/go#1.23.4 md/GOOS#linux md/GOARCH#amd64 api/lambda#1.69.0"
)

func sessionStart(t time.Time) string {
	return t.Add(-7 * time.Minute).UTC().Format("2006-01-02T15:04:05Z")
}

// roleSession is an assumed-role identity in account a.
func roleSession(r *rand.Rand, a *acct, roleName, path, session string, at time.Time, mfa bool) identity {
	roleID := uniqueID(newRand(uint64(a.index), uint64(len(roleName))*31), "AROA")
	return identity{Type: "AssumedRole", PrincipalID: roleID + ":" + session,
		Arn:       fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", a.Id, roleName, session),
		AccountID: a.Id, AccessKeyID: accessKeyID(r, "ASIA"),
		SessionContext: &sessionContext{SessionIssuer: &sessionIssuer{Type: "Role", PrincipalID: roleID,
			Arn: fmt.Sprintf("arn:aws:iam::%s:role%s%s", a.Id, path, roleName), AccountID: a.Id, UserName: roleName},
			Attributes: sessionAttrs{CreationDate: sessionStart(at), MfaAuthenticated: fmt.Sprint(mfa)}}}
}

func ssoPrincipal(r *rand.Rand, a *acct, admin bool, person string, at time.Time) principal {
	role := ssoReadOnlyRole
	if admin {
		role = ssoAdminRole
	}
	email := person + "@" + companyDomain
	return principal{id: roleSession(r, a, role, "/aws-reserved/sso.amazonaws.com/", email, at, false),
		ip: officeIPs[r.IntN(len(officeIPs))], userAgent: cliUA}
}

// newRecord fills the fields every record has.
func newRecord(r *rand.Rand, a *acct, p principal, at time.Time, source, name, region string, readOnly bool) *record {
	host := strings.Replace(source, ".amazonaws.com", "."+region+".amazonaws.com", 1)
	if source == "iam.amazonaws.com" || source == "organizations.amazonaws.com" {
		host = source
	}
	rec := &record{EventVersion: "1.11", UserIdentity: p.id, EventTime: at.UTC().Format("2006-01-02T15:04:05Z"),
		EventSource: source, EventName: name, AwsRegion: region, SourceIPAddress: p.ip, UserAgent: p.userAgent,
		RequestID: uuid(r), EventID: uuid(r), ReadOnly: readOnly, EventType: "AwsApiCall", ManagementEvent: true,
		RecipientAccountID: a.Id, EventCategory: "Management", at: at,
		TLSDetails: &tlsDetails{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ClientProvidedHostHeader: host}}
	if p.id.InvokedBy != "" {
		rec.TLSDetails = nil
	}
	if p.console {
		rec.FromConsole = "true"
	}
	return rec
}

// globalSource reports services whose events CloudTrail records in us-east-1.
func globalSource(source string) bool {
	switch source {
	case "iam.amazonaws.com", "organizations.amazonaws.com", "signin.amazonaws.com", "account.amazonaws.com":
		return true
	}
	return false
}

// op is an ordinary API call of the activity mix.
type op struct {
	source, name string
	readOnly     bool
	params       func(w *world, a *acct, region string) any
}

func none(*world, *acct, string) any { return nil }

var readOps = []op{
	{"ec2.amazonaws.com", "DescribeInstances", true, func(*world, *acct, string) any {
		return map[string]any{"instancesSet": map[string]any{}, "filterSet": map[string]any{}}
	}},
	{"ec2.amazonaws.com", "DescribeSecurityGroups", true, func(*world, *acct, string) any {
		return map[string]any{"securityGroupSet": map[string]any{}, "securityGroupIdSet": map[string]any{}, "filterSet": map[string]any{}}
	}},
	{"ec2.amazonaws.com", "DescribeVpcs", true, func(*world, *acct, string) any {
		return map[string]any{"vpcSet": map[string]any{}, "filterSet": map[string]any{}}
	}},
	{"s3.amazonaws.com", "ListBuckets", true, func(w *world, a *acct, r string) any {
		return map[string]any{"Host": "s3." + r + ".amazonaws.com"}
	}},
	{"iam.amazonaws.com", "ListRoles", true, none},
	{"iam.amazonaws.com", "GetAccountSummary", true, none},
	{"lambda.amazonaws.com", "ListFunctions20150331", true, none},
	{"kms.amazonaws.com", "ListAliases", true, none},
	{"rds.amazonaws.com", "DescribeDBInstances", true, none},
	{"cloudtrail.amazonaws.com", "LookupEvents", true, func(*world, *acct, string) any {
		return map[string]any{"maxResults": 50}
	}},
	{"sts.amazonaws.com", "GetCallerIdentity", true, none},
	{"logs.amazonaws.com", "DescribeLogGroups", true, none},
	{"monitoring.amazonaws.com", "GetMetricData", true, none},
	{"config.amazonaws.com", "DescribeComplianceByConfigRule", true, none},
}

var writeOps = []op{
	{"lambda.amazonaws.com", "UpdateFunctionCode20150331v2", false, func(w *world, a *acct, r string) any {
		return map[string]any{"functionName": a.Name + "-worker", "publish": true}
	}},
	{"ec2.amazonaws.com", "CreateTags", false, func(w *world, a *acct, r string) any {
		return map[string]any{"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": "i-0" + a.Id + "d3e4"}}},
			"tagSet": map[string]any{"items": []any{map[string]any{"key": "DeployedBy", "value": "github-actions"}}}}
	}},
	{"ssm.amazonaws.com", "PutParameter", false, func(w *world, a *acct, r string) any {
		return map[string]any{"name": "/" + a.Name + "/release", "type": "String", "overwrite": true}
	}},
	{"logs.amazonaws.com", "CreateLogStream", false, func(w *world, a *acct, r string) any {
		return map[string]any{"logGroupName": "/aws/lambda/" + a.Name + "-worker", "logStreamName": "deploy"}
	}},
}

// session is a burst of calls by one principal in one region and hour.
type session struct {
	start  time.Time
	region string
	kind   string // "sso", "deploy", "config"
	n      int
}

// ordinaryActivity returns the account's ordinary records over the demo
// window: sessions of 6 to 14 calls, mostly read-only.
func ordinaryActivity(w *world, a *acct) []*record {
	r := newRand(w.opt.Seed^0x7a11, uint64(a.index))
	var out []*record
	home := w.homeRegion(a)
	for d := range w.opt.Days {
		day := w.start.AddDate(0, 0, d)
		budget := w.opt.EventsPerAccountDay
		for budget > 0 {
			n := min(budget, 6+r.IntN(9))
			budget -= n
			s := session{n: n, region: home, kind: "sso",
				start: day.Add(time.Duration(r.IntN(24))*time.Hour + time.Duration(r.IntN(50))*time.Minute)}
			if r.IntN(10) < 3 {
				s.region = w.regions[r.IntN(len(w.regions))]
			}
			switch x := r.IntN(4); {
			case x == 0:
				s.kind = "config"
			case x == 1 && a.kind == kindWorkload:
				s.kind = "deploy"
			}
			out = append(out, sessionRecords(w, a, r, s)...)
		}
	}
	return out
}

func sessionRecords(w *world, a *acct, r *rand.Rand, s session) []*record {
	var p principal
	switch s.kind {
	case "config":
		p = principal{id: roleSession(r, a, configSLR, "/aws-service-role/config.amazonaws.com/", "AWSConfig-Describe", s.start, false),
			ip: "config.amazonaws.com", userAgent: "config.amazonaws.com"}
		p.id.InvokedBy = "config.amazonaws.com"
	case "deploy":
		p = principal{id: roleSession(r, a, a.system+"-deploy", "/", "GitHubActions", s.start, false),
			ip: fmt.Sprintf("140.82.%d.%d", 112+r.IntN(4), 1+r.IntN(250)), userAgent: sdkUA}
	default:
		p = ssoPrincipal(r, a, false, ssoUsers[r.IntN(len(ssoUsers))], s.start)
	}
	var out []*record
	at := s.start
	for i := range s.n {
		o := readOps[r.IntN(len(readOps))]
		if s.kind == "deploy" && i%2 == 1 {
			o = writeOps[r.IntN(len(writeOps))]
		}
		region := s.region
		if globalSource(o.source) {
			region = "us-east-1"
		}
		rec := newRecord(r, a, p, at, o.source, o.name, region, o.readOnly)
		rec.RequestParameters = o.params(w, a, region)
		out = append(out, rec)
		at = at.Add(time.Duration(5+r.IntN(40)) * time.Second)
	}
	return out
}

// sortRecords orders records by time, then event id.
func sortRecords(rs []*record) {
	sort.Slice(rs, func(i, j int) bool {
		if !rs[i].at.Equal(rs[j].at) {
			return rs[i].at.Before(rs[j].at)
		}
		return rs[i].EventID < rs[j].EventID
	})
}
