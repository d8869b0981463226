package rules

import (
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestOneMissingOperationCostsOnlyItsRules: a snapshot whose EC2 file
// lacks one operation (GetImageBlockPublicAccessState, which moto does
// not implement and an older collector role may be denied) makes only
// the rules that read it ERROR; every other EC2 rule evaluates.
func TestOneMissingOperationCostsOnlyItsRules(t *testing.T) {
	f := newFx()
	openPort(f, "tcp", 22, 22) // a real finding the gap must not hide
	ff := f.file(acctW, region1, "ec2")
	delete(ff.ops, "GetImageBlockPublicAccessState")
	ff.gaps["GetImageBlockPublicAccessState"] = "AccessDenied: not authorized to perform ec2:GetImageBlockPublicAccessState"
	f.gaps = []snapshot.Gap{{Account: acctW, Region: region1, Service: "ec2", Operation: "GetImageBlockPublicAccessState",
		Error: "not authorized", Code: "AccessDenied"}}
	res := auditFx(t, f)
	if !res.Partial {
		t.Error("the audit of a snapshot with a gap must say it is partial")
	}
	errs := byStatus(res.Report.Findings, "ec2.image-block-public-access", findings.Error)
	if len(errs) != 1 || errs[0].Account != acctW || !strings.Contains(errs[0].Message, "AccessDenied") {
		t.Fatalf("want one ERROR naming the failed operation, got %+v", errs)
	}
	for _, x := range res.Report.Findings {
		if x.Status == findings.Error && x.RuleID != "ec2.image-block-public-access" {
			t.Errorf("%s is ERROR although it does not read the missing operation: %s", x.RuleID, x.Message)
		}
	}
	if len(byStatus(res.Report.Findings, "ec2.sg-ssh-restricted", findings.Failed)) != 1 {
		t.Error("the open SSH group was not found next to the gap")
	}
	for _, id := range []string{"ec2.default-sg-closed", "ec2.vpc-flow-logs", "ec2.imdsv2-required", "ec2.volumes-encrypted", "ec2.snapshot-block-public-access"} {
		if len(byStatus(res.Report.Findings, id, findings.Passed)) == 0 {
			t.Errorf("%s did not evaluate next to the gap", id)
		}
	}
}
