package awstest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sc "github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
)

// The Service Catalog API (JSON 1.1, target prefix
// AWS242ServiceCatalogService) as the catalog's plan and apply use it:
// portfolios, CloudFormation products with provisioning artifacts,
// constraints, AWS Organizations shares (the node must exist and
// Organizations access be on), and in recipient accounts the accepted
// shares and principals. State is kept in memory per server; a share is
// COMPLETED when first described.

type scState struct {
	mu          sync.Mutex
	seq         int
	access      map[string]bool // account → AWS Organizations access on
	portfolios  map[string]*scPortfolio
	products    map[string]*scProduct
	constraints map[string]*scConstraint
	tokens      map[string]string // account|op|idempotency token → id
	shares      map[string]string // share token → portfolio id
	accepted    map[string]map[string]bool
	principals  map[string]map[string]map[string]sctypes.PrincipalType // account → portfolio → ARN → type
	ctRecords   []*ctRecord                                            // account factory provisionings (controltower.go)
}

type scPortfolio struct {
	id, arn, account, region, name, desc, provider string
	created                                        time.Time
	products                                       map[string]bool
	shares                                         map[string]bool // TYPE/value
}

type scProduct struct {
	id, arn, account, region, name, owner, desc string
	artifacts                                   []sctypes.ProvisioningArtifactDetail
	ctFactory                                   bool // the Control Tower Account Factory
}

type scConstraint struct {
	id, portfolio, product, typ, params, desc, owner string
}

// scInput holds the members of every Service Catalog call served.
type scInput struct {
	Id, PortfolioId, ProductId, DisplayName, Description, ProviderName, Name, Owner, ProductType string
	IdempotencyToken, Type, PortfolioShareToken, PortfolioShareType, PrincipalARN, PrincipalType string
	ProvisioningArtifactParameters                                                               *sctypes.ProvisioningArtifactProperties
	OrganizationNode                                                                             *sctypes.OrganizationNode
	AccountId                                                                                    string
	// RawParameters is a constraint's Parameters (a JSON string) or a
	// provisioning artifact's (an object).
	RawParameters json.RawMessage                         `json:"Parameters"`
	Parameters    string                                  `json:"-"`
	ParametersObj *sctypes.ProvisioningArtifactProperties `json:"-"`
}

var iamPatternRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam:::(role|user|group)/[\w+=,.@*?/-]+$`)

func (s *Server) registerServiceCatalog() {
	st := &scState{access: map[string]bool{}, portfolios: map[string]*scPortfolio{}, products: map[string]*scProduct{},
		constraints: map[string]*scConstraint{}, tokens: map[string]string{}, shares: map[string]string{},
		accepted: map[string]map[string]bool{}, principals: map[string]map[string]map[string]sctypes.PrincipalType{}}
	s.sc = st
	reg := func(op string, h func(*Request, *scInput) (any, error)) {
		s.Register("servicecatalog", op, HandlerFunc(func(_ context.Context, req *Request) (any, error) {
			var in scInput
			if err := req.DecodeJSON(&in); err != nil {
				return nil, err
			}
			if len(in.RawParameters) > 0 {
				if op == "CreateProvisioningArtifact" {
					in.ParametersObj = new(sctypes.ProvisioningArtifactProperties)
					if err := json.Unmarshal(in.RawParameters, in.ParametersObj); err != nil {
						return nil, Errorf("SerializationException", "Parameters: %v", err)
					}
				} else if err := json.Unmarshal(in.RawParameters, &in.Parameters); err != nil {
					return nil, Errorf("SerializationException", "Parameters: %v", err)
				}
			}
			st.mu.Lock()
			defer st.mu.Unlock()
			return h(req, &in)
		}))
	}
	reg("EnableAWSOrganizationsAccess", func(req *Request, _ *scInput) (any, error) {
		if req.Account() != s.ManagementAccount() {
			return nil, Errorf("InvalidStateException", "only the management account of the organization can enable AWS Organizations access")
		}
		st.access[req.Account()] = true
		return &sc.EnableAWSOrganizationsAccessOutput{}, nil
	})
	reg("GetAWSOrganizationsAccessStatus", func(req *Request, _ *scInput) (any, error) {
		status := sctypes.AccessStatusDisabled
		if st.access[req.Account()] {
			status = sctypes.AccessStatusEnabled
		}
		return &sc.GetAWSOrganizationsAccessStatusOutput{AccessStatus: status}, nil
	})
	reg("CreatePortfolio", st.createPortfolio)
	reg("UpdatePortfolio", st.updatePortfolio)
	reg("ListPortfolios", st.listPortfolios)
	reg("CreateProduct", st.createProduct)
	reg("UpdateProduct", st.updateProduct)
	reg("SearchProductsAsAdmin", st.searchProducts)
	reg("CreateProvisioningArtifact", st.createArtifact)
	reg("ListProvisioningArtifacts", st.listArtifacts)
	reg("AssociateProductWithPortfolio", st.associateProduct)
	reg("CreateConstraint", st.createConstraint)
	reg("UpdateConstraint", st.updateConstraint)
	reg("DescribeConstraint", st.describeConstraint)
	reg("ListConstraintsForPortfolio", st.listConstraints)
	reg("CreatePortfolioShare", func(req *Request, in *scInput) (any, error) { return st.createShare(s, req, in) })
	reg("DescribePortfolioShareStatus", st.shareStatus)
	reg("DescribePortfolioShares", st.describeShares)
	reg("AcceptPortfolioShare", func(req *Request, in *scInput) (any, error) { return st.accept(s, req, in) })
	reg("ListAcceptedPortfolioShares", st.listAccepted)
	reg("AssociatePrincipalWithPortfolio", st.associatePrincipal)
	reg("ListPrincipalsForPortfolio", st.listPrincipals)
	s.registerControlTower()
}

func (st *scState) newID(prefix string) string {
	st.seq++
	return fmt.Sprintf("%s-%013d", prefix, st.seq)
}

// idem returns the object an earlier call with the same idempotency
// token made, or "".
func (st *scState) idem(req *Request, op, tok string) (string, string) {
	if tok == "" {
		return "", ""
	}
	k := req.Account() + "|" + op + "|" + tok
	return st.tokens[k], k
}

// ownPortfolio finds a portfolio of the caller's account and region.
func (st *scState) ownPortfolio(req *Request, id string) (*scPortfolio, error) {
	p := st.portfolios[id]
	if p == nil || p.account != req.Account() || p.region != req.Region {
		return nil, Errorf("ResourceNotFoundException", "Portfolio %s not found", id)
	}
	return p, nil
}

func (st *scState) ownProduct(req *Request, id string) (*scProduct, error) {
	p := st.products[id]
	if p == nil || p.account != req.Account() || p.region != req.Region {
		return nil, Errorf("ResourceNotFoundException", "Product %s not found", id)
	}
	return p, nil
}

func (p *scPortfolio) detail() sctypes.PortfolioDetail {
	d := sctypes.PortfolioDetail{Id: aws.String(p.id), ARN: aws.String(p.arn), DisplayName: aws.String(p.name),
		ProviderName: aws.String(p.provider), CreatedTime: aws.Time(p.created)}
	if p.desc != "" {
		d.Description = aws.String(p.desc)
	}
	return d
}

func (st *scState) createPortfolio(req *Request, in *scInput) (any, error) {
	if id, k := st.idem(req, "CreatePortfolio", in.IdempotencyToken); id != "" {
		return &sc.CreatePortfolioOutput{PortfolioDetail: ptrDetail(st.portfolios[id].detail())}, nil
	} else if in.DisplayName == "" || in.ProviderName == "" || in.IdempotencyToken == "" {
		return nil, Errorf("InvalidParametersException", "DisplayName, ProviderName and IdempotencyToken are required")
	} else if len(in.DisplayName) > 100 || len(in.ProviderName) > 50 {
		return nil, Errorf("InvalidParametersException", "DisplayName or ProviderName too long")
	} else {
		p := &scPortfolio{id: st.newID("port"), account: req.Account(), region: req.Region, name: in.DisplayName, desc: in.Description,
			provider: in.ProviderName, created: time.Now().UTC(), products: map[string]bool{}, shares: map[string]bool{}}
		p.arn = fmt.Sprintf("arn:aws:catalog:%s:%s:portfolio/%s", req.Region, req.Account(), p.id)
		st.portfolios[p.id] = p
		st.tokens[k] = p.id
		return &sc.CreatePortfolioOutput{PortfolioDetail: ptrDetail(p.detail())}, nil
	}
}

func (st *scState) updatePortfolio(req *Request, in *scInput) (any, error) {
	p, err := st.ownPortfolio(req, in.Id)
	if err != nil {
		return nil, err
	}
	if in.DisplayName != "" {
		p.name = in.DisplayName
	}
	if in.ProviderName != "" {
		p.provider = in.ProviderName
	}
	p.desc = in.Description
	return &sc.UpdatePortfolioOutput{PortfolioDetail: ptrDetail(p.detail())}, nil
}

func (st *scState) listPortfolios(req *Request, _ *scInput) (any, error) {
	out := &sc.ListPortfoliosOutput{}
	for _, id := range sortedIDs(st.portfolios) {
		if p := st.portfolios[id]; p.account == req.Account() && p.region == req.Region {
			out.PortfolioDetails = append(out.PortfolioDetails, p.detail())
		}
	}
	return out, nil
}

func sortedIDs[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// artifact checks provisioning artifact parameters as AWS does for a
// CloudFormation template: a name-less artifact is allowed, a template
// source is not optional.
func (st *scState) artifact(p *sctypes.ProvisioningArtifactProperties) (sctypes.ProvisioningArtifactDetail, error) {
	if p == nil {
		return sctypes.ProvisioningArtifactDetail{}, Errorf("InvalidParametersException", "ProvisioningArtifactParameters are required")
	}
	url, phys := p.Info["LoadTemplateFromURL"], p.Info["ImportFromPhysicalId"]
	if (url == "") == (phys == "") {
		return sctypes.ProvisioningArtifactDetail{}, Errorf("InvalidParametersException", "Info needs exactly one of LoadTemplateFromURL and ImportFromPhysicalId")
	}
	if url != "" && !strings.HasPrefix(url, "https://") {
		return sctypes.ProvisioningArtifactDetail{}, Errorf("InvalidParametersException", "LoadTemplateFromURL %s is not an https URL", url)
	}
	return sctypes.ProvisioningArtifactDetail{Id: aws.String(st.newID("pa")), Name: p.Name, Description: p.Description,
		Type: p.Type, CreatedTime: aws.Time(time.Now().UTC()), Active: aws.Bool(true), Guidance: sctypes.ProvisioningArtifactGuidanceDefault}, nil
}

func (p *scProduct) view() *sctypes.ProductViewDetail {
	v := &sctypes.ProductViewSummary{Id: aws.String("prodview-" + p.id[5:]), ProductId: aws.String(p.id), Name: aws.String(p.name),
		Owner: aws.String(p.owner), Type: sctypes.ProductTypeCloudFormationTemplate}
	if p.desc != "" {
		v.ShortDescription = aws.String(p.desc)
	}
	return &sctypes.ProductViewDetail{ProductViewSummary: v, ProductARN: aws.String(p.arn), Status: sctypes.StatusAvailable}
}

func (st *scState) createProduct(req *Request, in *scInput) (any, error) {
	if id, _ := st.idem(req, "CreateProduct", in.IdempotencyToken); id != "" {
		p := st.products[id]
		return &sc.CreateProductOutput{ProductViewDetail: p.view(), ProvisioningArtifactDetail: &p.artifacts[0]}, nil
	}
	if in.Name == "" || in.Owner == "" || in.IdempotencyToken == "" || in.ProductType != string(sctypes.ProductTypeCloudFormationTemplate) {
		return nil, Errorf("InvalidParametersException", "Name, Owner, IdempotencyToken and ProductType CLOUD_FORMATION_TEMPLATE are required")
	}
	a, err := st.artifact(in.ProvisioningArtifactParameters)
	if err != nil {
		return nil, err
	}
	p := &scProduct{id: st.newID("prod"), account: req.Account(), region: req.Region, name: in.Name, owner: in.Owner, desc: in.Description,
		artifacts: []sctypes.ProvisioningArtifactDetail{a}}
	p.arn = fmt.Sprintf("arn:aws:catalog:%s:%s:product/%s", req.Region, req.Account(), p.id)
	st.products[p.id] = p
	_, k := st.idem(req, "CreateProduct", in.IdempotencyToken)
	st.tokens[k] = p.id
	return &sc.CreateProductOutput{ProductViewDetail: p.view(), ProvisioningArtifactDetail: &a}, nil
}

func (st *scState) updateProduct(req *Request, in *scInput) (any, error) {
	p, err := st.ownProduct(req, in.Id)
	if err != nil {
		return nil, err
	}
	if in.Owner != "" {
		p.owner = in.Owner
	}
	if in.Name != "" {
		p.name = in.Name
	}
	p.desc = in.Description
	return &sc.UpdateProductOutput{ProductViewDetail: p.view()}, nil
}

func (st *scState) searchProducts(req *Request, in *scInput) (any, error) {
	out := &sc.SearchProductsAsAdminOutput{}
	var pf *scPortfolio
	if in.PortfolioId != "" {
		var err error
		if pf, err = st.ownPortfolio(req, in.PortfolioId); err != nil {
			return nil, err
		}
	}
	for _, id := range sortedIDs(st.products) {
		p := st.products[id]
		if p.account != req.Account() || p.region != req.Region || (pf != nil && !pf.products[id]) {
			continue
		}
		out.ProductViewDetails = append(out.ProductViewDetails, *p.view())
	}
	return out, nil
}

func (st *scState) createArtifact(req *Request, in *scInput) (any, error) {
	p, err := st.ownProduct(req, in.ProductId)
	if err != nil {
		return nil, err
	}
	if id, k := st.idem(req, "CreateProvisioningArtifact", in.IdempotencyToken); id != "" {
		for i := range p.artifacts {
			if aws.ToString(p.artifacts[i].Id) == id {
				return &sc.CreateProvisioningArtifactOutput{ProvisioningArtifactDetail: &p.artifacts[i], Status: sctypes.StatusAvailable}, nil
			}
		}
	} else {
		a, err := st.artifact(in.ParametersObj)
		if err != nil {
			return nil, err
		}
		p.artifacts = append(p.artifacts, a)
		st.tokens[k] = aws.ToString(a.Id)
		return &sc.CreateProvisioningArtifactOutput{ProvisioningArtifactDetail: &a, Status: sctypes.StatusAvailable}, nil
	}
	return nil, Errorf("InvalidParametersException", "idempotency token reused for another product")
}

func (st *scState) listArtifacts(req *Request, in *scInput) (any, error) {
	p, err := st.ownProduct(req, in.ProductId)
	if err != nil {
		return nil, err
	}
	return &sc.ListProvisioningArtifactsOutput{ProvisioningArtifactDetails: append([]sctypes.ProvisioningArtifactDetail(nil), p.artifacts...)}, nil
}

func (st *scState) associateProduct(req *Request, in *scInput) (any, error) {
	pf, err := st.ownPortfolio(req, in.PortfolioId)
	if err != nil {
		return nil, err
	}
	if _, err := st.ownProduct(req, in.ProductId); err != nil {
		return nil, err
	}
	pf.products[in.ProductId] = true
	return &sc.AssociateProductWithPortfolioOutput{}, nil
}

func (c *scConstraint) detail() *sctypes.ConstraintDetail {
	return &sctypes.ConstraintDetail{ConstraintId: aws.String(c.id), Type: aws.String(c.typ), PortfolioId: aws.String(c.portfolio),
		ProductId: aws.String(c.product), Owner: aws.String(c.owner), Description: aws.String(c.desc)}
}

func (st *scState) createConstraint(req *Request, in *scInput) (any, error) {
	if id, _ := st.idem(req, "CreateConstraint", in.IdempotencyToken); id != "" {
		c := st.constraints[id]
		return &sc.CreateConstraintOutput{ConstraintDetail: c.detail(), ConstraintParameters: aws.String(c.params), Status: sctypes.StatusAvailable}, nil
	}
	pf, err := st.ownPortfolio(req, in.PortfolioId)
	if err != nil {
		return nil, err
	}
	if !pf.products[in.ProductId] {
		return nil, Errorf("ResourceNotFoundException", "Product %s is not in portfolio %s", in.ProductId, in.PortfolioId)
	}
	if err := checkConstraint(in.Type, in.Parameters); err != nil {
		return nil, err
	}
	for _, c := range st.constraints {
		if c.portfolio == in.PortfolioId && c.product == in.ProductId && c.typ == in.Type && in.Type == "LAUNCH" {
			return nil, Errorf("DuplicateResourceException", "a LAUNCH constraint already exists for this product and portfolio")
		}
	}
	c := &scConstraint{id: st.newID("cons"), portfolio: in.PortfolioId, product: in.ProductId, typ: in.Type, params: in.Parameters,
		desc: in.Description, owner: req.Account()}
	st.constraints[c.id] = c
	_, k := st.idem(req, "CreateConstraint", in.IdempotencyToken)
	st.tokens[k] = c.id
	return &sc.CreateConstraintOutput{ConstraintDetail: c.detail(), ConstraintParameters: aws.String(c.params), Status: sctypes.StatusAvailable}, nil
}

// checkConstraint accepts LAUNCH parameters with exactly one of
// RoleArn and LocalRoleName, as AWS documents them.
func checkConstraint(typ, params string) error {
	if typ != "LAUNCH" && typ != "NOTIFICATION" && typ != "RESOURCE_UPDATE" && typ != "STACKSET" && typ != "TEMPLATE" {
		return Errorf("InvalidParametersException", "constraint type %q is not valid", typ)
	}
	if typ != "LAUNCH" {
		return nil
	}
	var p map[string]string
	if err := jsonUnmarshalString(params, &p); err != nil {
		return Errorf("InvalidParametersException", "Parameters are not a JSON object: %v", err)
	}
	if (p["RoleArn"] == "") == (p["LocalRoleName"] == "") {
		return Errorf("InvalidParametersException", "a LAUNCH constraint needs exactly one of RoleArn and LocalRoleName")
	}
	return nil
}

func (st *scState) updateConstraint(req *Request, in *scInput) (any, error) {
	c := st.constraints[in.Id]
	if c == nil || c.owner != req.Account() {
		return nil, Errorf("ResourceNotFoundException", "Constraint %s not found", in.Id)
	}
	if in.Parameters != "" {
		if err := checkConstraint(c.typ, in.Parameters); err != nil {
			return nil, err
		}
		c.params = in.Parameters
	}
	if in.Description != "" {
		c.desc = in.Description
	}
	return &sc.UpdateConstraintOutput{ConstraintDetail: c.detail(), ConstraintParameters: aws.String(c.params), Status: sctypes.StatusAvailable}, nil
}

func (st *scState) describeConstraint(req *Request, in *scInput) (any, error) {
	c := st.constraints[in.Id]
	if c == nil || c.owner != req.Account() {
		return nil, Errorf("ResourceNotFoundException", "Constraint %s not found", in.Id)
	}
	return &sc.DescribeConstraintOutput{ConstraintDetail: c.detail(), ConstraintParameters: aws.String(c.params), Status: sctypes.StatusAvailable}, nil
}

func (st *scState) listConstraints(req *Request, in *scInput) (any, error) {
	if _, err := st.ownPortfolio(req, in.PortfolioId); err != nil {
		return nil, err
	}
	out := &sc.ListConstraintsForPortfolioOutput{}
	for _, id := range sortedIDs(st.constraints) {
		if c := st.constraints[id]; c.portfolio == in.PortfolioId && (in.ProductId == "" || c.product == in.ProductId) {
			out.ConstraintDetails = append(out.ConstraintDetails, *c.detail())
		}
	}
	return out, nil
}

func ptrDetail(d sctypes.PortfolioDetail) *sctypes.PortfolioDetail { return &d }
