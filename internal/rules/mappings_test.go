package rules

import (
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/shareddata"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sharedData returns ../shared/data, or skips.
func sharedData(t *testing.T) string { return shareddata.Dir(t, "") }

// knownOutsidePacks are managed rule identifiers the conformance packs
// of the shared data do not reference (checked against the AWS Config
// managed rule list).
// ruleNames are Config rule names whose identifier is not the name
// upper-cased (AWS named them differently).
var ruleNames = map[string]string{"CLOUD_TRAIL_ENABLED": "cloudtrail-enabled", "MULTI_REGION_CLOUD_TRAIL_ENABLED": "multi-region-cloudtrail-enabled",
	"RESTRICTED_INCOMING_TRAFFIC": "restricted-common-ports", "INCOMING_SSH_DISABLED": "restricted-ssh",
	"EC2_INSTANCE_MANAGED_BY_SSM": "ec2-instance-managed-by-systems-manager"}

var knownOutsidePacks = map[string]bool{"IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED": true, "IAM_POLICY_BLACKLISTED_CHECK": true,
	"EBS_SNAPSHOT_BLOCK_PUBLIC_ACCESS": true,
	// docs.aws.amazon.com/config/latest/developerguide/sns-topic-no-public-access.html
	// and sqs-queue-no-public-access.html give these identifiers.
	"SNS_TOPIC_NO_PUBLIC_ACCESS": true, "SQS_QUEUE_NO_PUBLIC_ACCESS": true,
	// autoscaling-launch-template.html and ec2-paravirtual-instance-check.html.
	"AUTOSCALING_LAUNCH_TEMPLATE": true, "EC2_PARAVIRTUAL_INSTANCE_CHECK": true,
	// docs.aws.amazon.com/config/latest/developerguide/aurora-mysql-backtracking-enabled.html
	"AURORA_MYSQL_BACKTRACKING_ENABLED": true,
	// docs.aws.amazon.com/config/latest/developerguide/api-gwv2-authorization-type-configured.html
	"API_GWV2_AUTHORIZATION_TYPE_CONFIGURED": true,
	// docs.aws.amazon.com/config/latest/developerguide/cloudfront-s3-origin-non-existent-bucket.html
	// (Security Hub CloudFront.12 names this rule)
	"CLOUDFRONT_S3_ORIGIN_NON_EXISTENT_BUCKET": true}

// TestMappingsAgainstPublicData checks every mapping against the public
// mappings: Config rule identifiers exist, Security Hub controls map to
// the same Config rule where the 2023 list says so, Control Tower
// controls come from the Control Tower detective pack.
func TestMappingsAgainstPublicData(t *testing.T) {
	dir := filepath.Join(sharedData(t), "controls")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Skip(err)
		}
		return string(b)
	}
	ids := map[string]bool{}
	for _, l := range strings.Split(read("config_managed_rule_ids_from_conformance_packs.txt"), "\n") {
		ids[strings.Trim(strings.TrimSpace(l), `"`)] = true
	}
	ct := map[string]bool{}
	for _, m := range regexp.MustCompile(`SourceIdentifier: (\w+)`).FindAllStringSubmatch(read("AWS-Control-Tower-Detective-Guardrails.yaml"), -1) {
		ct[m[1]] = true
	}
	shToConfig := map[string]string{}
	for _, l := range strings.Split(read("securityhub_controls_to_config_rules_2023.txt"), "\n") {
		p := strings.Split(l, "|")
		if len(p) == 3 {
			shToConfig[strings.TrimSpace(p[0])] = p[2]
		}
	}
	ctName := regexp.MustCompile(`^AWS-GR_[A-Z0-9_]+$`)
	nist := regexp.MustCompile(`^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}$`)
	cis := regexp.MustCompile(`^[1-5](\.[0-9]+){1,2}$`)
	for _, r := range Builtin() {
		m := r.Mappings
		for _, id := range append([]string{m.ConfigRule}, r.AlsoConfigRules...) {
			if id != "" && !ids[id] && !knownOutsidePacks[id] {
				t.Errorf("%s: Config rule %s is not a known managed rule identifier", r.ID, id)
			}
		}
		if m.ControlTower != "" {
			if !ctName.MatchString(m.ControlTower) || m.ConfigRule == "" || !ct[m.ConfigRule] {
				t.Errorf("%s: Control Tower control %s without its Config rule in the Control Tower pack", r.ID, m.ControlTower)
			}
		}
		for _, c := range findings.ControlIDs(m.SecurityHub) {
			if want, ok := shToConfig[c]; ok && m.ConfigRule != "" {
				if !configRuleIn(want, r) && !strings.Contains(want, "None") && !strings.Contains(want, "?") && !strings.Contains(want, "Custom rule") {
					t.Errorf("%s: Security Hub %s maps to %q, the rule says %s", r.ID, c, strings.TrimSpace(want), m.ConfigRule)
				}
			}
		}
		if m.NistCsf == "" || !nist.MatchString(m.NistCsf) {
			t.Errorf("%s: NIST CSF 2.0 category %q", r.ID, m.NistCsf)
		}
		if m.CIS != "" && !cis.MatchString(m.CIS) {
			t.Errorf("%s: CIS item %q", r.ID, m.CIS)
		}
	}
}

// TestDocsListEveryRule keeps docs/rules.md in step with the catalogue.
func TestDocsListEveryRule(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "rules.md"))
	if err != nil {
		t.Skip("docs/rules.md absent")
	}
	for _, r := range Builtin() {
		if !strings.Contains(string(b), "`"+r.ID+"`") {
			t.Errorf("docs/rules.md does not list %s", r.ID)
		}
	}
	if n := len(Builtin()); n < 60 {
		t.Errorf("%d built-in rules, want at least 60", n)
	}
}
