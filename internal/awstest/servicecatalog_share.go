package awstest

import (
	"encoding/json"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	sc "github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/orgrail/orgrail/internal/org"
)

func jsonUnmarshalString(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// createShare shares a portfolio with an organization node. Only the
// management account shares to nodes, after EnableAWSOrganizationsAccess,
// and the node must exist in the organization.
func (st *scState) createShare(s *Server, req *Request, in *scInput) (any, error) {
	pf, err := st.ownPortfolio(req, in.PortfolioId)
	if err != nil {
		return nil, err
	}
	n := in.OrganizationNode
	if n == nil {
		if in.AccountId == "" {
			return nil, Errorf("InvalidParametersException", "one of AccountId and OrganizationNode is required")
		}
		pf.shares["ACCOUNT_IMPORT/"+in.AccountId] = true
		return &sc.CreatePortfolioShareOutput{}, nil
	}
	if req.Account() != s.ManagementAccount() || !st.access[req.Account()] {
		return nil, Errorf("InvalidStateException", "AWS Organizations access is not enabled for the caller")
	}
	o := s.Organization()
	v := aws.ToString(n.Value)
	ok := false
	switch n.Type {
	case sctypes.OrganizationNodeTypeOrganization:
		ok = o.Id == v || o.Root(v) != nil
	case sctypes.OrganizationNodeTypeOrganizationalUnit:
		ok = o.OU(v) != nil
	case sctypes.OrganizationNodeTypeAccount:
		ok = o.Account(v) != nil
	}
	if !ok {
		return nil, Errorf("InvalidParametersException", "organization node %s %s does not exist", n.Type, v)
	}
	pf.shares[string(n.Type)+"/"+v] = true
	tok := st.newID("share")
	st.shares[tok] = pf.id
	return &sc.CreatePortfolioShareOutput{PortfolioShareToken: aws.String(tok)}, nil
}

func (st *scState) shareStatus(_ *Request, in *scInput) (any, error) {
	id, ok := st.shares[in.PortfolioShareToken]
	if !ok {
		return nil, Errorf("ResourceNotFoundException", "share token %s not found", in.PortfolioShareToken)
	}
	return &sc.DescribePortfolioShareStatusOutput{PortfolioShareToken: aws.String(in.PortfolioShareToken), PortfolioId: aws.String(id),
		Status: sctypes.ShareStatusCompleted, ShareDetails: &sctypes.ShareDetails{}}, nil
}

var describeShareTypes = map[string]string{
	"ORGANIZATION": "ORGANIZATION", "ORGANIZATIONAL_UNIT": "ORGANIZATIONAL_UNIT",
	"ORGANIZATION_MEMBER_ACCOUNT": "ACCOUNT", "ACCOUNT": "ACCOUNT_IMPORT",
}

func (st *scState) describeShares(req *Request, in *scInput) (any, error) {
	pf, err := st.ownPortfolio(req, in.PortfolioId)
	if err != nil {
		return nil, err
	}
	node, ok := describeShareTypes[in.Type]
	if !ok {
		return nil, Errorf("InvalidParametersException", "Type %q is not valid", in.Type)
	}
	out := &sc.DescribePortfolioSharesOutput{}
	for _, k := range sortedIDs(pf.shares) {
		if t, v, _ := cut(k); t == node {
			out.PortfolioShareDetails = append(out.PortfolioShareDetails, sctypes.PortfolioShareDetail{PrincipalId: aws.String(v),
				Type: sctypes.DescribePortfolioShareType(in.Type), Accepted: st.acceptedAnywhere(pf.id)})
		}
	}
	return out, nil
}

func cut(k string) (string, string, bool) {
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] == '/' {
			return k[:i], k[i+1:], true
		}
	}
	return k, "", false
}

func (st *scState) acceptedAnywhere(id string) bool {
	for _, m := range st.accepted {
		if m[id] {
			return true
		}
	}
	return false
}

// sharedWith reports whether a portfolio reaches an account through an
// organization share (a node on the account's path).
func sharedWith(o *org.Organization, pf *scPortfolio, account string) bool {
	if o.Account(account) == nil {
		return false
	}
	for _, id := range append(o.Path(account), account) {
		typ := "ORGANIZATIONAL_UNIT"
		switch org.TargetKind(id) {
		case org.KindRoot:
			typ = "ORGANIZATION"
		case org.KindAccount:
			typ = "ACCOUNT"
		}
		if pf.shares[typ+"/"+id] || (typ == "ORGANIZATION" && pf.shares[typ+"/"+o.Id]) {
			return true
		}
	}
	return false
}

func (st *scState) accept(s *Server, req *Request, in *scInput) (any, error) {
	pf := st.portfolios[in.PortfolioId]
	typ := in.PortfolioShareType
	if typ == "" {
		typ = "IMPORTED"
	}
	switch {
	case pf == nil || pf.region != req.Region:
		return nil, Errorf("ResourceNotFoundException", "Portfolio %s not found", in.PortfolioId)
	case typ == "AWS_SERVICECATALOG":
		return nil, Errorf("ResourceNotFoundException", "AWS_SERVICECATALOG shares cannot be accepted")
	case typ == "AWS_ORGANIZATIONS" && !sharedWith(s.Organization(), pf, req.Account()):
		return nil, Errorf("ResourceNotFoundException", "Portfolio %s is not shared with account %s through AWS Organizations", pf.id, req.Account())
	case typ == "IMPORTED" && !pf.shares["ACCOUNT_IMPORT/"+req.Account()]:
		return nil, Errorf("ResourceNotFoundException", "Portfolio %s is not shared with account %s", pf.id, req.Account())
	}
	if st.accepted[req.Account()] == nil {
		st.accepted[req.Account()] = map[string]bool{}
	}
	st.accepted[req.Account()][pf.id] = true
	return &sc.AcceptPortfolioShareOutput{}, nil
}

func (st *scState) listAccepted(req *Request, in *scInput) (any, error) {
	out := &sc.ListAcceptedPortfolioSharesOutput{}
	for _, id := range sortedIDs(st.accepted[req.Account()]) {
		if pf := st.portfolios[id]; pf != nil && pf.region == req.Region {
			out.PortfolioDetails = append(out.PortfolioDetails, pf.detail())
		}
	}
	return out, nil
}

// reachable finds a portfolio the caller owns or has accepted.
func (st *scState) reachable(req *Request, id string) (*scPortfolio, error) {
	pf := st.portfolios[id]
	if pf != nil && pf.region == req.Region && (pf.account == req.Account() || st.accepted[req.Account()][id]) {
		return pf, nil
	}
	return nil, Errorf("ResourceNotFoundException", "Portfolio %s not found", id)
}

func (st *scState) associatePrincipal(req *Request, in *scInput) (any, error) {
	pf, err := st.reachable(req, in.PortfolioId)
	if err != nil {
		return nil, err
	}
	typ := sctypes.PrincipalType(in.PrincipalType)
	if !slices.Contains(typ.Values(), typ) {
		return nil, Errorf("InvalidParametersException", "PrincipalType %q is not valid", in.PrincipalType)
	}
	if typ == sctypes.PrincipalTypeIamPattern && !iamPatternRe.MatchString(in.PrincipalARN) {
		return nil, Errorf("InvalidParametersException", "%s is not an IAM_PATTERN principal (arn:aws:iam:::role/name)", in.PrincipalARN)
	}
	a := req.Account()
	if st.principals[a] == nil {
		st.principals[a] = map[string]map[string]sctypes.PrincipalType{}
	}
	if st.principals[a][pf.id] == nil {
		st.principals[a][pf.id] = map[string]sctypes.PrincipalType{}
	}
	st.principals[a][pf.id][in.PrincipalARN] = typ
	return &sc.AssociatePrincipalWithPortfolioOutput{}, nil
}

func (st *scState) listPrincipals(req *Request, in *scInput) (any, error) {
	pf, err := st.reachable(req, in.PortfolioId)
	if err != nil {
		return nil, err
	}
	out := &sc.ListPrincipalsForPortfolioOutput{}
	ps := st.principals[req.Account()][pf.id]
	for _, arn := range sortedIDs(ps) {
		out.Principals = append(out.Principals, sctypes.Principal{PrincipalARN: aws.String(arn), PrincipalType: ps[arn]})
	}
	return out, nil
}
