package findings

import "testing"

// CheckFormatsForTest validates a report's OCSF, SARIF and ASFF against
// the official schemas (OCSF 1.3.0 and SARIF 2.1.0 from ../shared/data,
// skipping when absent; ASFF decoded strictly into the SDK type) for the
// tests of package findings_test, which can build reports from the demo
// organization. It returns how many OCSF events were valid, of how many.
func CheckFormatsForTest(t *testing.T, r *Report) (valid, total int) {
	t.Helper()
	s, err := loadOCSF(ocsfRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range ocsfDocs(t, r) {
		errs := s.validate("compliance_finding", ev)
		if len(errs) == 0 {
			valid++
		} else if total-valid < 5 {
			t.Errorf("OCSF event %d: %v", i, errs)
		}
		total++
	}
	validateSARIF(t, sarifSchema(t), r)
	asffStrict(t, r)
	return valid, total
}
