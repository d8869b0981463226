package collect

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// TestContainerRateKeys: ECS, EFS, EKS and CodeBuild have their own rate,
// keyed by the SDK's ServiceID.
func TestContainerRateKeys(t *testing.T) {
	for _, id := range []string{ecs.ServiceID, efs.ServiceID, eks.ServiceID, codebuild.ServiceID} {
		if _, ok := DefaultRates[serviceKey(id)]; !ok {
			t.Errorf("no rate for %q (key %q)", id, serviceKey(id))
		}
	}
}

// TestLatestTaskDefinitions: the highest revision of each family, in
// first-seen order, whatever order ListTaskDefinitions answers in.
func TestLatestTaskDefinitions(t *testing.T) {
	p := "arn:aws:ecs:us-east-1:111122223333:task-definition/"
	got := latestTaskDefinitions([]string{p + "web:2", p + "worker:1", p + "web:10", p + "web:9", p + "bad", p + "worker:3"})
	want := []string{p + "web:10", p + "worker:3"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v, want %v", got, want)
	}
}
