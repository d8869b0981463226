package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	sc "github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
)

// AWS reaches the accounts the catalog lives in: Management is the
// management account (the hub of the portfolios), For gives the
// configuration of a member account (nil: members are not read and
// their steps fail).
type AWS struct {
	Management aws.Config
	For        func(account string) aws.Config
	// Poll is the wait between reads of an asynchronous share; PollMax
	// bounds how many reads are made (default 60).
	Poll    time.Duration
	PollMax int
}

func (a *AWS) client(account, region string) (*sc.Client, error) {
	cfg := a.Management
	if account != "" && a.For != nil {
		cfg = a.For(account)
	} else if account != "" {
		return nil, fmt.Errorf("catalog: no way to reach account %s", account)
	}
	cfg = cfg.Copy()
	if region != "" {
		cfg.Region = region
	}
	return sc.NewFromConfig(cfg), nil
}

func (a *AWS) hub(region string) *sc.Client {
	cfg := a.Management.Copy()
	if region != "" {
		cfg.Region = region
	}
	return sc.NewFromConfig(cfg)
}

// Read returns what exists of the settings' catalog: the hub's declared
// portfolios and products with their versions, associations, launch
// constraints and shares, and each member's accepted shares and
// principals. Objects the configuration does not declare are skipped.
func (a *AWS) Read(ctx context.Context, s *Settings) (*State, error) {
	c := a.hub(s.Region)
	st := &State{}
	acc, err := c.GetAWSOrganizationsAccessStatus(ctx, &sc.GetAWSOrganizationsAccessStatusInput{})
	if err != nil {
		return nil, fmt.Errorf("catalog: GetAWSOrganizationsAccessStatus: %w", err)
	}
	st.OrgAccess = acc.AccessStatus == sctypes.AccessStatusEnabled
	declared, products := map[string]*Portfolio{}, map[string]bool{}
	for i := range s.Portfolios {
		declared[s.Portfolios[i].Name] = &s.Portfolios[i]
		for _, pr := range s.Portfolios[i].Products {
			products[pr.Name] = true
		}
	}
	if err := a.readProducts(ctx, c, products, st); err != nil {
		return nil, err
	}
	pp := sc.NewListPortfoliosPaginator(c, &sc.ListPortfoliosInput{})
	for pp.HasMorePages() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("catalog: ListPortfolios: %w", err)
		}
		for _, d := range page.PortfolioDetails {
			name := aws.ToString(d.DisplayName)
			if declared[name] == nil || st.Portfolio(name) != nil {
				continue
			}
			p := st.SetPortfolio(name, &PortfolioState{ID: aws.ToString(d.Id), Description: aws.ToString(d.Description), Provider: aws.ToString(d.ProviderName)})
			if err := a.readPortfolio(ctx, c, p); err != nil {
				return nil, err
			}
		}
	}
	for _, p := range s.Portfolios {
		for _, m := range p.Members {
			if err := a.readMember(ctx, s, m, st); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

func (a *AWS) readProducts(ctx context.Context, c *sc.Client, declared map[string]bool, st *State) error {
	p := sc.NewSearchProductsAsAdminPaginator(c, &sc.SearchProductsAsAdminInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("catalog: SearchProductsAsAdmin: %w", err)
		}
		for _, d := range page.ProductViewDetails {
			v := d.ProductViewSummary
			if v == nil || !declared[aws.ToString(v.Name)] || st.Product(aws.ToString(v.Name)) != nil {
				continue
			}
			ps := st.SetProduct(aws.ToString(v.Name), &ProductState{ID: aws.ToString(v.ProductId), Owner: aws.ToString(v.Owner), Description: aws.ToString(v.ShortDescription)})
			arts, err := c.ListProvisioningArtifacts(ctx, &sc.ListProvisioningArtifactsInput{ProductId: v.ProductId})
			if err != nil {
				return fmt.Errorf("catalog: ListProvisioningArtifacts %s: %w", ps.ID, err)
			}
			for _, x := range arts.ProvisioningArtifactDetails {
				ps.Versions[aws.ToString(x.Name)] = aws.ToString(x.Id)
			}
		}
	}
	return nil
}

// shareTypes maps the types DescribePortfolioShares lists to the
// organization node types a share is made with.
var shareTypes = map[sctypes.DescribePortfolioShareType]string{
	sctypes.DescribePortfolioShareTypeOrganization:              "ORGANIZATION",
	sctypes.DescribePortfolioShareTypeOrganizationalUnit:        "ORGANIZATIONAL_UNIT",
	sctypes.DescribePortfolioShareTypeOrganizationMemberAccount: "ACCOUNT",
}

func (a *AWS) readPortfolio(ctx context.Context, c *sc.Client, p *PortfolioState) error {
	sp := sc.NewSearchProductsAsAdminPaginator(c, &sc.SearchProductsAsAdminInput{PortfolioId: aws.String(p.ID)})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("catalog: SearchProductsAsAdmin %s: %w", p.ID, err)
		}
		for _, d := range page.ProductViewDetails {
			if d.ProductViewSummary != nil {
				p.Products[aws.ToString(d.ProductViewSummary.ProductId)] = true
			}
		}
	}
	cp := sc.NewListConstraintsForPortfolioPaginator(c, &sc.ListConstraintsForPortfolioInput{PortfolioId: aws.String(p.ID)})
	for cp.HasMorePages() {
		page, err := cp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("catalog: ListConstraintsForPortfolio %s: %w", p.ID, err)
		}
		for _, d := range page.ConstraintDetails {
			if aws.ToString(d.Type) != "LAUNCH" {
				continue
			}
			out, err := c.DescribeConstraint(ctx, &sc.DescribeConstraintInput{Id: d.ConstraintId})
			if err != nil {
				return fmt.Errorf("catalog: DescribeConstraint %s: %w", aws.ToString(d.ConstraintId), err)
			}
			p.Launch[aws.ToString(d.ProductId)] = Constraint{ID: aws.ToString(d.ConstraintId), Role: launchRole(aws.ToString(out.ConstraintParameters))}
		}
	}
	for t, node := range shareTypes {
		dp := sc.NewDescribePortfolioSharesPaginator(c, &sc.DescribePortfolioSharesInput{PortfolioId: aws.String(p.ID), Type: t})
		for dp.HasMorePages() {
			page, err := dp.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("catalog: DescribePortfolioShares %s: %w", p.ID, err)
			}
			for _, d := range page.PortfolioShareDetails {
				p.Shares[NodeKey(node, aws.ToString(d.PrincipalId))] = true
			}
		}
	}
	return nil
}

// launchRole reads the role of LAUNCH constraint parameters: the
// LocalRoleName, else the name in RoleArn.
func launchRole(params string) string {
	var p struct{ LocalRoleName, RoleArn string }
	_ = json.Unmarshal([]byte(params), &p)
	if p.LocalRoleName != "" {
		return p.LocalRoleName
	}
	return p.RoleArn[strings.LastIndexByte(p.RoleArn, '/')+1:]
}

func (a *AWS) readMember(ctx context.Context, s *Settings, account string, st *State) error {
	if _, done := st.Members[account]; done {
		return nil
	}
	c, err := a.client(account, s.Region)
	if err != nil {
		return err
	}
	m := st.Member(account)
	p := sc.NewListAcceptedPortfolioSharesPaginator(c, &sc.ListAcceptedPortfolioSharesInput{PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("catalog: ListAcceptedPortfolioShares in %s: %w", account, err)
		}
		for _, d := range page.PortfolioDetails {
			m.Accepted[aws.ToString(d.Id)] = true
		}
	}
	for _, pf := range st.Portfolios {
		if !m.Accepted[pf.ID] {
			continue
		}
		pp := sc.NewListPrincipalsForPortfolioPaginator(c, &sc.ListPrincipalsForPortfolioInput{PortfolioId: aws.String(pf.ID)})
		for pp.HasMorePages() {
			page, err := pp.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("catalog: ListPrincipalsForPortfolio %s in %s: %w", pf.ID, account, err)
			}
			for _, x := range page.Principals {
				if m.Principals[pf.ID] == nil {
					m.Principals[pf.ID] = map[string]bool{}
				}
				m.Principals[pf.ID][aws.ToString(x.PrincipalARN)] = true
			}
		}
	}
	return nil
}

// token is the idempotency token of a step: the same step retried or
// resumed makes one object.
func token(key string) *string {
	h := sha256.Sum256([]byte(key))
	return aws.String("orgrail-" + hex.EncodeToString(h[:12]))
}

// Apply executes one step and records its effect in st.
func (a *AWS) Apply(ctx context.Context, step *Step, st *State) error {
	c := a.hub(step.Region)
	switch step.Kind {
	case KindOrgAccess:
		if _, err := c.EnableAWSOrganizationsAccess(ctx, &sc.EnableAWSOrganizationsAccessInput{}); err != nil {
			return err
		}
		st.OrgAccess = true
	case KindPortfolio:
		return a.applyPortfolio(ctx, c, step, st)
	case KindProduct:
		return a.applyProduct(ctx, c, step, st)
	case KindArtifact:
		return a.applyArtifact(ctx, c, step, st)
	case KindAssociation:
		pf, pr, err := objects(step, st)
		if err != nil {
			return err
		}
		if _, err := c.AssociateProductWithPortfolio(ctx, &sc.AssociateProductWithPortfolioInput{PortfolioId: aws.String(pf.ID), ProductId: aws.String(pr.ID)}); err != nil {
			return err
		}
		pf.Products[pr.ID] = true
	case KindLaunch:
		return a.applyLaunch(ctx, c, step, st)
	case KindShare:
		return a.applyShare(ctx, c, step, st)
	case KindAccept, KindPrincipal:
		return a.applyMember(ctx, step, st)
	default:
		return fmt.Errorf("catalog: unknown step kind %q", step.Kind)
	}
	return nil
}

// objects returns the portfolio and product a step names, which earlier
// steps made.
func objects(step *Step, st *State) (*PortfolioState, *ProductState, error) {
	pf, pr := st.Portfolio(step.Portfolio), st.Product(step.Product)
	if pf == nil && step.Portfolio != "" {
		return nil, nil, fmt.Errorf("catalog: portfolio %q does not exist", step.Portfolio)
	}
	if pr == nil && step.Product != "" {
		return nil, nil, fmt.Errorf("catalog: product %q does not exist", step.Product)
	}
	return pf, pr, nil
}

func (a *AWS) applyPortfolio(ctx context.Context, c *sc.Client, step *Step, st *State) error {
	if p := st.Portfolio(step.Portfolio); p != nil {
		if _, err := c.UpdatePortfolio(ctx, &sc.UpdatePortfolioInput{Id: aws.String(p.ID), Description: aws.String(step.Description), ProviderName: aws.String(step.Provider)}); err != nil {
			return err
		}
		p.Description, p.Provider = step.Description, step.Provider
		return nil
	}
	in := &sc.CreatePortfolioInput{DisplayName: aws.String(step.Portfolio), ProviderName: aws.String(step.Provider), IdempotencyToken: token(step.Key)}
	if step.Description != "" {
		in.Description = aws.String(step.Description)
	}
	out, err := c.CreatePortfolio(ctx, in)
	if err != nil {
		return err
	}
	st.SetPortfolio(step.Portfolio, &PortfolioState{ID: aws.ToString(out.PortfolioDetail.Id), Description: step.Description, Provider: step.Provider})
	return nil
}

// artifactParams uploads the version's template and returns the
// provisioning artifact parameters that load it.
func (a *AWS) artifactParams(ctx context.Context, step *Step) (*sctypes.ProvisioningArtifactProperties, error) {
	v := step.Artifact
	if v == nil || v.Template == "" {
		return nil, fmt.Errorf("catalog: %s: no template", step.Address)
	}
	if step.Bucket == "" {
		return nil, fmt.Errorf("catalog: %s: no template bucket (catalog.templateBucket)", step.Address)
	}
	h := sha256.Sum256([]byte(v.Template))
	key := fmt.Sprintf("orgrail-catalog/%s/%s-%s.template", step.Product, v.Name, hex.EncodeToString(h[:8]))
	cfg := a.Management.Copy()
	cfg.Region = step.Region
	if _, err := s3.NewFromConfig(cfg).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(step.Bucket), Key: aws.String(key),
		Body: strings.NewReader(v.Template), ContentType: aws.String("text/plain")}); err != nil {
		return nil, fmt.Errorf("catalog: uploading the template of %s: %w", step.Address, err)
	}
	p := &sctypes.ProvisioningArtifactProperties{Name: aws.String(v.Name), Type: sctypes.ProvisioningArtifactTypeCloudFormationTemplate,
		Info: map[string]string{"LoadTemplateFromURL": TemplateURL(step.Bucket, step.Region, key)}}
	if v.Description != "" {
		p.Description = aws.String(v.Description)
	}
	return p, nil
}

// TemplateURL is the S3 URL Service Catalog loads a template from.
func TemplateURL(bucket, region, key string) string {
	host := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		host = "amazonaws.com.cn"
	}
	return fmt.Sprintf("https://%s.s3.%s.%s/%s", bucket, region, host, key)
}

func (a *AWS) applyProduct(ctx context.Context, c *sc.Client, step *Step, st *State) error {
	if p := st.Product(step.Product); p != nil {
		if _, err := c.UpdateProduct(ctx, &sc.UpdateProductInput{Id: aws.String(p.ID), Owner: aws.String(step.Owner), Description: aws.String(step.Description)}); err != nil {
			return err
		}
		p.Owner, p.Description = step.Owner, step.Description
		return nil
	}
	params, err := a.artifactParams(ctx, step)
	if err != nil {
		return err
	}
	in := &sc.CreateProductInput{Name: aws.String(step.Product), Owner: aws.String(step.Owner), ProductType: sctypes.ProductTypeCloudFormationTemplate,
		ProvisioningArtifactParameters: params, IdempotencyToken: token(step.Key)}
	if step.Description != "" {
		in.Description = aws.String(step.Description)
	}
	out, err := c.CreateProduct(ctx, in)
	if err != nil {
		return err
	}
	p := st.SetProduct(step.Product, &ProductState{ID: aws.ToString(out.ProductViewDetail.ProductViewSummary.ProductId), Owner: step.Owner, Description: step.Description})
	if out.ProvisioningArtifactDetail != nil {
		p.Versions[step.Artifact.Name] = aws.ToString(out.ProvisioningArtifactDetail.Id)
	}
	return nil
}

func (a *AWS) applyArtifact(ctx context.Context, c *sc.Client, step *Step, st *State) error {
	_, pr, err := objects(step, st)
	if err != nil {
		return err
	}
	params, err := a.artifactParams(ctx, step)
	if err != nil {
		return err
	}
	out, err := c.CreateProvisioningArtifact(ctx, &sc.CreateProvisioningArtifactInput{ProductId: aws.String(pr.ID), Parameters: params, IdempotencyToken: token(step.Key)})
	if err != nil {
		return err
	}
	pr.Versions[step.Artifact.Name] = aws.ToString(out.ProvisioningArtifactDetail.Id)
	return nil
}

func (a *AWS) applyLaunch(ctx context.Context, c *sc.Client, step *Step, st *State) error {
	pf, pr, err := objects(step, st)
	if err != nil {
		return err
	}
	params, _ := json.Marshal(map[string]string{"LocalRoleName": step.Role})
	if old, ok := pf.Launch[pr.ID]; ok {
		if _, err := c.UpdateConstraint(ctx, &sc.UpdateConstraintInput{Id: aws.String(old.ID), Parameters: aws.String(string(params))}); err != nil {
			return err
		}
		pf.Launch[pr.ID] = Constraint{ID: old.ID, Role: step.Role}
		return nil
	}
	out, err := c.CreateConstraint(ctx, &sc.CreateConstraintInput{PortfolioId: aws.String(pf.ID), ProductId: aws.String(pr.ID), Type: aws.String("LAUNCH"),
		Parameters: aws.String(string(params)), IdempotencyToken: token(step.Key), Description: aws.String("orgrail: launch with " + step.Role)})
	if err != nil {
		return err
	}
	pf.Launch[pr.ID] = Constraint{ID: aws.ToString(out.ConstraintDetail.ConstraintId), Role: step.Role}
	return nil
}

func (a *AWS) applyShare(ctx context.Context, c *sc.Client, step *Step, st *State) error {
	pf, _, err := objects(step, st)
	if err != nil {
		return err
	}
	out, err := c.CreatePortfolioShare(ctx, &sc.CreatePortfolioShareInput{PortfolioId: aws.String(pf.ID),
		OrganizationNode: &sctypes.OrganizationNode{Type: sctypes.OrganizationNodeType(step.Node.Type), Value: aws.String(step.Node.Value)}})
	if err != nil {
		return err
	}
	if out.PortfolioShareToken != nil {
		if err := a.waitShare(ctx, c, out.PortfolioShareToken); err != nil {
			return fmt.Errorf("catalog: %s: %w", step.Address, err)
		}
	}
	pf.Shares[NodeKey(step.Node.Type, step.Node.Value)] = true
	return nil
}

// waitShare reads an organization share's status until it is done,
// at most PollMax times.
func (a *AWS) waitShare(ctx context.Context, c *sc.Client, tok *string) error {
	max := a.PollMax
	if max == 0 {
		max = 60
	}
	for i := 0; i < max; i++ {
		out, err := c.DescribePortfolioShareStatus(ctx, &sc.DescribePortfolioShareStatusInput{PortfolioShareToken: tok})
		if err != nil {
			return err
		}
		switch out.Status {
		case sctypes.ShareStatusCompleted:
			return nil
		case sctypes.ShareStatusError, sctypes.ShareStatusCompletedWithErrors:
			msg := string(out.Status)
			if out.ShareDetails != nil {
				for _, e := range out.ShareDetails.ShareErrors {
					msg += "; " + aws.ToString(e.Message)
				}
			}
			return fmt.Errorf("share %s: %s", aws.ToString(tok), msg)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(a.Poll):
		}
	}
	return fmt.Errorf("share %s still in progress after %d reads; apply again to resume", aws.ToString(tok), max)
}

func (a *AWS) applyMember(ctx context.Context, step *Step, st *State) error {
	pf, _, err := objects(step, st)
	if err != nil {
		return err
	}
	c, err := a.client(step.Account, step.Region)
	if err != nil {
		return err
	}
	m := st.Member(step.Account)
	if step.Kind == KindAccept {
		if _, err := c.AcceptPortfolioShare(ctx, &sc.AcceptPortfolioShareInput{PortfolioId: aws.String(pf.ID), PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations}); err != nil {
			return err
		}
		m.Accepted[pf.ID] = true
		return nil
	}
	if _, err := c.AssociatePrincipalWithPortfolio(ctx, &sc.AssociatePrincipalWithPortfolioInput{PortfolioId: aws.String(pf.ID),
		PrincipalARN: aws.String(step.Principal), PrincipalType: sctypes.PrincipalTypeIamPattern}); err != nil {
		return err
	}
	if m.Principals[pf.ID] == nil {
		m.Principals[pf.ID] = map[string]bool{}
	}
	m.Principals[pf.ID][step.Principal] = true
	return nil
}
