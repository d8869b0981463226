package baseline

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// Check statuses.
const (
	Pass    = "pass"
	Fail    = "fail"
	Unknown = "unknown" // the snapshot does not hold the data
)

// Check is one baseline control verified for one account (and region).
type Check struct {
	ID     string `json:"id"`
	Region string `json:"region,omitempty"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// Report is the baseline state of one account.
type Report struct {
	Account string  `json:"account"`
	Checks  []Check `json:"checks"`
	// Passed is true when every check passed.
	Passed bool `json:"passed"`
}

// Failed returns the checks that did not pass (failed or unknown).
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status != Pass {
			out = append(out, c)
		}
	}
	return out
}

// verifier reads one account's service files.
type verifier struct {
	snap    *snapshot.Snapshot
	s       *Settings
	account string
	rep     *Report
}

// Verify checks, over a snapshot, that the baseline is in place in one
// account: the account settings and roles in the home region, EBS
// default encryption, Config, GuardDuty and Security Hub in every
// baseline region, and the organization trail. It is the check the
// account factory runs after vending (collect the account, then Verify).
func Verify(snap *snapshot.Snapshot, s *Settings, accountID string) *Report {
	v := &verifier{snap: snap, s: s, account: accountID, rep: &Report{Account: accountID}}
	v.global()
	for _, r := range s.Regions {
		v.regional(r)
	}
	v.trail()
	v.rootCredentials()
	v.rep.Passed = len(v.rep.Failed()) == 0
	return v.rep
}

// rootCredentials checks, with centralized root access, that a member
// account's root user has no password, access keys or signing
// certificates (the account summary's AccountPasswordPresent,
// AccountAccessKeysPresent, AccountSigningCertificatesPresent).
func (v *verifier) rootCredentials() {
	if !v.s.RootAccess || v.account == v.s.ManagementID {
		return
	}
	const id = "root-credentials-removed"
	var sum iam.GetAccountSummaryOutput
	if !v.read(id, snapshot.Global, "iam", "GetAccountSummary", &sum) {
		return
	}
	var left []string
	for _, k := range []string{"AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent"} {
		if n, ok := sum.SummaryMap[k]; !ok || n != 0 {
			left = append(left, k)
		}
	}
	v.add(id, snapshot.Global, len(left) == 0, "root user without credentials (still: %s)", orNone(left))
}

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

func (v *verifier) add(id, region string, ok bool, detail string, a ...any) {
	st := Fail
	if ok {
		st = Pass
	}
	v.rep.Checks = append(v.rep.Checks, Check{ID: id, Region: region, Status: st, Detail: fmt.Sprintf(detail, a...)})
}

func (v *verifier) unknown(id, region string, err error) {
	v.rep.Checks = append(v.rep.Checks, Check{ID: id, Region: region, Status: Unknown, Detail: err.Error()})
}

// read decodes one operation's output; false (with an unknown check)
// when the snapshot lacks it.
func (v *verifier) read(id, region, service, op string, out any) bool {
	f, err := v.snap.Service(v.account, region, service)
	if err == nil {
		var ok bool
		ok, err = f.Get(op, out)
		if err == nil && !ok {
			if code := f.Error(op); code != "" {
				return false
			}
			err = fmt.Errorf("%s %s not collected", service, op)
		}
	}
	if err != nil {
		v.unknown(id, region, err)
		return false
	}
	return true
}

func (v *verifier) global() {
	g := snapshot.Global
	var pab s3control.GetPublicAccessBlockOutput
	// An informative error (no configuration at all) reads as a failure.
	v.read("s3-account-public-access-block", g, "s3control", "GetPublicAccessBlock", &pab)
	c := pab.PublicAccessBlockConfiguration
	ok := c != nil && deref(c.BlockPublicAcls) && deref(c.BlockPublicPolicy) && deref(c.IgnorePublicAcls) && deref(c.RestrictPublicBuckets)
	v.addOnce("s3-account-public-access-block", g, ok, "all four account-level settings on")
	var pw iam.GetAccountPasswordPolicyOutput
	v.read("password-policy", g, "iam", "GetAccountPasswordPolicy", &pw)
	ok = pw.PasswordPolicy != nil && deref32(pw.PasswordPolicy.MinimumPasswordLength) >= int32(v.s.MinLength) &&
		pw.PasswordPolicy.PasswordReusePrevention != nil && int(*pw.PasswordPolicy.PasswordReusePrevention) >= v.s.Reuse
	v.addOnce("password-policy", g, ok, "minimum length %d, reuse prevention %d", v.s.MinLength, v.s.Reuse)
	var auth iam.GetAccountAuthorizationDetailsOutput
	if v.read("audit-roles", g, "iam", "GetAccountAuthorizationDetails", &auth) {
		for _, name := range []string{v.s.AuditRole, v.s.BreakGlassRole} {
			ok := false
			for _, r := range auth.RoleDetailList {
				if r.RoleName != nil && *r.RoleName == name && r.AssumeRolePolicyDocument != nil {
					doc, _ := url.QueryUnescape(*r.AssumeRolePolicyDocument)
					ok = strings.Contains(doc, v.s.AuditID) && trustsOnly(doc, v.s.AuditID)
				}
			}
			v.add("role:"+name, g, ok, "role %s trusted only by the Audit account %s", name, v.s.AuditID)
		}
	}
	if v.s.Contact.Email != "" {
		f, err := v.snap.Service(v.account, g, "account")
		if err != nil {
			v.unknown("security-contact", g, err)
		} else {
			var out account.GetAlternateContactOutput
			ok, _ := f.GetResource("GetAlternateContact", "SECURITY", &out)
			v.add("security-contact", g, ok && out.AlternateContact != nil, "alternate SECURITY contact set")
		}
	}
}

// addOnce adds a check unless read already recorded it as unknown.
func (v *verifier) addOnce(id, region string, ok bool, detail string, a ...any) {
	for _, c := range v.rep.Checks {
		if c.ID == id && c.Region == region {
			return
		}
	}
	v.add(id, region, ok, detail, a...)
}

func (v *verifier) regional(r string) {
	var ebs ec2.GetEbsEncryptionByDefaultOutput
	if v.read("ebs-default-encryption", r, "ec2", "GetEbsEncryptionByDefault", &ebs) {
		v.add("ebs-default-encryption", r, deref(ebs.EbsEncryptionByDefault), "EBS encryption by default on")
	}
	if v.s.Has("config") {
		var st configservice.DescribeConfigurationRecorderStatusOutput
		if v.read("config-recorder", r, "config", "DescribeConfigurationRecorderStatus", &st) {
			ok := false
			for _, x := range st.ConfigurationRecordersStatus {
				ok = ok || x.Recording
			}
			v.add("config-recorder", r, ok, "a Config recorder is recording")
		}
	}
	if v.s.Has("guardduty") {
		var d guardduty.ListDetectorsOutput
		if v.read("guardduty", r, "guardduty", "ListDetectors", &d) {
			v.add("guardduty", r, len(d.DetectorIds) > 0, "a GuardDuty detector exists")
		}
	}
	if v.s.Has("securityhub") {
		var h securityhub.DescribeHubOutput
		f, err := v.snap.Service(v.account, r, "securityhub")
		if err != nil {
			v.unknown("securityhub", r, err)
		} else {
			ok, _ := f.Get("DescribeHub", &h)
			v.add("securityhub", r, ok && h.HubArn != nil, "Security Hub enabled")
		}
	}
}

func (v *verifier) trail() {
	if !v.s.Has("cloudtrail") {
		return
	}
	var t cloudtrail.DescribeTrailsOutput
	if !v.read("organization-trail", v.s.HomeRegion, "cloudtrail", "DescribeTrails", &t) {
		return
	}
	ok := false
	for _, x := range t.TrailList {
		ok = ok || (x.Name != nil && *x.Name == v.s.TrailName && deref(x.IsOrganizationTrail) && deref(x.LogFileValidationEnabled))
	}
	v.add("organization-trail", v.s.HomeRegion, ok, "organization trail %s with log file validation covers the account", v.s.TrailName)
}

// trustsOnly reports whether every account id in a trust policy is the
// Audit account's (service principals aside).
func trustsOnly(doc, audit string) bool {
	for i := 0; i+12 <= len(doc); i++ {
		if strings.HasPrefix(doc[i:], "iam::") {
			id := doc[i+5:]
			if len(id) >= 12 && id[:12] != audit {
				return false
			}
		}
	}
	return true
}

func deref(b *bool) bool { return b != nil && *b }

func deref32(n *int32) int32 {
	if n == nil {
		return 0
	}
	return *n
}
