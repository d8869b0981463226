package apply

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sc "github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/orgrail/orgrail/internal/catalog"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
)

// catalogEnv is the example landing zone (with its catalog section),
// built on the local AWS, with the template bucket in the management
// account.
func catalogEnv(t *testing.T) (*env, *catalog.AWS) {
	t.Helper()
	e := newEnv(t, copyExample(t))
	ctx := context.Background()
	if _, err := e.apply(ctx, e.plan(t), Options{}); err != nil {
		t.Fatalf("landing zone: %v", err)
	}
	e.srv.PutObject(e.srv.ManagementAccount(), e.cfg.Catalog.TemplateBucket, "README", []byte("templates"))
	c := &catalog.AWS{Management: e.srv.Config(ctx, e.srv.AdminCredentials()), Poll: 1,
		For: func(account string) aws.Config { return e.srv.Config(ctx, e.srv.AccountCredentials(account)) }}
	return e, c
}

// planCatalog plans with the catalog's state read through the SDK.
func planCatalog(t *testing.T, e *env, c *catalog.AWS) *plan.Plan {
	t.Helper()
	o := e.read(t)
	s, _ := catalog.Resolve(e.cfg, o)
	st, err := c.Read(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	p, diags := plan.NewFrom(e.cfg, o, plan.Inputs{Catalog: st}, plan.Options{})
	for _, d := range diags {
		if d.Severity.Reaches(severity.High) && d.Code != plan.CodeLint {
			t.Fatalf("plan: %v", d)
		}
	}
	return p
}

// TestApplyCatalog makes the example's portfolio, product, launch
// constraint and shares through the SDK, then checks from a member
// account of the shared OU that the portfolio is imported and the
// principals can launch; planning again finds nothing to do.
func TestApplyCatalog(t *testing.T) {
	e, c := catalogEnv(t)
	ctx := context.Background()
	p := planCatalog(t, e, c)
	kinds := map[string]int{}
	for _, ch := range p.Changes {
		if ch.Kind == plan.KindCatalog {
			kinds[ch.Catalog.Kind]++
		}
	}
	for _, k := range []string{catalog.KindOrgAccess, catalog.KindPortfolio, catalog.KindProduct, catalog.KindAssociation,
		catalog.KindLaunch, catalog.KindShare, catalog.KindAccept, catalog.KindPrincipal} {
		if kinds[k] == 0 {
			t.Errorf("no %s change in %v", k, keysOf(p))
		}
	}
	rep, err := e.apply(ctx, p, Options{CatalogAWS: c})
	if err != nil || rep.Failed != 0 {
		t.Fatalf("apply: %v %+v", err, rep)
	}
	if again := planCatalog(t, e, c); !again.Empty() {
		t.Fatalf("plan after apply: %v", keysOf(again))
	}
	o := e.read(t)
	var member string
	for _, a := range o.Accounts {
		if strings.HasPrefix(o.PathNames(a.Id), "Root/Workloads/Prod") {
			member = a.Id
			break
		}
	}
	if member == "" {
		t.Fatal("no account under Workloads/Prod")
	}
	mc := sc.NewFromConfig(e.srv.Config(ctx, e.srv.AccountCredentials(member)), func(o *sc.Options) { o.Region = e.cfg.Organization.HomeRegion })
	acc, err := mc.ListAcceptedPortfolioShares(ctx, &sc.ListAcceptedPortfolioSharesInput{PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations})
	if err != nil || len(acc.PortfolioDetails) != 1 || aws.ToString(acc.PortfolioDetails[0].DisplayName) != "approved-compute" {
		t.Fatalf("member %s accepted: %v %+v", member, err, acc)
	}
	pr, err := mc.ListPrincipalsForPortfolio(ctx, &sc.ListPrincipalsForPortfolioInput{PortfolioId: acc.PortfolioDetails[0].Id})
	if err != nil || len(pr.Principals) != 2 || aws.ToString(pr.Principals[0].PrincipalARN) != "arn:aws:iam:::role/AWSReservedSSO_Developer*" {
		t.Fatalf("member principals: %v %+v", err, pr)
	}
}

// TestApplyCatalogResumes cancels the catalog's apply after every
// journal write in turn and applies again until done: no object is made
// twice and planning afterwards finds nothing to do.
func TestApplyCatalogResumes(t *testing.T) {
	e, c := catalogEnv(t)
	ctx := context.Background()
	p := planCatalog(t, e, c)
	writes, next, kills := 0, 1, 0
	for runs := 1; ; runs++ {
		if runs > 200 {
			t.Fatalf("not done after %d runs", runs)
		}
		rctx, cancel := context.WithCancel(ctx)
		_, err := e.apply(rctx, p, Options{CatalogAWS: c, AfterStep: func(int) {
			writes++
			if writes == next {
				next += 3
				cancel()
			}
		}})
		cancel()
		if err == nil {
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("run %d: %v", runs, err)
		}
		kills++
	}
	if again := planCatalog(t, e, c); !again.Empty() {
		t.Fatalf("plan after the resumed apply: %v", keysOf(again))
	}
	hub := sc.NewFromConfig(c.Management, func(o *sc.Options) { o.Region = e.cfg.Organization.HomeRegion })
	ps, err := hub.ListPortfolios(ctx, &sc.ListPortfoliosInput{})
	if err != nil || len(ps.PortfolioDetails) != 1 {
		t.Fatalf("portfolios after resumes: %v %d", err, len(ps.PortfolioDetails))
	}
	prods, err := hub.SearchProductsAsAdmin(ctx, &sc.SearchProductsAsAdminInput{})
	if err != nil || len(prods.ProductViewDetails) != 1 {
		t.Fatalf("products after resumes: %v %d", err, len(prods.ProductViewDetails))
	}
	if kills < 5 {
		t.Errorf("only %d kill points", kills)
	}
}
