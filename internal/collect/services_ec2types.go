package collect

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// instanceTypesPerCall is DescribeInstanceTypes' limit on InstanceTypes.
const instanceTypesPerCall = 100

// collectInstanceTypes reads the facts of the instance types the
// region's instances run (whether a type can be, or always is,
// EBS-optimized). Asking without InstanceTypes would list every type
// EC2 offers, so a region without instances stores an empty answer
// without a call.
func collectInstanceTypes(j *job, c *ec2.Client, ins *ec2.DescribeInstancesOutput) {
	if ins == nil {
		return // DescribeInstances failed: nothing to ask about
	}
	types := instanceTypesOf(ins)
	once(j, "DescribeInstanceTypes", func(ctx context.Context) (*ec2.DescribeInstanceTypesOutput, error) {
		out := &ec2.DescribeInstanceTypesOutput{InstanceTypes: []ec2types.InstanceTypeInfo{}}
		for i := 0; i < len(types); i += instanceTypesPerCall {
			batch := types[i:min(i+instanceTypesPerCall, len(types))]
			p := ec2.NewDescribeInstanceTypesPaginator(c, &ec2.DescribeInstanceTypesInput{InstanceTypes: batch})
			for p.HasMorePages() {
				pg, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				mergePage(out, pg)
			}
		}
		return out, nil
	})
}

// instanceTypesOf lists the distinct instance types of the instances,
// sorted.
func instanceTypesOf(ins *ec2.DescribeInstancesOutput) []ec2types.InstanceType {
	seen := map[ec2types.InstanceType]bool{}
	var types []ec2types.InstanceType
	for _, r := range ins.Reservations {
		for _, in := range r.Instances {
			if in.InstanceType != "" && !seen[in.InstanceType] {
				seen[in.InstanceType] = true
				types = append(types, in.InstanceType)
			}
		}
	}
	sort.Slice(types, func(a, b int) bool { return types[a] < types[b] })
	return types
}
