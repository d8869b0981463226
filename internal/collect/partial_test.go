package collect

import (
	"testing"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestFailedOperationKeepsTheRestOfTheFile: one EC2 operation denied
// (as moto lacks GetImageBlockPublicAccessState, or a collector role
// predates it) is a gap of that operation; the EC2 file is still
// written with every other operation and names the failed one, and
// --resume collects it again.
func TestFailedOperationKeepsTheRestOfTheFile(t *testing.T) {
	t.Parallel()
	srv, want := demoServer(t)
	member := ""
	for _, a := range want.Org.Accounts {
		if a.Id != want.Org.MasterAccountId && a.Status == "ACTIVE" {
			member = a.Id
			break
		}
	}
	remove := srv.Faults.Add(awstest.Fault{Kind: awstest.Deny, Service: "ec2", Operation: "GetImageBlockPublicAccessState", Account: member})
	out := t.TempDir()
	scope := Options{Out: out, Regions: []string{"us-east-1"}, Services: []string{"ec2regions", "ec2"}, Accounts: []string{member}}
	res := collectFrom(t, srv, scope)
	if !res.Partial() || len(res.Manifest.Gaps) != 1 || res.Manifest.Gaps[0].Operation != "GetImageBlockPublicAccessState" {
		t.Fatalf("want one gap of the denied operation, got %+v", res.Manifest.Gaps)
	}
	s, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Service(member, "us-east-1", "ec2")
	if err != nil {
		t.Fatalf("the EC2 file must be written despite the gap: %v", err)
	}
	if f.Gap("GetImageBlockPublicAccessState") == "" {
		t.Error("the file does not name the failed operation")
	}
	for _, op := range []string{"DescribeSecurityGroups", "DescribeInstances", "DescribeVolumes", "GetSnapshotBlockPublicAccessState"} {
		if _, ok := f.Operations[op]; !ok {
			t.Errorf("%s missing next to the gap", op)
		}
	}
	remove()
	scope.Resume = true
	res = collectFrom(t, srv, scope)
	if res.Partial() {
		t.Fatalf("resume left gaps: %+v", res.Manifest.Gaps)
	}
	s, _ = snapshot.Open(res.Dir)
	if f, err := s.Service(member, "us-east-1", "ec2"); err != nil || len(f.Gaps) != 0 || f.Operations["GetImageBlockPublicAccessState"] == nil {
		t.Fatalf("resume did not complete the EC2 file: %v", err)
	}
}
