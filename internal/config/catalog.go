package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Catalog is the AWS Service Catalog part of the configuration: the
// portfolios of approved products (CloudFormation templates, in
// versions), the role products launch with, and who may launch them
// where. Portfolios live in the management account, in Region, and are
// shared to OUs through AWS Organizations sharing and to single
// accounts; each recipient account imports the share and lets the
// listed principals launch. plan and apply manage what it declares;
// portfolios it does not declare are left alone.
type Catalog struct {
	Region string `yaml:"region" json:"region,omitempty" enum:"@regions" doc:"Region of the portfolios (default organization.homeRegion)."`
	// TemplateBucket holds the templates: Service Catalog reads a
	// version's template from a URL, so apply uploads it there first.
	TemplateBucket string `yaml:"templateBucket" json:"templateBucket,omitempty" pattern:"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$" doc:"Existing S3 bucket of the management account, in the catalog's region, that apply uploads the templates to (Service Catalog reads a version's template from a URL). Required when a portfolio has products."`
	// RequireApprovedProducts lists where every EC2 instance must come
	// from a catalog product (rule lz.instance-approved-product).
	RequireApprovedProducts []string    `yaml:"requireApprovedProducts" json:"requireApprovedProducts,omitempty" doc:"Root or OU paths where every EC2 instance must be launched from a Service Catalog product (audit rule lz.instance-approved-product)."`
	Portfolios              []Portfolio `yaml:"portfolios" json:"portfolios,omitempty" doc:"Portfolios of approved products, each named uniquely."`
	Pos                     Positions   `yaml:"-" json:"-"`
}

// Portfolio is a Service Catalog portfolio and where it is shared.
type Portfolio struct {
	Name        string `yaml:"name" json:"name" required:"true" doc:"Display name of the portfolio, 1-100 characters, unique in the catalog."`
	Description string `yaml:"description" json:"description,omitempty" doc:"Free text, up to 2,000 characters."`
	Provider    string `yaml:"provider" json:"provider" required:"true" doc:"Who provides the portfolio (ProviderName), 1-50 characters, e.g. Platform team."`
	// LaunchRole is the LAUNCH constraint of every product of the
	// portfolio, by role name (LocalRoleName), so that one constraint
	// works in every account the portfolio is shared to.
	LaunchRole string    `yaml:"launchRole" json:"launchRole,omitempty" pattern:"^[\\w+=,.@-]{1,64}$" doc:"IAM role name products launch with (a LAUNCH constraint with LocalRoleName): the role must exist in every account that launches. Without it products launch with the user's own permissions."`
	Products   []Product `yaml:"products" json:"products,omitempty" doc:"Products of the portfolio."`
	ShareTo    Share     `yaml:"shareTo" json:"shareTo,omitzero" doc:"Where the portfolio is shared: OUs through AWS Organizations sharing, and single accounts."`
	Principals []string  `yaml:"principals" json:"principals,omitempty" doc:"IAM role names (wildcards * and ? allowed, e.g. AWSReservedSSO_Developer*) that may launch the products in every account the portfolio reaches (IAM_PATTERN principals)."`
	Pos        Positions `yaml:"-" json:"-"`
}

// Product is a CloudFormation product with its versions.
type Product struct {
	Name        string           `yaml:"name" json:"name" required:"true" doc:"Product name, 1-8,191 characters, unique in the catalog."`
	Owner       string           `yaml:"owner" json:"owner" required:"true" doc:"Owner of the product, up to 8,191 characters."`
	Description string           `yaml:"description" json:"description,omitempty" doc:"Free text, up to 8,191 characters."`
	Versions    []ProductVersion `yaml:"versions" json:"versions" required:"true" doc:"Versions (provisioning artifacts), oldest first; each names a CloudFormation template."`
	Pos         Positions        `yaml:"-" json:"-"`
}

// ProductVersion is one provisioning artifact of a product.
type ProductVersion struct {
	Name        string `yaml:"name" json:"name" required:"true" doc:"Version name, e.g. v1, unique in the product."`
	Description string `yaml:"description" json:"description,omitempty" doc:"What changed in this version."`
	Template    string `yaml:"template" json:"template" required:"true" doc:"CloudFormation template (YAML or JSON), by path relative to the configuration directory."`
	// Body is the template read from Template.
	Body string    `yaml:"-" json:"body,omitempty"`
	Pos  Positions `yaml:"-" json:"-"`
}

// Share lists the recipients of a portfolio.
type Share struct {
	OUs      []string  `yaml:"ous" json:"ous,omitempty" doc:"Root or OU paths the portfolio is shared to through AWS Organizations (every account under them, present and future)."`
	Accounts []string  `yaml:"accounts" json:"accounts,omitempty" doc:"Accounts by name or 12-digit id the portfolio is shared to directly."`
	Pos      Positions `yaml:"-" json:"-"`
}

// IsZero reports whether the section is absent.
func (c Catalog) IsZero() bool {
	return c.Region == "" && c.TemplateBucket == "" && len(c.RequireApprovedProducts) == 0 && len(c.Portfolios) == 0
}

// Portfolio returns the declared portfolio of that name, or nil.
func (c *Catalog) Portfolio(name string) *Portfolio {
	for i := range c.Portfolios {
		if c.Portfolios[i].Name == name {
			return &c.Portfolios[i]
		}
	}
	return nil
}

var (
	catalogPrincipalRe = regexp.MustCompile(`^[\w+=,.@*?-]{1,64}$`)
	versionNameRe      = regexp.MustCompile(`^[\x20-\x7E]+$`)
)

// loadCatalogTemplates reads the template of every product version.
func loadCatalogTemplates(c *Config, r *reporter) {
	for i := range c.Catalog.Portfolios {
		pf := &c.Catalog.Portfolios[i]
		for j := range pf.Products {
			pr := &pf.Products[j]
			for k := range pr.Versions {
				readTemplate(c, pr, &pr.Versions[k], r)
			}
		}
	}
}

func readTemplate(c *Config, pr *Product, v *ProductVersion, r *reporter) {
	if v.Template == "" {
		return
	}
	p := v.Pos.Of("template")
	if filepath.IsAbs(v.Template) {
		r.add(p, CodeCatalogTemplate, "write the path relative to "+c.Dir, "template %q is an absolute path", v.Template)
		return
	}
	path := filepath.Join(c.Dir, v.Template)
	b, err := os.ReadFile(path)
	if err != nil {
		hint := "check the path; it is relative to the configuration directory"
		if !errors.Is(err, os.ErrNotExist) {
			hint = "make the file readable"
		}
		r.add(p, CodeCatalogTemplate, hint, "product %q version %q: cannot read %s: %v", pr.Name, v.Name, path, unwrapPathError(err))
		return
	}
	body := string(b)
	if !strings.Contains(body, "Resources") {
		r.add(p, CodeCatalogTemplate, "a CloudFormation template has a Resources section",
			"product %q version %q: %s is not a CloudFormation template", pr.Name, v.Name, v.Template)
		return
	}
	if len(b) > 51200 {
		r.add(p, CodeCatalogTemplate, "Service Catalog takes templates of up to 51,200 bytes inline; split the template",
			"product %q version %q: %s is %d bytes", pr.Name, v.Name, v.Template, len(b))
		return
	}
	v.Body = body
}

// validateCatalog checks the catalog section: unique portfolio and
// product names, version names, role and principal names, and share
// targets and requireApprovedProducts that name declared OUs and
// accounts.
func validateCatalog(c *Config, r *reporter) {
	cat := &c.Catalog
	if cat.Region != "" && !ValidRegion(cat.Region) {
		r.add(cat.Pos.Of("region"), CodeBadRegion, suggest(cat.Region, Regions(), "see docs/config.md for region names"),
			"catalog.region %q is not an AWS region", cat.Region)
	}
	if len(cat.Portfolios) > 0 && cat.Region == "" && c.Organization.HomeRegion == "" {
		r.add(cat.Pos.Of(""), CodeCatalogPortfolio, "set catalog.region or organization.homeRegion", "catalog has no region for its portfolios")
	}
	hasProducts := false
	for _, pf := range cat.Portfolios {
		hasProducts = hasProducts || len(pf.Products) > 0
	}
	if hasProducts && cat.TemplateBucket == "" {
		r.add(cat.Pos.Of(""), CodeCatalogProduct, "name an existing S3 bucket of the management account: apply uploads the templates there",
			"catalog has products but no templateBucket")
	}
	if b := cat.TemplateBucket; b != "" && (!bucketNameRe.MatchString(b) || strings.Contains(b, "..")) {
		r.add(cat.Pos.Of("templateBucket"), CodeCatalogProduct, "3-63 lower-case letters, digits, dots and hyphens", "catalog.templateBucket %q is not an S3 bucket name", b)
	}
	for i, ou := range cat.RequireApprovedProducts {
		checkOURef(c, r, ou, cat.Pos.Of(fmt.Sprintf("requireApprovedProducts[%d]", i)), "catalog.requireApprovedProducts")
	}
	portfolios, products := map[string]Pos{}, map[string]Pos{}
	for i := range cat.Portfolios {
		validatePortfolio(c, &cat.Portfolios[i], fmt.Sprintf("catalog.portfolios[%d]", i), portfolios, products, r)
	}
}

func checkOURef(c *Config, r *reporter, ou string, p Pos, what string) {
	if ou != RootPath && c.OU(ou) == nil {
		r.add(p, CodeUnknownOU, suggest(ou, c.ouPaths(), "declare it under ous:"), "%s: %q is not a declared OU path or Root", what, ou)
	}
}

func validatePortfolio(c *Config, pf *Portfolio, where string, seen, products map[string]Pos, r *reporter) {
	bad := func(key, hint, format string, a ...any) {
		r.add(pf.Pos.Of(key), CodeCatalogPortfolio, hint, format, a...)
	}
	if pf.Name != "" {
		if len(pf.Name) > 100 {
			bad("name", "AWS allows 100 characters", "%s.name is %d characters", where, len(pf.Name))
		} else if first, dup := seen[pf.Name]; dup {
			bad("name", "first declared at "+first.String(), "portfolio %q is declared twice", pf.Name)
		}
		seen[pf.Name] = pf.Pos.Of("name")
	}
	if len(pf.Provider) > 50 {
		bad("provider", "AWS allows 50 characters", "%s.provider is %d characters", where, len(pf.Provider))
	}
	if len(pf.Description) > 2000 {
		bad("description", "AWS allows 2,000 characters", "%s.description is %d characters", where, len(pf.Description))
	}
	if pf.LaunchRole != "" && !roleNameRe.MatchString(pf.LaunchRole) {
		bad("launchRole", "a role name is 1-64 letters, digits or +=,.@_-", "%s.launchRole %q is not an IAM role name", where, pf.LaunchRole)
	}
	for k, p := range pf.Principals {
		if !catalogPrincipalRe.MatchString(p) {
			bad(fmt.Sprintf("principals[%d]", k), "write a role name, with * or ? as wildcards, e.g. AWSReservedSSO_Developer*",
				"%s.principals[%d] %q is not a role name pattern", where, k, p)
		}
	}
	for k, ou := range pf.ShareTo.OUs {
		checkOURef(c, r, ou, pf.ShareTo.Pos.Of(fmt.Sprintf("ous[%d]", k)), where+".shareTo.ous")
	}
	for k, a := range pf.ShareTo.Accounts {
		checkAccountRef(c, r, a, pf.ShareTo.Pos.Of(fmt.Sprintf("accounts[%d]", k)), where+".shareTo.accounts", true)
	}
	if len(pf.Principals) > 0 && len(pf.ShareTo.OUs) == 0 && len(pf.ShareTo.Accounts) == 0 {
		r.add(pf.Pos.Of("principals"), CodeCatalogPortfolio, "list shareTo.ous or shareTo.accounts", "%s has principals but is shared nowhere", where)
	}
	for j := range pf.Products {
		validateProduct(&pf.Products[j], fmt.Sprintf("%s.products[%d]", where, j), products, r)
	}
}

func validateProduct(pr *Product, where string, seen map[string]Pos, r *reporter) {
	bad := func(pos Pos, hint, format string, a ...any) { r.add(pos, CodeCatalogProduct, hint, format, a...) }
	if pr.Name != "" {
		if first, dup := seen[pr.Name]; dup {
			bad(pr.Pos.Of("name"), "a product belongs to one portfolio here; first declared at "+first.String(), "product %q is declared twice", pr.Name)
		}
		seen[pr.Name] = pr.Pos.Of("name")
	}
	for _, x := range []struct{ key, v string }{{"name", pr.Name}, {"owner", pr.Owner}, {"description", pr.Description}} {
		if len(x.v) > 8191 {
			bad(pr.Pos.Of(x.key), "AWS allows 8,191 characters", "%s.%s is %d characters", where, x.key, len(x.v))
		}
	}
	if pr.Pos.Has("versions") && len(pr.Versions) == 0 {
		bad(pr.Pos.Of("versions"), "list at least one version with a template", "%s has no version", where)
	}
	names := map[string]bool{}
	for k, v := range pr.Versions {
		if v.Name == "" {
			continue
		}
		if !versionNameRe.MatchString(v.Name) || len(v.Name) > 8191 {
			bad(v.Pos.Of("name"), "printable characters only", "%s.versions[%d].name %q is not a version name", where, k, v.Name)
		} else if names[v.Name] {
			bad(v.Pos.Of("name"), "name each version once", "%s: version %q is declared twice", where, v.Name)
		}
		names[v.Name] = true
	}
}
