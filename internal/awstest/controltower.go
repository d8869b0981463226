package awstest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	sc "github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
)

// ControlTowerAccountFactory is the name of the Service Catalog product
// AWS Control Tower makes in the management account: provisioning it
// creates an account, enrolled in a registered OU.
const ControlTowerAccountFactory = "AWS Control Tower Account Factory"

// ControlTowerExecutionRole is the role Control Tower creates in the
// accounts it vends (instead of OrganizationAccountAccessRole).
const ControlTowerExecutionRole = "AWSControlTowerExecution"

// ctRecord is one provisioning of the account factory.
type ctRecord struct {
	id, ppID, ppName, createID, ou, email, ssoEmail string
	created                                         time.Time
	status                                          sctypes.RecordStatus
	errs                                            []sctypes.RecordError
	accountID                                       string
}

// EnableControlTower plays a landing zone set up by AWS Control Tower
// in the management account's home region: the Account Factory product
// (one active version) that account vending provisions. It returns the
// product id.
func (s *Server) EnableControlTower(region string) string {
	st := s.sc
	st.mu.Lock()
	defer st.mu.Unlock()
	acct := s.ManagementAccount()
	p := &scProduct{id: st.newID("prod"), account: acct, region: region, name: ControlTowerAccountFactory, owner: "AWS Control Tower",
		desc: "Provisions an account enrolled in AWS Control Tower"}
	p.arn = fmt.Sprintf("arn:aws:catalog:%s:%s:product/%s", region, acct, p.id)
	p.artifacts = []sctypes.ProvisioningArtifactDetail{{Id: aws.String(st.newID("pa")), Name: aws.String("AWS Control Tower Account Factory Template"),
		Active: aws.Bool(true), Guidance: sctypes.ProvisioningArtifactGuidanceDefault, Type: sctypes.ProvisioningArtifactTypeCloudFormationTemplate,
		CreatedTime: aws.Time(time.Now().UTC())}}
	p.ctFactory = true
	st.products[p.id] = p
	return p.id
}

// ctParams are the account factory's provisioning parameters; every
// one is required.
var ctParams = []string{"AccountEmail", "AccountName", "ManagedOrganizationalUnit", "SSOUserEmail", "SSOUserFirstName", "SSOUserLastName"}

// ouRef reads ManagedOrganizationalUnit: "Name (ou-id)" (required for
// nested OUs) or a top-level OU's name.
var ouRef = regexp.MustCompile(`^(.+?)\s*\((ou-[0-9a-z]+-[0-9a-z]+)\)$`)

func (s *Server) resolveManagedOU(v string) (string, error) {
	o := s.Organization()
	if m := ouRef.FindStringSubmatch(v); m != nil {
		for _, u := range o.OrganizationalUnits {
			if u.Id == m[2] && u.Name == m[1] {
				return u.Id, nil
			}
		}
		return "", Errorf("InvalidParametersException", "ManagedOrganizationalUnit %q: no registered OU %s named %s", v, m[2], m[1])
	}
	var found []string
	for _, u := range o.OrganizationalUnits {
		if u.Name == v && u.ParentId == o.Roots[0].Id {
			found = append(found, u.Id)
		}
	}
	if len(found) != 1 {
		return "", Errorf("InvalidParametersException", "ManagedOrganizationalUnit %q: name a top-level OU, or write Name (ou-id)", v)
	}
	return found[0], nil
}

// registerControlTower serves the end-user Service Catalog calls that
// provision the account factory: SearchProducts, DescribeProduct,
// ProvisionProduct, DescribeRecord, DescribeProvisionedProduct. Other
// products are not provisioned by the local AWS.
func (s *Server) registerControlTower() {
	st := s.sc
	reg := func(op string, h func(*Request, *ctInput) (any, error)) {
		s.Register("servicecatalog", op, HandlerFunc(func(_ context.Context, req *Request) (any, error) {
			var in ctInput
			if err := req.DecodeJSON(&in); err != nil {
				return nil, err
			}
			return h(req, &in)
		}))
	}
	reg("SearchProducts", func(req *Request, in *ctInput) (any, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		out := &sc.SearchProductsOutput{ProductViewSummaries: []sctypes.ProductViewSummary{}}
		text := strings.ToLower(strings.Join(in.Filters["FullTextSearch"], " "))
		for _, id := range sortedIDs(st.products) {
			p := st.products[id]
			if p.account != req.Account() || p.region != req.Region || (text != "" && !strings.Contains(strings.ToLower(p.name), text)) {
				continue
			}
			out.ProductViewSummaries = append(out.ProductViewSummaries, *p.view().ProductViewSummary)
		}
		return out, nil
	})
	reg("DescribeProduct", func(req *Request, in *ctInput) (any, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		p := st.products[in.Id]
		if p == nil || p.account != req.Account() {
			return nil, Errorf("ResourceNotFoundException", "Product %s not found", in.Id)
		}
		out := &sc.DescribeProductOutput{ProductViewSummary: p.view().ProductViewSummary}
		for _, a := range p.artifacts {
			out.ProvisioningArtifacts = append(out.ProvisioningArtifacts, sctypes.ProvisioningArtifact{Id: a.Id, Name: a.Name,
				Guidance: a.Guidance, CreatedTime: a.CreatedTime})
		}
		return out, nil
	})
	reg("ProvisionProduct", func(req *Request, in *ctInput) (any, error) { return s.ctProvision(req, in) })
	reg("DescribeRecord", func(req *Request, in *ctInput) (any, error) {
		r, err := s.ctSettle(in.Id)
		if err != nil {
			return nil, err
		}
		return &sc.DescribeRecordOutput{RecordDetail: r.detail(), RecordOutputs: r.outputs()}, nil
	})
	reg("DescribeProvisionedProduct", func(req *Request, in *ctInput) (any, error) {
		st.mu.Lock()
		var rec *ctRecord
		for _, r := range st.ctRecords {
			if r.ppName == in.Name || r.ppID == in.Id {
				rec = r
			}
		}
		st.mu.Unlock()
		if rec == nil {
			return nil, Errorf("ResourceNotFoundException", "Provisioned product %s%s not found", in.Name, in.Id)
		}
		rec, err := s.ctSettle(rec.id)
		if err != nil {
			return nil, err
		}
		status := sctypes.ProvisionedProductStatusUnderChange
		switch rec.status {
		case sctypes.RecordStatusSucceeded:
			status = sctypes.ProvisionedProductStatusAvailable
		case sctypes.RecordStatusFailed:
			status = sctypes.ProvisionedProductStatusError
		}
		return &sc.DescribeProvisionedProductOutput{ProvisionedProductDetail: &sctypes.ProvisionedProductDetail{Id: aws.String(rec.ppID),
			Name: aws.String(rec.ppName), Status: status, LastRecordId: aws.String(rec.id), LastProvisioningRecordId: aws.String(rec.id),
			CreatedTime: aws.Time(rec.created), Type: aws.String("CFN_STACK")}}, nil
	})
}

// ctInput holds the members of the end-user calls served.
type ctInput struct {
	Id, Name, ProductId, ProvisioningArtifactId, ProvisionedProductName, ProvisionToken string
	Filters                                                                             map[string][]string
	ProvisioningParameters                                                              []struct{ Key, Value string }
}

func (s *Server) ctProvision(req *Request, in *ctInput) (any, error) {
	st := s.sc
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.products[in.ProductId]
	if p == nil || p.account != req.Account() {
		return nil, Errorf("ResourceNotFoundException", "Product %s not found", in.ProductId)
	}
	if !p.ctFactory {
		return nil, Errorf("InvalidParametersException", "the local AWS provisions only the %s product", ControlTowerAccountFactory)
	}
	if in.ProvisionedProductName == "" || in.ProvisionToken == "" {
		return nil, Errorf("InvalidParametersException", "ProvisionedProductName and ProvisionToken are required")
	}
	artifactOK := false
	for _, a := range p.artifacts {
		artifactOK = artifactOK || aws.ToString(a.Id) == in.ProvisioningArtifactId
	}
	if !artifactOK {
		return nil, Errorf("InvalidParametersException", "ProvisioningArtifactId %q is not a version of %s", in.ProvisioningArtifactId, p.id)
	}
	for _, r := range st.ctRecords {
		if r.ppName == in.ProvisionedProductName {
			if r.ppID == "pp-"+in.ProvisionToken {
				return &sc.ProvisionProductOutput{RecordDetail: r.detail()}, nil // same token: same request
			}
			return nil, Errorf("DuplicateResourceException", "A provisioned product named %s already exists", in.ProvisionedProductName)
		}
	}
	params := map[string]string{}
	for _, kv := range in.ProvisioningParameters {
		params[kv.Key] = kv.Value
	}
	for _, k := range ctParams {
		if strings.TrimSpace(params[k]) == "" {
			return nil, Errorf("InvalidParametersException", "Parameter %s is required by %s", k, ControlTowerAccountFactory)
		}
	}
	ou, err := s.resolveManagedOU(params["ManagedOrganizationalUnit"])
	if err != nil {
		return nil, err
	}
	cr := s.startCreateAccount(params["AccountName"], params["AccountEmail"], nil, ControlTowerExecutionRole, ou)
	r := &ctRecord{id: st.newID("rec"), ppID: "pp-" + in.ProvisionToken, ppName: in.ProvisionedProductName, createID: aws.ToString(cr.Id),
		ou: ou, email: params["AccountEmail"], ssoEmail: params["SSOUserEmail"], created: time.Now().UTC(), status: sctypes.RecordStatusInProgress}
	st.ctRecords = append(st.ctRecords, r)
	return &sc.ProvisionProductOutput{RecordDetail: r.detail()}, nil
}

// ctSettle advances a record with its account: SUCCEEDED once the
// account has joined its OU, FAILED with the CreateAccount reason.
func (s *Server) ctSettle(id string) (*ctRecord, error) {
	st := s.sc
	st.mu.Lock()
	var rec *ctRecord
	for _, r := range st.ctRecords {
		if r.id == id {
			rec = r
		}
	}
	st.mu.Unlock()
	if rec == nil {
		return nil, Errorf("ResourceNotFoundException", "Record %s not found", id)
	}
	if rec.status != sctypes.RecordStatusInProgress {
		return rec, nil
	}
	cs, err := s.settleCreate(rec.createID)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	switch cs.State {
	case ot.CreateAccountStateSucceeded:
		rec.status, rec.accountID = sctypes.RecordStatusSucceeded, aws.ToString(cs.AccountId)
	case ot.CreateAccountStateFailed:
		rec.status = sctypes.RecordStatusFailed
		rec.errs = []sctypes.RecordError{{Code: aws.String("AccountFactoryError"), Description: aws.String("CreateAccount failed: " + string(cs.FailureReason))}}
	}
	return rec, nil
}

func (r *ctRecord) detail() *sctypes.RecordDetail {
	return &sctypes.RecordDetail{RecordId: aws.String(r.id), ProvisionedProductId: aws.String(r.ppID), ProvisionedProductName: aws.String(r.ppName),
		RecordType: aws.String("PROVISION_PRODUCT"), Status: r.status, CreatedTime: aws.Time(r.created), RecordErrors: r.errs}
}

func (r *ctRecord) outputs() []sctypes.RecordOutput {
	if r.status != sctypes.RecordStatusSucceeded {
		return nil
	}
	return []sctypes.RecordOutput{{OutputKey: aws.String("AccountId"), OutputValue: aws.String(r.accountID)},
		{OutputKey: aws.String("AccountEmail"), OutputValue: aws.String(r.email)},
		{OutputKey: aws.String("SSOUserEmail"), OutputValue: aws.String(r.ssoEmail)}}
}
