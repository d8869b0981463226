package rules

import (
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(&Rule{ID: "eks.endpoint-not-public", Title: "EKS cluster endpoints are not publicly accessible", Severity: severity.High,
		Scope: ScopeRegion, ResourceType: typeEKSCluster, Services: []string{"eks"}, Reads: []string{"eks:ListClusters", "eks:DescribeCluster"},
		Rationale:   "A public Kubernetes API server endpoint is reachable from the internet: only IAM and RBAC stand between it and anyone who finds it.",
		Remediation: "Turn on private endpoint access and turn off public access (aws eks update-cluster-config --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true).",
		Mappings: findings.Mappings{ConfigRule: "EKS_ENDPOINT_NO_PUBLIC_ACCESS", SecurityHub: "EKS.1", NistCsf: "PR.IR",
			ControlTower: "AWS-GR_EKS_ENDPOINT_NO_PUBLIC_ACCESS"},
		check: checkEKSEndpoint})
}

func checkEKSEndpoint(c *Ctx) error {
	list, err := get[eks.ListClustersOutput](c.v, c.Region, "eks", "ListClusters")
	if err != nil {
		return err
	}
	if len(list.Clusters) == 0 {
		c.NA("", "no EKS clusters in %s", c.Region)
		return nil
	}
	for _, name := range list.Clusters {
		arn := c.arn("eks", c.Region, c.Account.Id, "cluster/"+name)
		d, err := getRes[eks.DescribeClusterOutput](c.v, c.Region, "eks", "DescribeCluster", name)
		if err != nil {
			if code, ok := benign(err); ok && code == "ResourceNotFoundException" {
				continue // deleted while collecting
			}
			c.Err(arn, err)
			continue
		}
		if d.Cluster == nil {
			continue
		}
		arn = nonEmpty(aws(d.Cluster.Arn), arn)
		vc := d.Cluster.ResourcesVpcConfig
		switch {
		case vc == nil:
			// EKS enables the public endpoint unless told otherwise.
			c.Fail(arn, "cluster %s: no endpoint access settings in its description; EKS makes the endpoint public by default", name)
		case vc.EndpointPublicAccess:
			c.Fail(arn, "cluster %s: the Kubernetes API endpoint is publicly accessible (from %v)", name, vc.PublicAccessCidrs)
		default:
			c.Pass(arn, "cluster %s: the Kubernetes API endpoint is private only", name)
		}
	}
	return nil
}
