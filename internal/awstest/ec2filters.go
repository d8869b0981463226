package awstest

import (
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2 Describe* filters. EC2 ANDs the filters of a call and ORs the
// values of one filter; values may hold the wildcards * and ?. A filter
// name the operation does not know is InvalidParameterValue ("The filter
// 'x' is invalid"), as EC2 answers. The id lists (GroupId.N, InstanceId.N,
// VpcId.N, ...) select by id and answer the operation's NotFound code
// for an id that is not there.

// ec2Filter is one Filter.N of a request.
type ec2Filter struct {
	name   string
	values []string
}

// ec2Filters reads Filter.N.Name / Filter.N.Value.M from an EC2 Query form.
func ec2Filters(req *Request) []ec2Filter {
	byN := map[int]*ec2Filter{}
	for k, vs := range req.Form {
		rest, ok := strings.CutPrefix(k, "Filter.")
		if !ok || len(vs) == 0 {
			continue
		}
		num, field, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil {
			continue
		}
		f := byN[n]
		if f == nil {
			f = &ec2Filter{}
			byN[n] = f
		}
		if field == "Name" {
			f.name = vs[0]
		} else if strings.HasPrefix(field, "Value.") {
			f.values = append(f.values, vs[0])
		}
	}
	keys := make([]int, 0, len(byN))
	for n := range byN {
		keys = append(keys, n)
	}
	sort.Ints(keys)
	out := make([]ec2Filter, 0, len(keys))
	for _, n := range keys {
		out = append(out, *byN[n])
	}
	return out
}

// formList reads a Query list member such as GroupId.1, GroupId.2.
func formList(req *Request, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := req.Form[name+"."+strconv.Itoa(i)]
		if !ok || len(v) == 0 {
			return out
		}
		out = append(out, v[0])
	}
}

// fields maps filter names to the values an item has for them.
type fields[T any] map[string]func(T) []string

// keep applies the filters to items, with tag:KEY, tag-key and tag-value
// read through tags.
func keep[T any](items []T, filters []ec2Filter, fs fields[T], tags func(T) []ec2types.Tag) ([]T, *APIError) {
	for _, f := range filters {
		if _, ok := fs[f.name]; !ok && !strings.HasPrefix(f.name, "tag:") && f.name != "tag-key" && f.name != "tag-value" {
			return nil, Errorf("InvalidParameterValue", "The filter '%s' is invalid", f.name)
		}
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		ok := true
		for _, f := range filters {
			if !anyMatch(f.values, itemValues(it, f.name, fs, tags)) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

func itemValues[T any](it T, name string, fs fields[T], tags func(T) []ec2types.Tag) []string {
	if get, ok := fs[name]; ok {
		return get(it)
	}
	var out []string
	for _, t := range tags(it) {
		switch {
		case name == "tag-key":
			out = append(out, aws.ToString(t.Key))
		case name == "tag-value":
			out = append(out, aws.ToString(t.Value))
		case name == "tag:"+aws.ToString(t.Key):
			out = append(out, aws.ToString(t.Value))
		}
	}
	return out
}

// anyMatch tells whether one of the filter's values (globs) matches one
// of the item's values.
func anyMatch(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if ok, _ := pathMatch(p, v); ok {
				return true
			}
		}
	}
	return false
}

func str(p *string) []string {
	if p == nil {
		return nil
	}
	return []string{*p}
}

func boolStr(p *bool) []string {
	if p == nil {
		return []string{"false"}
	}
	return []string{strconv.FormatBool(*p)}
}

func i32(p *int32) []string {
	if p == nil {
		return nil
	}
	return []string{strconv.Itoa(int(*p))}
}

// byID keeps the items whose id is in ids (all when ids is empty); an id
// not found answers code.
func byID[T any](items []T, ids []string, id func(T) string, code, kind string) ([]T, *APIError) {
	if len(ids) == 0 {
		return items, nil
	}
	want := map[string]bool{}
	for _, i := range ids {
		want[i] = true
	}
	var out []T
	for _, it := range items {
		if want[id(it)] {
			out = append(out, it)
			delete(want, id(it))
		}
	}
	for _, i := range ids {
		if want[i] {
			return nil, Errorf(code, "The %s '%s' does not exist", kind, i)
		}
	}
	return out, nil
}

// filterEC2 applies the request's id lists and filters to a Describe*
// answer, returning a filtered copy (stored answers are shared).
func filterEC2(req *Request, out any) (any, error) {
	filters := ec2Filters(req)
	var err *APIError
	switch o := out.(type) {
	case *ec2.DescribeSecurityGroupsOutput:
		c := *o
		if c.SecurityGroups, err = byID(c.SecurityGroups, formList(req, "GroupId"), func(g ec2types.SecurityGroup) string { return aws.ToString(g.GroupId) }, "InvalidGroup.NotFound", "security group"); err == nil {
			if c.SecurityGroups, err = byID(c.SecurityGroups, formList(req, "GroupName"), func(g ec2types.SecurityGroup) string { return aws.ToString(g.GroupName) }, "InvalidGroup.NotFound", "security group"); err == nil {
				c.SecurityGroups, err = keep(c.SecurityGroups, filters, securityGroupFields, func(g ec2types.SecurityGroup) []ec2types.Tag { return g.Tags })
			}
		}
		return &c, nilIfNone(err)
	case *ec2.DescribeInstancesOutput:
		return filterInstances(req, o, filters)
	case *ec2.DescribeVpcsOutput:
		c := *o
		if c.Vpcs, err = byID(c.Vpcs, formList(req, "VpcId"), func(v ec2types.Vpc) string { return aws.ToString(v.VpcId) }, "InvalidVpcID.NotFound", "vpc ID"); err == nil {
			c.Vpcs, err = keep(c.Vpcs, filters, vpcFields, func(v ec2types.Vpc) []ec2types.Tag { return v.Tags })
		}
		return &c, nilIfNone(err)
	case *ec2.DescribeSecurityGroupRulesOutput:
		c := *o
		if c.SecurityGroupRules, err = byID(c.SecurityGroupRules, formList(req, "SecurityGroupRuleId"), func(r ec2types.SecurityGroupRule) string { return aws.ToString(r.SecurityGroupRuleId) }, "InvalidSecurityGroupRuleId.NotFound", "security group rule"); err == nil {
			c.SecurityGroupRules, err = keep(c.SecurityGroupRules, filters, ruleFields, func(r ec2types.SecurityGroupRule) []ec2types.Tag { return r.Tags })
		}
		return &c, nilIfNone(err)
	case *ec2.DescribeNetworkAclsOutput:
		c := *o
		if c.NetworkAcls, err = byID(c.NetworkAcls, formList(req, "NetworkAclId"), func(a ec2types.NetworkAcl) string { return aws.ToString(a.NetworkAclId) }, "InvalidNetworkAclID.NotFound", "network ACL"); err == nil {
			c.NetworkAcls, err = keep(c.NetworkAcls, filters, naclFields, func(a ec2types.NetworkAcl) []ec2types.Tag { return a.Tags })
		}
		return &c, nilIfNone(err)
	case *ec2.DescribeVpcEndpointsOutput:
		c := *o
		if c.VpcEndpoints, err = byID(c.VpcEndpoints, formList(req, "VpcEndpointId"), func(e ec2types.VpcEndpoint) string { return aws.ToString(e.VpcEndpointId) }, "InvalidVpcEndpointId.NotFound", "VPC endpoint"); err == nil {
			c.VpcEndpoints, err = keep(c.VpcEndpoints, filters, endpointFields, func(e ec2types.VpcEndpoint) []ec2types.Tag { return e.Tags })
		}
		return &c, nilIfNone(err)
	case *ec2.DescribeFlowLogsOutput:
		c := *o
		if c.FlowLogs, err = byID(c.FlowLogs, formList(req, "FlowLogId"), func(f ec2types.FlowLog) string { return aws.ToString(f.FlowLogId) }, "InvalidFlowLogId.NotFound", "flow log"); err == nil {
			c.FlowLogs, err = keep(c.FlowLogs, filters, flowLogFields, func(f ec2types.FlowLog) []ec2types.Tag { return f.Tags })
		}
		return &c, nilIfNone(err)
	case *ec2.DescribeRegionsOutput:
		c := *o
		c.Regions, err = keep(c.Regions, filters, regionFields, func(ec2types.Region) []ec2types.Tag { return nil })
		return &c, nilIfNone(err)
	case *ec2.DescribeVolumesOutput:
		c := *o
		if c.Volumes, err = byID(c.Volumes, formList(req, "VolumeId"), func(v ec2types.Volume) string { return aws.ToString(v.VolumeId) }, "InvalidVolume.NotFound", "volume"); err == nil {
			c.Volumes, err = keep(c.Volumes, filters, volumeFields, func(v ec2types.Volume) []ec2types.Tag { return v.Tags })
		}
		return &c, nilIfNone(err)
	}
	if len(filters) > 0 {
		return nil, Errorf("InvalidParameterValue", "The filter '%s' is invalid", filters[0].name)
	}
	return out, nil
}

// nilIfNone keeps a nil *APIError from becoming a non-nil error.
func nilIfNone(err *APIError) error {
	if err == nil {
		return nil
	}
	return err
}

// filterInstances filters the instances of each reservation and drops
// reservations left empty.
func filterInstances(req *Request, o *ec2.DescribeInstancesOutput, filters []ec2Filter) (any, error) {
	if _, err := keep[ec2types.Instance](nil, filters, instanceFields(""), nil); err != nil {
		return nil, err
	}
	ids := formList(req, "InstanceId")
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	missing := map[string]bool{}
	for id := range want {
		missing[id] = true
	}
	c := *o
	c.Reservations = nil
	for _, r := range o.Reservations {
		var insts []ec2types.Instance
		for _, in := range r.Instances {
			if len(ids) == 0 || want[aws.ToString(in.InstanceId)] {
				insts = append(insts, in)
				delete(missing, aws.ToString(in.InstanceId))
			}
		}
		kept, _ := keep(insts, filters, instanceFields(aws.ToString(r.OwnerId)), func(i ec2types.Instance) []ec2types.Tag { return i.Tags })
		if len(kept) > 0 {
			r.Instances = kept
			c.Reservations = append(c.Reservations, r)
		}
	}
	for _, id := range ids {
		if missing[id] {
			return nil, Errorf("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
		}
	}
	return &c, nil
}
