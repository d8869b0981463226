package rules

import (
	"encoding/json"
	"fmt"
	"sort"

	"cel.dev/cel-go/cel"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgrail/orgrail/internal/org"
)

// customSource says what a custom rule's scope iterates and where the
// resource variable comes from.
type customSource struct {
	scope        Scope
	resourceType string
	services     []string
	// list returns the resources of the current account and region; nil
	// for org, account and region scopes, whose resource is the
	// organization, the account or the region itself.
	list func(c *Ctx) ([]celResource, error)
}

// celResource is one resource as CEL sees it.
type celResource struct {
	arn    string
	region string // when it differs from the context's (buckets)
	value  map[string]any
}

// customScopes are the scope names custom rules accept.
var customScopes = map[string]customSource{
	"org":                {scope: ScopeOrg, resourceType: "AWS::Organizations::Organization"},
	"account":            {scope: ScopeAccount, resourceType: typeAccount},
	"region":             {scope: ScopeRegion, resourceType: typeAccount},
	"s3-bucket":          {scope: ScopeAccount, resourceType: typeBucket, services: []string{"s3"}, list: celBuckets},
	"ec2-instance":       {scope: ScopeRegion, resourceType: typeInstance, services: []string{"ec2"}, list: celInstances},
	"ec2-security-group": {scope: ScopeRegion, resourceType: typeSG, services: []string{"ec2"}, list: celSecurityGroups},
	"ec2-vpc":            {scope: ScopeRegion, resourceType: "AWS::EC2::VPC", services: []string{"ec2"}, list: celVPCs},
	"iam-user":           {scope: ScopeAccount, resourceType: "AWS::IAM::User", services: []string{"iam"}, list: celUsers},
	"iam-role":           {scope: ScopeAccount, resourceType: "AWS::IAM::Role", services: []string{"iam"}, list: celRoles},
	"rds-instance":       {scope: ScopeRegion, resourceType: typeDB, services: []string{"rds"}, list: celDBs},
	"lambda-function":    {scope: ScopeRegion, resourceType: "AWS::Lambda::Function", services: []string{"lambda"}, list: celFunctions},
	"kms-key":            {scope: ScopeRegion, resourceType: "AWS::KMS::Key", services: []string{"kms"}, list: celKeys},
}

// ScopeNames lists the scopes custom rules accept, sorted.
func ScopeNames() []string {
	out := make([]string, 0, len(customScopes))
	for k := range customScopes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// evalCustom runs a compiled expression over the scope's resources.
func evalCustom(c *Ctx, prg cel.Program, src customSource) error {
	acct := celAccount(c)
	orgv := c.run.celOrg()
	if src.list == nil {
		var res map[string]any
		switch src.scope {
		case ScopeOrg:
			res = orgv
		case ScopeAccount:
			res = acct
		default:
			res = map[string]any{"region": c.Region, "account": acct}
		}
		return evalOne(c, prg, celResource{value: res}, acct, orgv)
	}
	rs, err := src.list(c)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		c.NA("", "no resources of this kind")
	}
	for _, r := range rs {
		if err := evalOne(c, prg, r, acct, orgv); err != nil {
			c.Err(r.arn, err)
		}
	}
	return nil
}

func evalOne(c *Ctx, prg cel.Program, r celResource, acct, orgv map[string]any) error {
	out, _, err := prg.Eval(map[string]any{"resource": r.value, "account": acct, "org": orgv})
	if err != nil {
		return fmt.Errorf("evaluating: %w", err)
	}
	ok, isBool := out.Value().(bool)
	if !isBool {
		return fmt.Errorf("the expression gave %v, want true or false", out.Value())
	}
	saved := c.Region
	if r.region != "" {
		c.Region = r.region
	}
	c.Check(ok, r.arn, "expression is true", "expression is false")
	c.Region = saved
	return nil
}

func celAccount(c *Ctx) map[string]any {
	a := c.Account
	if a == nil {
		return map[string]any{}
	}
	tags := map[string]any{}
	for k, v := range a.Tags {
		tags[k] = v
	}
	return map[string]any{"id": a.Id, "name": a.Name, "email": a.Email, "status": a.Status, "ou": c.run.ouPath[a.Id],
		"tags": tags, "isManagement": c.Org().IsManagementAccount(a.Id), "joinedMethod": a.JoinedMethod,
		"isAudit": a.Id == c.run.facts.audit, "isLogArchive": a.Id == c.run.facts.logArchive}
}

// celOrg returns the org variable.
func (r *run) celOrg() map[string]any {
	o := r.org
	da := map[string]any{}
	for _, d := range o.DelegatedAdministrators {
		for _, sp := range d.ServicePrincipals {
			da[sp] = d.AccountId
		}
	}
	var ts []any
	for _, s := range o.EnabledServicePrincipals {
		ts = append(ts, s.ServicePrincipal)
	}
	if ts == nil {
		ts = []any{}
	}
	return map[string]any{"id": o.Id, "managementAccount": o.MasterAccountId, "featureSet": o.FeatureSet,
		"delegatedAdministrators": da, "trustedServices": ts, "auditAccount": r.facts.audit,
		"logArchiveAccount": r.facts.logArchive, "accountCount": int64(len(o.Accounts)),
		"policyTypes": policyTypes(o)}
}

func policyTypes(o *org.Organization) []any {
	out := []any{}
	for _, r := range o.Roots {
		for _, p := range r.PolicyTypes {
			if p.Status == "ENABLED" {
				out = append(out, p.Type)
			}
		}
	}
	return out
}

// toMap turns an SDK value into the generic map CEL reads, with field
// names as in the AWS API.
func toMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

func withTags(m map[string]any, tags map[string]string, arn string) map[string]any {
	t := map[string]any{}
	for k, v := range tags {
		t[k] = v
	}
	m["tags"], m["arn"] = t, arn
	return m
}

func celBuckets(c *Ctx) ([]celResource, error) {
	lb, err := get[s3.ListBucketsOutput](c.v, "global", "s3", "ListBuckets")
	if err != nil {
		return nil, err
	}
	var out []celResource
	for _, sb := range lb.Buckets {
		b := &bucket{c: c, Name: aws(sb.Name), Arn: fmt.Sprintf("arn:%s:s3:::%s", c.Partition(), aws(sb.Name))}
		b.Region = bucketRegion(b, aws(sb.BucketRegion))
		m := toMap(sb)
		m["region"] = b.Region
		tags := map[string]string{}
		if t, err := bget[s3.GetBucketTaggingOutput](b, "GetBucketTagging"); err == nil {
			for _, tg := range t.TagSet {
				tags[aws(tg.Key)] = aws(tg.Value)
			}
		}
		if v, err := bget[s3.GetBucketVersioningOutput](b, "GetBucketVersioning"); err == nil {
			m["versioning"] = string(v.Status)
		}
		if p, err := b.pab(); err == nil {
			m["publicAccessBlocked"] = p.all()
		}
		if sts, err := b.policy(); err == nil {
			m["tlsOnly"] = tlsOnly(sts)
		}
		out = append(out, celResource{arn: b.Arn, region: b.Region, value: withTags(m, tags, b.Arn)})
	}
	return out, nil
}

func celInstances(c *Ctx) ([]celResource, error) {
	out, err := get[ec2.DescribeInstancesOutput](c.v, c.Region, "ec2", "DescribeInstances")
	if err != nil {
		return nil, err
	}
	var rs []celResource
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			arn := c.arn("ec2", c.Region, c.Account.Id, "instance/"+aws(i.InstanceId))
			rs = append(rs, celResource{arn: arn, value: withTags(toMap(i), ec2Tags(i.Tags), arn)})
		}
	}
	return rs, nil
}

func celSecurityGroups(c *Ctx) ([]celResource, error) {
	out, err := get[ec2.DescribeSecurityGroupsOutput](c.v, c.Region, "ec2", "DescribeSecurityGroups")
	if err != nil {
		return nil, err
	}
	var rs []celResource
	for _, g := range out.SecurityGroups {
		arn := sgArn(c, g)
		rs = append(rs, celResource{arn: arn, value: withTags(toMap(g), ec2Tags(g.Tags), arn)})
	}
	return rs, nil
}

func celVPCs(c *Ctx) ([]celResource, error) {
	out, err := get[ec2.DescribeVpcsOutput](c.v, c.Region, "ec2", "DescribeVpcs")
	if err != nil {
		return nil, err
	}
	var rs []celResource
	for _, v := range out.Vpcs {
		arn := c.arn("ec2", c.Region, c.Account.Id, "vpc/"+aws(v.VpcId))
		rs = append(rs, celResource{arn: arn, value: withTags(toMap(v), ec2Tags(v.Tags), arn)})
	}
	return rs, nil
}

func celUsers(c *Ctx) ([]celResource, error) {
	d, err := authDetails(c)
	if err != nil {
		return nil, err
	}
	var rs []celResource
	for _, u := range d.UserDetailList {
		tags := map[string]string{}
		for _, t := range u.Tags {
			tags[aws(t.Key)] = aws(t.Value)
		}
		rs = append(rs, celResource{arn: aws(u.Arn), value: withTags(toMap(u), tags, aws(u.Arn))})
	}
	return rs, nil
}

func celRoles(c *Ctx) ([]celResource, error) {
	d, err := authDetails(c)
	if err != nil {
		return nil, err
	}
	var rs []celResource
	for _, r := range d.RoleDetailList {
		tags := map[string]string{}
		for _, t := range r.Tags {
			tags[aws(t.Key)] = aws(t.Value)
		}
		rs = append(rs, celResource{arn: aws(r.Arn), value: withTags(toMap(r), tags, aws(r.Arn))})
	}
	return rs, nil
}

func celDBs(c *Ctx) ([]celResource, error) {
	out, err := get[rds.DescribeDBInstancesOutput](c.v, c.Region, "rds", "DescribeDBInstances")
	if err != nil {
		return nil, err
	}
	var rs []celResource
	for _, d := range out.DBInstances {
		tags := map[string]string{}
		for _, t := range d.TagList {
			tags[aws(t.Key)] = aws(t.Value)
		}
		rs = append(rs, celResource{arn: aws(d.DBInstanceArn), value: withTags(toMap(d), tags, aws(d.DBInstanceArn))})
	}
	return rs, nil
}

func celFunctions(c *Ctx) ([]celResource, error) {
	out, err := get[lambda.ListFunctionsOutput](c.v, c.Region, "lambda", "ListFunctions")
	if err != nil {
		return nil, err
	}
	var rs []celResource
	for _, f := range out.Functions {
		rs = append(rs, celResource{arn: aws(f.FunctionArn), value: withTags(toMap(f), nil, aws(f.FunctionArn))})
	}
	return rs, nil
}

func celKeys(c *Ctx) ([]celResource, error) {
	lk, err := get[kms.ListKeysOutput](c.v, c.Region, "kms", "ListKeys")
	if err != nil {
		return nil, err
	}
	var rs []celResource
	for _, k := range lk.Keys {
		md, err := getRes[kms.DescribeKeyOutput](c.v, c.Region, "kms", "DescribeKey", aws(k.KeyId))
		if err != nil {
			return nil, err
		}
		m := toMap(md.KeyMetadata)
		if rot, err := getRes[kms.GetKeyRotationStatusOutput](c.v, c.Region, "kms", "GetKeyRotationStatus", aws(k.KeyId)); err == nil {
			m["KeyRotationEnabled"] = rot.KeyRotationEnabled
		}
		rs = append(rs, celResource{arn: aws(k.KeyArn), value: withTags(m, nil, aws(k.KeyArn))})
	}
	return rs, nil
}
