package baseline

import (
	"fmt"
	"slices"
	"strings"
)

// Service principals the baseline's organization services use.
var principals = map[string][]string{
	"cloudtrail":     {"cloudtrail.amazonaws.com"},
	"config":         {"config.amazonaws.com", "config-multiaccountsetup.amazonaws.com"},
	"guardduty":      {"guardduty.amazonaws.com", "malware-protection.guardduty.amazonaws.com"},
	"securityhub":    {"securityhub.amazonaws.com"},
	"inspector":      {"inspector2.amazonaws.com"},
	"macie":          {"macie.amazonaws.com"},
	"accessanalyzer": {"access-analyzer.amazonaws.com"},
}

// IAMPrincipal is IAM's service principal, whose trusted access
// centralized root access needs.
const IAMPrincipal = "iam.amazonaws.com"

// StackSetsPrincipal is the service principal of service-managed
// StackSets' trusted access.
const StackSetsPrincipal = "member.org.stacksets.cloudformation.amazonaws.com"

// OrgAccess is what the baseline needs of AWS Organizations itself:
// trusted access for service principals, and delegated administrators
// registered through Organizations (services whose own API does the
// registration, AdminServices, are not listed: their steps do it).
type OrgAccess struct {
	TrustedAccess []string
	// Delegated maps a service principal to the account id registered.
	Delegated map[string]string
}

// Organization returns the Organizations settings the baseline needs:
// the caller (plan) adds them as trusted-access and delegated-admin
// changes beside the configured ones.
func Organization(s *Settings) OrgAccess {
	if s.Standalone {
		return OrgAccess{Delegated: map[string]string{}}
	}
	out := OrgAccess{TrustedAccess: []string{StackSetsPrincipal}, Delegated: map[string]string{}}
	for _, svc := range s.Services {
		out.TrustedAccess = append(out.TrustedAccess, principals[svc]...)
	}
	if s.RootAccess {
		out.TrustedAccess = append(out.TrustedAccess, IAMPrincipal)
	}
	if s.AuditID != "" {
		for _, svc := range []string{"config", "accessanalyzer"} {
			if s.Has(svc) {
				out.Delegated[principals[svc][0]] = s.AuditID
			}
		}
	}
	return out
}

// Plan returns the steps that bring the baseline's organization-level
// objects from st to the settings, in an order that respects DependsOn.
// Steps already done are left out. It needs the Log Archive and Audit
// account ids; without them it returns an error naming what is missing.
func Plan(s *Settings, st *State) ([]Step, error) {
	if s.Standalone && s.AuditID == "" {
		return nil, fmt.Errorf("baseline: standalone mode needs the security (Audit) account's id")
	}
	if !s.Standalone && (s.LogArchiveID == "" || s.AuditID == "" || s.LogArchiveParent == "" || s.AuditParent == "") {
		return nil, fmt.Errorf("baseline: the Log Archive and Audit accounts must exist before the baseline is planned")
	}
	for i, t := range s.Targets {
		if t == "" && !s.Standalone {
			return nil, fmt.Errorf("baseline: target %s does not exist yet", s.TargetPaths[i])
		}
	}
	all, err := Desired(s)
	if err != nil {
		return nil, err
	}
	var out []Step
	for _, step := range all {
		step.Version = Observe(&step, st)
		if step.Version == step.Result {
			continue
		}
		out = append(out, step)
	}
	keys := map[string]bool{}
	for _, step := range out {
		keys[step.Key] = true
	}
	for i := range out {
		out[i].DependsOn = slices.DeleteFunc(out[i].DependsOn, func(k string) bool { return !keys[k] })
	}
	return out, nil
}

// Desired returns every step of the baseline with its Result, done or
// not, in dependency order.
func Desired(s *Settings) ([]Step, error) {
	if s.Standalone {
		return standaloneSteps(s)
	}
	var out []Step
	home := []string{s.HomeRegion}
	la, err := LogArchiveTemplate(s)
	if err != nil {
		return nil, err
	}
	out = append(out, stackSetStep(&StackSetSpec{Template: la, OUs: []string{s.LogArchiveParent}, Accounts: []string{s.LogArchiveID}, Regions: home}, "Log Archive bucket and key"))
	au, err := AuditTemplate(s)
	if err != nil {
		return nil, err
	}
	out = append(out, stackSetStep(&StackSetSpec{Template: au, OUs: []string{s.AuditParent}, Accounts: []string{s.AuditID}, Regions: home}, "Audit event bus, topic and aggregator role"))
	acct, err := AccountTemplate(s)
	if err != nil {
		return nil, err
	}
	what := "account baseline"
	if len(s.Roles) > 0 {
		what += "; cross-account roles " + strings.Join(s.RoleNames(), ", ")
	}
	ab := stackSetStep(&StackSetSpec{Template: acct, OUs: slices.Clone(s.Targets), AutoDeploy: true, Regions: slices.Clone(s.Regions)}, what)
	ab.DependsOn = []string{keyStackSet(StackSetLogArchive), keyStackSet(StackSetAudit)}
	out = append(out, ab)
	if s.Has("cloudtrail") {
		t := &TrailState{Bucket: s.BucketName, KMSKey: s.KeyArn(), Organization: true, MultiRegion: true,
			GlobalEvents: true, FileValidation: true, Logging: true}
		out = append(out, Step{Key: "org-trail:" + s.TrailName, Kind: KindTrail, Name: s.TrailName, Account: s.ManagementID,
			Regions: home, Trail: t, Address: "organization trail " + s.TrailName + " to " + s.BucketName,
			Result: t.Fingerprint(), DependsOn: []string{keyStackSet(StackSetLogArchive)}})
	}
	for _, svc := range AdminServices {
		if !s.Has(svc) {
			continue
		}
		out = append(out, Step{Key: "service-admin:" + svc, Kind: KindAdmin, Service: svc, Account: s.AuditID, Regions: slices.Clone(s.Regions),
			Address: svc + " delegated administrator " + s.AuditID, Result: wantAdmins(svc, s.AuditID, s.Regions)})
		if svc == "securityhub" {
			// Central configuration: a policy with the standards,
			// associated with the root, covers every account and region.
			out = append(out, Step{Key: "securityhub-policy:" + HubPolicyName, Kind: KindHubPolicy, Service: svc, Name: HubPolicyName,
				Account: s.AuditID, Regions: slices.Clone(s.Regions), Standards: slices.Clone(s.Standards), Target: s.RootID,
				Address: "Security Hub central configuration policy " + HubPolicyName + " (" + strings.Join(s.Standards, ", ") + ") on the root",
				Result:  HubFingerprint(s.Standards), DependsOn: []string{"service-admin:" + svc}})
			continue
		}
		out = append(out, Step{Key: "auto-enable:" + svc, Kind: KindAutoEnable, Service: svc, Account: s.AuditID, Regions: slices.Clone(s.Regions),
			Address: svc + " auto-enable for new accounts", Result: StateOn, DependsOn: []string{"service-admin:" + svc}})
	}
	if s.Has("config") {
		out = append(out, Step{Key: "config-aggregator:" + DefaultAggregator, Kind: KindAggregator, Name: DefaultAggregator, Account: s.AuditID,
			Regions: home, Address: "Config organization aggregator " + DefaultAggregator + " in " + s.AuditID, Result: StatePresent,
			DependsOn: []string{keyStackSet(StackSetAudit)}})
	}
	if s.Has("accessanalyzer") {
		for _, a := range []string{AnalyzerExternal, AnalyzerUnused} {
			out = append(out, Step{Key: "access-analyzer:" + a, Kind: KindAnalyzer, Name: a, Account: s.AuditID, Regions: home,
				Address: "IAM Access Analyzer " + a + " in " + s.AuditID, Result: StatePresent})
		}
	}
	out = append(out, rootSteps(s)...)
	return out, nil
}

// HubPolicyName is the Security Hub configuration policy the baseline
// creates in the Audit account.
const HubPolicyName = "orgrail-baseline"

// StandardARN returns the Security Hub standard ARN of one of orgrail's
// standard names in a region.
func StandardARN(name, region string) string {
	p := "arn:" + Partition(region) + ":securityhub:" + region + "::standards/"
	switch name {
	case "fsbp":
		return p + "aws-foundational-security-best-practices/v/1.0.0"
	case "cis":
		return p + "cis-aws-foundations-benchmark/v/3.0.0"
	case "pci-dss":
		return p + "pci-dss/v/3.2.1"
	case "nist-800-53":
		return p + "nist-800-53/v/5.0.0"
	}
	return ""
}

// StandardName is the inverse of StandardARN ("" for another standard).
func StandardName(arn string) string {
	for _, n := range []string{"fsbp", "cis", "pci-dss", "nist-800-53"} {
		if i := strings.Index(arn, "::standards/"); i > 0 && strings.HasSuffix(StandardARN(n, "x"), arn[i:]) {
			return n
		}
	}
	return ""
}

// Organization analyzers the baseline creates in the Audit account.
const (
	AnalyzerExternal = "orgrail-organization"
	AnalyzerUnused   = "orgrail-organization-unused-access"
)

func keyStackSet(name string) string { return "stackset:" + name }

func stackSetStep(spec *StackSetSpec, what string) Step {
	return Step{Key: keyStackSet(spec.Template.Name), Kind: KindStackSet, Name: spec.Template.Name, StackSet: spec,
		Regions: spec.Regions, Address: "StackSet " + spec.Template.Name + " (" + what + ")", Result: spec.State().Fingerprint()}
}

// KeyArn is the ARN of the Log Archive key's alias, which the trail uses.
func (s *Settings) KeyArn() string {
	return "arn:" + Partition(s.HomeRegion) + ":kms:" + s.HomeRegion + ":" + s.LogArchiveID + ":" + KeyAlias
}
