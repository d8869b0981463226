package rules

import (
	"bufio"
	"github.com/orgrail/orgrail/internal/findings"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readFacts reads a testdata/mappings file: lines of fields separated by
// "|" (or by blanks when sep is ""), "#" lines being the header with the
// source.
func readFacts(t *testing.T, name, sep string) [][]string {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", "mappings", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out [][]string
	sc := bufio.NewScanner(fh)
	sawSource := false
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "#") {
			sawSource = sawSource || strings.Contains(l, "SOURCE")
			continue
		}
		if l == "" {
			continue
		}
		var f []string
		if sep == "" {
			f = strings.Fields(l)
		} else {
			for _, p := range strings.Split(l, sep) {
				f = append(f, strings.TrimSpace(p))
			}
		}
		out = append(out, f)
	}
	if !sawSource {
		t.Fatalf("%s names no SOURCE", name)
	}
	return out
}

// TestCISMappingsAgreeWithCISv3 checks every CIS mapping of the built-in
// rules against CIS AWS Foundations Benchmark v3.0.0 as a machine-readable
// source lists it (testdata/mappings/cis-aws-v3.0.0.txt): the id exists,
// and the requirement is implemented by a check equivalent to the rule's;
// conversely a rule whose equivalent check implements a requirement maps
// to it. The differences between sources are listed, with the reason, in
// cis-exceptions.txt.
func TestCISMappingsAgreeWithCISv3(t *testing.T) {
	reqs := map[string][]string{} // id → checks
	byCheck := map[string][]string{}
	for _, f := range readFacts(t, "cis-aws-v3.0.0.txt", "|") {
		checks := strings.Fields(f[2])
		reqs[f[0]] = checks
		for _, c := range checks {
			byCheck[c] = append(byCheck[c], f[0])
		}
	}
	equiv := map[string][]string{}
	for _, f := range readFacts(t, "prowler-equivalents.txt", "") {
		equiv[f[0]] = f[1:]
	}
	except := map[string]string{}
	for _, f := range readFacts(t, "cis-exceptions.txt", "|") {
		except[f[0]] = f[1]
	}
	agree, total := 0, 0
	for _, r := range Builtin() {
		id := r.Mappings.CIS
		if x, ok := except[r.ID]; ok {
			if x != nonEmpty(id, "-") {
				t.Errorf("%s maps CIS %q, cis-exceptions.txt says %s", r.ID, id, x)
			}
			continue
		}
		implements := map[string]bool{}
		for _, c := range equiv[r.ID] {
			for _, req := range byCheck[c] {
				implements[req] = true
			}
		}
		if id == "" {
			if len(implements) > 0 {
				t.Errorf("%s maps no CIS requirement; CIS v3.0.0 lists its equivalent under %v", r.ID, keys(implements))
			}
			continue
		}
		total++
		if _, ok := reqs[id]; !ok {
			t.Errorf("%s maps CIS %s, which CIS v3.0.0 does not have", r.ID, id)
			continue
		}
		if !implements[id] {
			t.Errorf("%s maps CIS %s; CIS v3.0.0 implements that with %v, not with the rule's equivalents %v", r.ID, id, reqs[id], equiv[r.ID])
			continue
		}
		agree++
	}
	t.Logf("CIS v3.0.0 mappings: %d of %d agree with the machine-readable source (%d explained exceptions)", agree, total, len(except))
}

// TestNISTCSFMappingsAreCSF2Categories: every rule maps to one of the 22
// categories of NIST CSF 2.0 as NIST lists them (no CSF 1.1 category such
// as PR.AC or PR.PT).
func TestNISTCSFMappingsAreCSF2Categories(t *testing.T) {
	cats := map[string]bool{}
	for _, f := range readFacts(t, "nist-csf-2.0-categories.txt", "|") {
		cats[f[0]] = true
	}
	if len(cats) != 22 {
		t.Fatalf("%d CSF 2.0 categories, NIST lists 22", len(cats))
	}
	for _, r := range Builtin() {
		if !cats[r.Mappings.NistCsf] {
			t.Errorf("%s maps NIST CSF %q, not a CSF 2.0 category", r.ID, r.Mappings.NistCsf)
		}
	}
}

// TestSecurityHubMappingsAgreeWithAWS: a rule's Security Hub control and
// Config rule agree with the Security Hub user guide's control → Config
// rule list (testdata/mappings/securityhub-config-rules.txt). Controls
// newer than the list (IAM.27, IAM.28, SecurityHub.1, ACM.2) are named in
// newerControls.
func TestSecurityHubMappingsAgreeWithAWS(t *testing.T) {
	newerControls := map[string]bool{"IAM.27": true, "IAM.28": true, "SecurityHub.1": true, "ACM.2": true, "IAM.26": true,
		"NetworkFirewall.2": true,
		// docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-1
		// (Config rule eks-endpoint-no-public-access)
		"EKS.1": true}
	sh := map[string]string{}
	for _, f := range readFacts(t, "securityhub-config-rules.txt", "|") {
		sh[f[0]] = f[2]
	}
	for _, r := range Builtin() {
		for _, c := range findings.ControlIDs(r.Mappings.SecurityHub) {
			want, ok := sh[c]
			if !ok {
				if !newerControls[c] {
					t.Errorf("%s maps Security Hub %s, which the list lacks", r.ID, c)
				}
				continue
			}
			if r.Mappings.ConfigRule == "" || strings.Contains(want, "None") || strings.Contains(want, "?") || strings.Contains(want, "Custom rule") {
				continue
			}
			if !configRuleIn(want, r) {
				t.Errorf("%s: Security Hub %s is %q, the rule says %s", r.ID, c, want, r.Mappings.ConfigRule)
			}
		}
	}
}

// configRuleIn reports whether AWS's Config rule text want names the
// rule's Config rule or one of its AlsoConfigRules.
func configRuleIn(want string, r *Rule) bool {
	for _, id := range append([]string{r.Mappings.ConfigRule}, r.AlsoConfigRules...) {
		got := strings.ToLower(strings.ReplaceAll(id, "_", "-"))
		if n, ok := ruleNames[id]; ok {
			got = n
		}
		if strings.Contains(want, got) {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
