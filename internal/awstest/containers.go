package awstest

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// filterBatchRead narrows the stored answer of a batch read (ECS
// DescribeClusters and DescribeServices, CodeBuild BatchGetProjects) to
// the names the request asks for, as AWS does, and reports the others
// as failures or not found. A request that names nothing gets the whole
// stored answer (the demo round trip reads outputs back that way). The
// stored value is shared: a filtered copy is returned.
func filterBatchRead(req *Request, out any) (any, error) {
	switch o := out.(type) {
	case *ecs.DescribeClustersOutput:
		want := req.JSONList("clusters")
		if len(want) == 0 {
			return out, nil
		}
		cp := *o
		cp.Clusters, cp.Failures = nil, nil
		for _, w := range want {
			found := false
			for _, c := range o.Clusters {
				if w == aws.ToString(c.ClusterArn) || w == aws.ToString(c.ClusterName) {
					cp.Clusters, found = append(cp.Clusters, c), true
					break
				}
			}
			if !found {
				cp.Failures = append(cp.Failures, ecstypes.Failure{Arn: aws.String(w), Reason: aws.String("MISSING")})
			}
		}
		return &cp, nil
	case *ecs.DescribeServicesOutput:
		want := req.JSONList("services")
		if len(want) == 0 {
			return out, nil
		}
		if len(want) > 10 {
			return nil, Errorf("InvalidParameterException", "at most 10 services per call")
		}
		cp := *o
		cp.Services, cp.Failures = nil, nil
		for _, w := range want {
			found := false
			for _, s := range o.Services {
				if w == aws.ToString(s.ServiceArn) || w == aws.ToString(s.ServiceName) {
					cp.Services, found = append(cp.Services, s), true
					break
				}
			}
			if !found {
				cp.Failures = append(cp.Failures, ecstypes.Failure{Arn: aws.String(w), Reason: aws.String("MISSING")})
			}
		}
		return &cp, nil
	case *codebuild.BatchGetProjectsOutput:
		want := req.JSONList("names")
		if len(want) == 0 {
			return out, nil
		}
		if len(want) > 100 {
			return nil, Errorf("InvalidInputException", "names must hold 1 to 100 project names")
		}
		cp := *o
		cp.Projects, cp.ProjectsNotFound = nil, nil
		for _, w := range want {
			found := false
			for _, p := range o.Projects {
				if w == aws.ToString(p.Name) || w == aws.ToString(p.Arn) {
					cp.Projects, found = append(cp.Projects, p), true
					break
				}
			}
			if !found {
				cp.ProjectsNotFound = append(cp.ProjectsNotFound, w)
			}
		}
		return &cp, nil
	}
	return out, nil
}

// ecsClusterARN resolves a cluster name or ARN to the ARN the snapshot
// keys the cluster's services by.
func (s *Server) ecsClusterARN(account, region, cluster string) string {
	if cluster == "" {
		cluster = "default"
	}
	if strings.HasPrefix(cluster, "arn:") {
		return cluster
	}
	raw, _, _, _ := s.lookup(account, region, "ecs", "ListClusters", "")
	var out struct{ ClusterArns []string }
	_ = json.Unmarshal(raw, &out)
	for _, a := range out.ClusterArns {
		if strings.HasSuffix(a, ":cluster/"+cluster) {
			return a
		}
	}
	return "arn:aws:ecs:" + region + ":" + account + ":cluster/" + cluster
}

// ecsTaskDefinitionARN resolves family, family:revision or an ARN to the
// task definition ARN the snapshot keys by (a bare family: its highest
// listed revision).
func (s *Server) ecsTaskDefinitionARN(account, region, td string) string {
	if strings.HasPrefix(td, "arn:") {
		return td
	}
	raw, _, _, _ := s.lookup(account, region, "ecs", "ListTaskDefinitions", "")
	var out struct{ TaskDefinitionArns []string }
	_ = json.Unmarshal(raw, &out)
	best, bestRev := "", -1
	for _, a := range out.TaskDefinitionArns {
		name := a[strings.LastIndex(a, "task-definition/")+len("task-definition/"):]
		if name == td {
			return a
		}
		i := strings.LastIndexByte(name, ':')
		if i > 0 && name[:i] == td {
			if rev, err := strconv.Atoi(name[i+1:]); err == nil && rev > bestRev {
				best, bestRev = a, rev
			}
		}
	}
	if best != "" {
		return best
	}
	return "arn:aws:ecs:" + region + ":" + account + ":task-definition/" + td
}
