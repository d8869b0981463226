package rules

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const typeEKSCluster = "AWS::EKS::Cluster"

// eksSupportEnds is the end of extended support of each Kubernetes minor
// version on Amazon EKS, from the EKS Kubernetes release calendar. After
// it EKS no longer supports the version (standard support ends a year
// earlier). Versions older than the table are out of support; newer
// ones are supported.
var eksSupportEnds = []struct {
	minor int
	ends  time.Time
}{
	{24, time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)},
	{25, time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)},
	{26, time.Date(2025, 6, 11, 0, 0, 0, 0, time.UTC)},
	{27, time.Date(2025, 7, 24, 0, 0, 0, 0, time.UTC)},
	{28, time.Date(2025, 11, 26, 0, 0, 0, 0, time.UTC)},
	{29, time.Date(2026, 3, 23, 0, 0, 0, 0, time.UTC)},
	{30, time.Date(2026, 7, 23, 0, 0, 0, 0, time.UTC)},
	{31, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)},
	{32, time.Date(2027, 3, 23, 0, 0, 0, 0, time.UTC)},
	{33, time.Date(2027, 7, 29, 0, 0, 0, 0, time.UTC)},
}

func init() {
	register(&Rule{ID: "eks.supported-version", Title: "EKS clusters run a Kubernetes version Amazon EKS supports", Severity: severity.High,
		Scope: ScopeRegion, ResourceType: typeEKSCluster, Services: []string{"eks"}, Reads: []string{"eks:ListClusters", "eks:DescribeCluster"},
		Rationale:   "A Kubernetes version past the end of its EKS support gets no security patches for the control plane, and EKS upgrades it on its own schedule.",
		Remediation: "Upgrade the cluster's control plane and then its nodes one minor version at a time (aws eks update-cluster-version) to a version in standard support.",
		Mappings:    findings.Mappings{ConfigRule: "EKS_CLUSTER_SUPPORTED_VERSION", SecurityHub: "EKS.2", NistCsf: "PR.PS"},
		check:       checkEKSVersion})
}

// eksMinor parses "1.31" (or "1.31.x") into 31; ok is false for another
// major version or a malformed string.
func eksMinor(v string) (int, bool) {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || parts[0] != "1" {
		return 0, false
	}
	n, err := strconv.Atoi(parts[1])
	return n, err == nil
}

// eksSupported reports whether EKS supports minor version m at t, and
// the end of its support when the table knows it.
func eksSupported(m int, t time.Time) (bool, time.Time) {
	if m < eksSupportEnds[0].minor {
		return false, time.Time{}
	}
	for _, e := range eksSupportEnds {
		if e.minor == m {
			return t.Before(e.ends), e.ends
		}
	}
	return true, time.Time{}
}

func checkEKSVersion(c *Ctx) error {
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
		v := aws(d.Cluster.Version)
		m, ok := eksMinor(v)
		if !ok {
			c.Fail(arn, "cluster %s runs Kubernetes %q, which EKS does not list", name, v)
			continue
		}
		sup, ends := eksSupported(m, c.Now())
		switch {
		case !sup && ends.IsZero():
			c.Fail(arn, "cluster %s runs Kubernetes %s, out of EKS support", name, v)
		case !sup:
			c.Fail(arn, "cluster %s runs Kubernetes %s, whose EKS support ended on %s", name, v, ends.Format("2006-01-02"))
		case ends.IsZero():
			c.Pass(arn, "cluster %s runs Kubernetes %s, supported by EKS", name, v)
		default:
			c.Pass(arn, "cluster %s runs Kubernetes %s, supported by EKS until %s", name, v, ends.Format("2006-01-02"))
		}
	}
	return nil
}
