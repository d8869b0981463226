package config

import "testing"

// baseSecurity is a configuration with the accounts and region a
// baseline needs.
const baseSecurity = "organization:\n  homeRegion: ap-northeast-1\n" + twoAccounts +
	"security:\n  logArchiveAccount: alpha\n  auditAccount: beta\nous:\n  - path: Workloads\n"

func init() {
	loadCases = append(loadCases,
		loadCase{"baseline without security accounts", map[string]string{"a.yaml": "baseline:\n  »»»targets: [Root]\n"},
			[]string{"baseline-incomplete", "baseline-incomplete", "baseline-incomplete"}},
		loadCase{"baseline unknown target", map[string]string{"a.yaml": baseSecurity + "baseline:\n  targets: [Root, Workloads, »Workload]\n"},
			[]string{"baseline-unknown-target"}},
		loadCase{"baseline bad region", map[string]string{"a.yaml": baseSecurity + "baseline:\n  regions: [»ap-northeast-9]\n"},
			[]string{"bad-region"}},
		loadCase{"baseline bad values", map[string]string{"a.yaml": baseSecurity + "baseline:\n" +
			"  passwordPolicy: {minimumLength: »6, reusePrevention: »30}\n" +
			"  securityHub: {standards: [fsbp, »cis-1.2]}\n" +
			"  logArchive: {bucketName: »Logs_Bucket, objectLockDays: »0}\n" +
			"  roles: {breakGlass: »\"arn:aws:iam::1:role/x\"}\n" +
			"  securityContact: »{name: Sec, email: »not-an-address}\n" +
			"  trail: {name: »a}\n" +
			"  eventForwarding: {busName: »\"bad bus\", topicName: »\"bad.topic\"}\n"},
			[]string{"baseline-bad-value", "baseline-bad-value", "baseline-bad-value", "baseline-bad-value", "baseline-bad-value",
				"baseline-bad-value", "baseline-bad-value", "baseline-bad-value", "baseline-bad-value", "baseline-bad-value", "baseline-bad-value"}},
		loadCase{"baseline root access needs Organizations", map[string]string{"a.yaml": "organization:\n  mode: standalone\n  homeRegion: ap-northeast-1\n" +
			"  jumpAccount: alpha\n  roleChain: [{role: OrgrailAudit}]\n" +
			"accounts:\n  - {name: alpha, id: \"111111111111\"}\n  - {name: beta, id: \"222222222222\"}\n" +
			"security:\n  logArchiveAccount: alpha\n  auditAccount: beta\n" +
			"baseline:\n  rootAccess: {centralize: »true}\n"},
			[]string{"baseline-bad-value"}},
		loadCase{"baseline root access", map[string]string{"a.yaml": baseSecurity + "baseline:\n  rootAccess: {centralize: true}\n"}, []string{}},
		loadCase{"baseline defaults are valid", map[string]string{"a.yaml": baseSecurity + "baseline: {}\n"}, []string{}},
	)
}

// TestBaselineEnabled tells a written baseline section from none.
func TestBaselineEnabled(t *testing.T) {
	c, _ := Parse("a.yaml", []byte("baseline: {}\n"))
	if !c.Baseline.Enabled() {
		t.Error("baseline: {} is not enabled")
	}
	c, _ = Parse("a.yaml", []byte("standards: {}\n"))
	if c.Baseline.Enabled() {
		t.Error("no baseline section is enabled")
	}
}
