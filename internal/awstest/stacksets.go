package awstest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cft "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// stackSetRecord is a StackSet as the server keeps it: the API's own
// description and its deployments. Instances of a service-managed
// StackSet with automatic deployment are expanded against the current
// organization on every read, so an account moved into a target OU gets
// its instances as AWS's automatic deployment gives them.
type stackSetRecord struct {
	StackSet    cft.StackSet
	Deployments []stackSetDeployment
}

// stackSetDeployment is one CreateStackInstances call.
type stackSetDeployment struct {
	OUs, Accounts []string
	Intersection  bool
	Regions       []string
	// Fixed holds the accounts reached at the time of the call; used
	// when automatic deployment is off.
	Fixed []string
}

// cfnStore is the overlay file of the server's StackSets.
const cfnStore = "cloudformation"

func (s *Server) registerStackSets() {
	s.Register("cloudformation", "CreateStackSet", HandlerFunc(s.createStackSet))
	s.Register("cloudformation", "UpdateStackSet", HandlerFunc(s.updateStackSet))
	s.Register("cloudformation", "DescribeStackSet", HandlerFunc(s.describeStackSet))
	s.Register("cloudformation", "CreateStackInstances", HandlerFunc(s.createStackInstances))
	s.Register("cloudformation", "ListStackInstances", HandlerFunc(s.listStackInstances))
	s.Register("cloudformation", "DescribeStackSetOperation", HandlerFunc(s.describeStackSetOperation))
	s.Register("cloudformation", "DescribeStackInstance", HandlerFunc(s.describeStackInstance))
	s.registerMetadataDefaults()
	s.registerOrgMembers()
}

// formMembers reads a Query list of scalars: Name.member.1, ...
func formMembers(req *Request, name string) []string {
	return formList(req, name+".member")
}

// formParameters reads Parameters.member.N.ParameterKey/ParameterValue.
func formParameters(req *Request) []cft.Parameter {
	var out []cft.Parameter
	for i := 1; ; i++ {
		p := "Parameters.member." + strconv.Itoa(i) + "."
		k := req.Form.Get(p + "ParameterKey")
		if k == "" {
			return out
		}
		out = append(out, cft.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(req.Form.Get(p + "ParameterValue"))})
	}
}

func (s *Server) stackSetID(name string) string {
	return fmt.Sprintf("%s:%08x-0000-4000-8000-%012x", name, s.reqSeq.Add(1), s.reqSeq.Add(1))
}

func (s *Server) createStackSet(_ context.Context, req *Request) (any, error) {
	name := req.Form.Get("StackSetName")
	if name == "" || req.Form.Get("TemplateBody") == "" {
		return nil, Errorf("ValidationError", "StackSetName and TemplateBody are required")
	}
	if _, err := parseTemplate(req.Form.Get("TemplateBody")); err != nil {
		return nil, Errorf("ValidationError", "Template format error: %v", err)
	}
	model := cft.PermissionModels(req.Form.Get("PermissionModel"))
	if model == cft.PermissionModelsServiceManaged && !s.Organization().ServiceAccessEnabled("member.org.stacksets.cloudformation.amazonaws.com") {
		return nil, Errorf("ValidationError", "You must enable organizations access to operate a service managed stack set")
	}
	id := s.stackSetID(name)
	err := modify(s, req.Account(), req.Region, cfnStore, "StackSet", name, func(r *stackSetRecord) error {
		if r.StackSet.StackSetName != nil {
			return Errorf("NameAlreadyExistsException", "StackSet %s already exists", name)
		}
		r.StackSet = cft.StackSet{StackSetName: aws.String(name), StackSetId: aws.String(id), Status: cft.StackSetStatusActive,
			TemplateBody: aws.String(req.Form.Get("TemplateBody")), Parameters: formParameters(req), PermissionModel: model,
			Description: aws.String(req.Form.Get("Description")),
			StackSetARN: aws.String(fmt.Sprintf("arn:%s:cloudformation:%s:%s:stackset/%s", s.partition(), req.Region, req.Account(), id))}
		for _, c := range formMembers(req, "Capabilities") {
			r.StackSet.Capabilities = append(r.StackSet.Capabilities, cft.Capability(c))
		}
		if v := req.Form.Get("AutoDeployment.Enabled"); v != "" {
			r.StackSet.AutoDeployment = &cft.AutoDeployment{Enabled: aws.Bool(v == "true"),
				RetainStacksOnAccountRemoval: aws.Bool(req.Form.Get("AutoDeployment.RetainStacksOnAccountRemoval") == "true")}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cloudformation.CreateStackSetOutput{StackSetId: aws.String(id)}, nil
}

// record returns a StackSet's record, or StackSetNotFoundException.
func (s *Server) stackSet(req *Request, name string) (stackSetRecord, error) {
	var r stackSetRecord
	err := modify(s, req.Account(), req.Region, cfnStore, "StackSet", name, func(x *stackSetRecord) error {
		if x.StackSet.StackSetName == nil {
			return Errorf("StackSetNotFoundException", "StackSet %s not found", name)
		}
		r = *x
		return nil
	})
	return r, err
}

func (s *Server) updateStackSet(_ context.Context, req *Request) (any, error) {
	name := req.Form.Get("StackSetName")
	err := modify(s, req.Account(), req.Region, cfnStore, "StackSet", name, func(r *stackSetRecord) error {
		if r.StackSet.StackSetName == nil {
			return Errorf("StackSetNotFoundException", "StackSet %s not found", name)
		}
		if b := req.Form.Get("TemplateBody"); b != "" {
			if _, err := parseTemplate(b); err != nil {
				return Errorf("ValidationError", "Template format error: %v", err)
			}
			r.StackSet.TemplateBody = aws.String(b)
		}
		if ps := formParameters(req); len(ps) > 0 {
			r.StackSet.Parameters = ps
		}
		if v := req.Form.Get("AutoDeployment.Enabled"); v != "" {
			r.StackSet.AutoDeployment = &cft.AutoDeployment{Enabled: aws.Bool(v == "true"),
				RetainStacksOnAccountRemoval: aws.Bool(req.Form.Get("AutoDeployment.RetainStacksOnAccountRemoval") == "true")}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// An update without targets updates every instance.
	r, err := s.stackSet(req, name)
	if err != nil {
		return nil, err
	}
	var targets [][2]string
	for _, in := range s.instances(r) {
		targets = append(targets, [2]string{in.account, in.region})
	}
	reason := s.deployInstances(req.Account(), req.Region, r, targets)
	return &cloudformation.UpdateStackSetOutput{OperationId: aws.String(s.endOperation(req, name, cft.StackSetOperationActionUpdate, reason))}, nil
}

// endOperation records a StackSet operation that has already ended:
// the server deploys at once. A failure reason (an instance failed, the
// operation's failure tolerance being zero) makes it FAILED.
func (s *Server) endOperation(req *Request, name string, action cft.StackSetOperationAction, reason string) string {
	id := fmt.Sprintf("%08x-0000-4000-8000-%012x", s.reqSeq.Add(1), s.reqSeq.Add(1))
	now := time.Now().UTC()
	op := &cft.StackSetOperation{OperationId: aws.String(id), Action: action, Status: cft.StackSetOperationStatusSucceeded,
		CreationTimestamp: &now, EndTimestamp: &now}
	if reason != "" {
		op.Status, op.StatusReason = cft.StackSetOperationStatusFailed, aws.String(reason)
	}
	_ = s.SetOutput(req.Account(), req.Region, cfnStore, "StackSetOperation", name+"|"+id, op)
	return id
}

func (s *Server) describeStackSet(_ context.Context, req *Request) (any, error) {
	r, err := s.stackSet(req, req.Form.Get("StackSetName"))
	if err != nil {
		return nil, err
	}
	ss := r.StackSet
	for _, d := range r.Deployments {
		for _, ou := range d.OUs {
			if !slices.Contains(ss.OrganizationalUnitIds, ou) {
				ss.OrganizationalUnitIds = append(ss.OrganizationalUnitIds, ou)
			}
		}
	}
	return &cloudformation.DescribeStackSetOutput{StackSet: &ss}, nil
}

func (s *Server) createStackInstances(_ context.Context, req *Request) (any, error) {
	name := req.Form.Get("StackSetName")
	d := stackSetDeployment{OUs: formMembers(req, "DeploymentTargets.OrganizationalUnitIds"), Accounts: formMembers(req, "DeploymentTargets.Accounts"),
		Intersection: req.Form.Get("DeploymentTargets.AccountFilterType") == string(cft.AccountFilterTypeIntersection), Regions: formMembers(req, "Regions")}
	if len(d.Regions) == 0 {
		return nil, Errorf("ValidationError", "Regions is required")
	}
	err := modify(s, req.Account(), req.Region, cfnStore, "StackSet", name, func(r *stackSetRecord) error {
		if r.StackSet.StackSetName == nil {
			return Errorf("StackSetNotFoundException", "StackSet %s not found", name)
		}
		if r.StackSet.PermissionModel == cft.PermissionModelsServiceManaged && len(d.OUs) == 0 {
			return Errorf("ValidationError", "OrganizationalUnitIds are required for a service managed stack set")
		}
		if r.StackSet.PermissionModel == cft.PermissionModelsServiceManaged {
			d.Fixed = s.deploymentAccounts(d)
		} else {
			d.Fixed = slices.Clone(d.Accounts)
		}
		r.Deployments = append(r.Deployments, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	r, err := s.stackSet(req, name)
	if err != nil {
		return nil, err
	}
	var targets [][2]string
	for _, a := range d.Fixed {
		for _, reg := range d.Regions {
			targets = append(targets, [2]string{a, reg})
		}
	}
	reason := s.deployInstances(req.Account(), req.Region, r, targets)
	return &cloudformation.CreateStackInstancesOutput{OperationId: aws.String(s.endOperation(req, name, cft.StackSetOperationActionCreate, reason))}, nil
}

// deploymentAccounts expands a deployment to accounts against the
// current organization; the management account never gets an instance
// of a service-managed StackSet.
func (s *Server) deploymentAccounts(d stackSetDeployment) []string {
	if len(d.OUs) == 0 {
		// Self-managed: the accounts listed.
		return slices.Sorted(slices.Values(d.Accounts))
	}
	o := s.Organization()
	var out []string
	for _, ou := range d.OUs {
		for _, a := range o.AccountsUnder(ou) {
			if a.Id == o.MasterAccountId || slices.Contains(out, a.Id) {
				continue
			}
			if d.Intersection && !slices.Contains(d.Accounts, a.Id) {
				continue
			}
			out = append(out, a.Id)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Server) listStackInstances(_ context.Context, req *Request) (any, error) {
	r, err := s.stackSet(req, req.Form.Get("StackSetName"))
	if err != nil {
		return nil, err
	}
	var out []cft.StackInstanceSummary
	for _, in := range s.instances(r) {
		rec := s.instanceRecord(req.Account(), req.Region, aws.ToString(r.StackSet.StackSetName), in.account, in.region)
		st, detailed := rec.status()
		sum := cft.StackInstanceSummary{StackSetId: r.StackSet.StackSetId, Account: aws.String(in.account), Region: aws.String(in.region),
			Status: st, StackInstanceStatus: &cft.StackInstanceComprehensiveStatus{DetailedStatus: detailed}}
		if in.ou != "" {
			sum.OrganizationalUnitId = aws.String(in.ou)
		}
		if rec.Reason != "" {
			sum.StatusReason = aws.String(rec.Reason)
		}
		if rec.StackID != "" {
			sum.StackId = aws.String(rec.StackID)
		}
		out = append(out, sum)
	}
	return &cloudformation.ListStackInstancesOutput{Summaries: out}, nil
}

func (s *Server) describeStackInstance(_ context.Context, req *Request) (any, error) {
	r, err := s.stackSet(req, req.Form.Get("StackSetName"))
	if err != nil {
		return nil, err
	}
	acct, region := req.Form.Get("StackInstanceAccount"), req.Form.Get("StackInstanceRegion")
	for _, in := range s.instances(r) {
		if in.account != acct || in.region != region {
			continue
		}
		rec := s.instanceRecord(req.Account(), req.Region, aws.ToString(r.StackSet.StackSetName), acct, region)
		st, detailed := rec.status()
		out := &cft.StackInstance{StackSetId: r.StackSet.StackSetId, Account: aws.String(acct), Region: aws.String(region), Status: st,
			StackInstanceStatus: &cft.StackInstanceComprehensiveStatus{DetailedStatus: detailed}}
		if in.ou != "" {
			out.OrganizationalUnitId = aws.String(in.ou)
		}
		if rec.Reason != "" {
			out.StatusReason = aws.String(rec.Reason)
		}
		if rec.StackID != "" {
			out.StackId = aws.String(rec.StackID)
		}
		return &cloudformation.DescribeStackInstanceOutput{StackInstance: out}, nil
	}
	return nil, Errorf("StackInstanceNotFoundException", "Stack instance cannot be found for StackSet %s in account %s and region %s", aws.ToString(r.StackSet.StackSetName), acct, region)
}

// stackInstanceRef is one account and region a StackSet reaches.
type stackInstanceRef struct{ account, region, ou string }

// instances lists a StackSet's instances: the accounts of each
// deployment (expanded against the current organization when automatic
// deployment is on) in its regions.
func (s *Server) instances(r stackSetRecord) []stackInstanceRef {
	auto := r.StackSet.AutoDeployment != nil && aws.ToBool(r.StackSet.AutoDeployment.Enabled)
	seen := map[string]bool{}
	var out []stackInstanceRef
	for _, d := range r.Deployments {
		accounts := d.Fixed
		if auto {
			accounts = s.deploymentAccounts(d)
		}
		for _, a := range accounts {
			for _, reg := range d.Regions {
				if seen[a+"/"+reg] {
					continue
				}
				seen[a+"/"+reg] = true
				out = append(out, stackInstanceRef{account: a, region: reg, ou: s.parentOU(a, d.OUs)})
			}
		}
	}
	return out
}

// parentOU returns which of the deployment's OUs holds the account.
func (s *Server) parentOU(account string, ous []string) string {
	o := s.Organization()
	for _, ou := range ous {
		for _, a := range o.AccountsUnder(ou) {
			if a.Id == account {
				return ou
			}
		}
	}
	return ""
}

func (s *Server) describeStackSetOperation(_ context.Context, req *Request) (any, error) {
	name, id := req.Form.Get("StackSetName"), req.Form.Get("OperationId")
	raw, _, found, err := s.lookup(req.Account(), req.Region, cfnStore, "StackSetOperation", name+"|"+id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, Errorf("OperationNotFoundException", "Operation %s not found for StackSet %s", id, name)
	}
	return &cloudformation.DescribeStackSetOperationOutput{StackSetOperation: decodeAs[cft.StackSetOperation](raw)}, nil
}

// decodeAs unmarshals a stored output; a corrupt one reads as zero.
func decodeAs[T any](raw []byte) *T {
	var v T
	_ = json.Unmarshal(raw, &v)
	return &v
}
