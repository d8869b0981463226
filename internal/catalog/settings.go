// Package catalog turns the configuration's catalog section into AWS
// Service Catalog objects: portfolios in the management account,
// products in versions (provisioning artifacts) from CloudFormation
// templates, LAUNCH constraints by role name, shares to OUs through AWS
// Organizations sharing and to accounts, and, in every recipient
// account, the accepted share and the principals allowed to launch.
// Resolve fixes the ids, Plan compares with the current State and gives
// Steps, plain data that apply executes with AWS.Apply.
package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

// CodeUnresolved is the warning that a share target does not exist yet
// (an OU or account the same plan creates): plan again after applying.
const CodeUnresolved = "catalog-unresolved"

// Settings is the catalog section with every reference resolved.
type Settings struct {
	Region     string
	HubAccount string // the management account: portfolios live there
	Partition  string
	// TemplateBucket is the S3 bucket apply uploads templates to.
	TemplateBucket string
	Portfolios     []Portfolio
}

// Portfolio is one declared portfolio, resolved.
type Portfolio struct {
	Name, Description, Provider, LaunchRole string
	Products                                []Product
	// Nodes are the AWS Organizations nodes shared to: the root
	// (ORGANIZATION), OUs (ORGANIZATIONAL_UNIT) and accounts (ACCOUNT).
	Nodes []Node
	// Members are the account ids the shares reach (hub excluded),
	// sorted: each accepts the share and gets the principals.
	Members    []string
	Principals []string
}

// Product is one declared product.
type Product struct {
	Name, Owner, Description string
	Versions                 []Version
}

// Version is one provisioning artifact.
type Version struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Template    string `json:"template"`
}

// Node is a share recipient: Type ORGANIZATION, ORGANIZATIONAL_UNIT or
// ACCOUNT and its id; Ref is how the configuration names it.
type Node struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Ref   string `json:"ref"`
}

// Resolve resolves the catalog section against the organization. It
// returns nil when the configuration has no portfolio. Share targets
// without an id yet are left out with a warning.
func Resolve(cfg *config.Config, o *org.Organization) (*Settings, diag.List) {
	cat := cfg.Catalog
	if len(cat.Portfolios) == 0 || o == nil {
		return nil, nil
	}
	var diags diag.List
	s := &Settings{Region: cat.Region, HubAccount: o.MasterAccountId, Partition: o.Partition(), TemplateBucket: cat.TemplateBucket}
	if s.Region == "" {
		s.Region = cfg.Organization.HomeRegion
	}
	for _, pc := range cat.Portfolios {
		p := Portfolio{Name: pc.Name, Description: pc.Description, Provider: pc.Provider, LaunchRole: pc.LaunchRole,
			Principals: slices.Clone(pc.Principals)}
		for _, pr := range pc.Products {
			prod := Product{Name: pr.Name, Owner: pr.Owner, Description: pr.Description}
			for _, v := range pr.Versions {
				prod.Versions = append(prod.Versions, Version{Name: v.Name, Description: v.Description, Template: v.Body})
			}
			p.Products = append(p.Products, prod)
		}
		members := map[string]bool{}
		add := func(n Node) {
			if n.Value == "" {
				diags = append(diags, diag.Diagnostic{Code: CodeUnresolved, Severity: severity.Low,
					Message: fmt.Sprintf("catalog: portfolio %q: share target %q does not exist yet; plan again once it does", pc.Name, n.Ref)})
				return
			}
			if n.Type == "ACCOUNT" && n.Value == s.HubAccount {
				diags = append(diags, diag.Diagnostic{Code: CodeUnresolved, Severity: severity.Low,
					Message: fmt.Sprintf("catalog: portfolio %q: %q is the management account, which owns the portfolio; not shared", pc.Name, n.Ref)})
				return
			}
			p.Nodes = append(p.Nodes, n)
			under := n.Value
			if n.Type == "ORGANIZATION" {
				under = rootID(o)
			}
			for _, a := range o.AccountsUnder(under) {
				if a.Id != s.HubAccount && (a.Status == "" || a.Status == "ACTIVE") {
					members[a.Id] = true
				}
			}
		}
		for _, ref := range pc.ShareTo.OUs {
			if ref == config.RootPath {
				add(Node{Type: "ORGANIZATION", Value: o.Id, Ref: ref}) // the organization's id, as AWS wants it
				continue
			}
			add(Node{Type: "ORGANIZATIONAL_UNIT", Value: ouID(o, ref), Ref: ref})
		}
		for _, ref := range pc.ShareTo.Accounts {
			add(Node{Type: "ACCOUNT", Value: accountID(cfg, o, ref), Ref: ref})
		}
		for id := range members {
			p.Members = append(p.Members, id)
		}
		slices.Sort(p.Members)
		s.Portfolios = append(s.Portfolios, p)
	}
	return s, diags
}

func rootID(o *org.Organization) string {
	if len(o.Roots) == 0 {
		return ""
	}
	return o.Roots[0].Id
}

// ouID finds the id of an OU by its path from the root.
func ouID(o *org.Organization, path string) string { return o.OUIDByPath(path) }

// accountID resolves an account name or id to a member's id.
func accountID(cfg *config.Config, o *org.Organization, ref string) string {
	if a := o.Account(ref); a != nil {
		return a.Id
	}
	a := cfg.Account(ref)
	if a == nil {
		return ""
	}
	for _, x := range o.Accounts {
		if x.Id == a.ID || (a.Email != "" && strings.EqualFold(x.Email, a.Email)) || x.Name == a.Name {
			return x.Id
		}
	}
	return ""
}

// PrincipalARN is the IAM_PATTERN principal of a role name pattern:
// no account, so that it matches in every account it is associated in.
func PrincipalARN(partition, role string) string {
	return "arn:" + partition + ":iam:::role/" + role
}
