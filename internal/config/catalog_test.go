package config

import "testing"

const catTemplate = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"

func init() {
	pf := "catalog:\n  templateBucket: tpl-bucket\n  portfolios:\n    - name: compute\n      provider: Platform\n"
	prod := "      products:\n        - name: ec2\n          owner: Platform\n          versions:\n            - {name: v1, template: t/ec2.cfn}\n"
	loadCases = append(loadCases,
		loadCase{"catalog valid", map[string]string{"a.yaml": baseSecurity + pf + prod +
			"      launchRole: CatalogLaunch\n      principals: [AWSReservedSSO_Dev*]\n      shareTo: {ous: [Workloads, Root], accounts: [alpha, \"123456789012\"]}\n" +
			"  requireApprovedProducts: [Workloads]\n", "t/ec2.cfn": catTemplate}, []string{}},
		loadCase{"catalog bad references", map[string]string{"a.yaml": baseSecurity + pf + prod +
			"      launchRole: »\"arn:aws:iam::1:role/x\"\n      principals: [»\"a b\"]\n      shareTo: {ous: [»Workload], accounts: [»gamma]}\n" +
			"  requireApprovedProducts: [»Prod]\n  region: »mars-1\n", "t/ec2.cfn": catTemplate},
			[]string{"catalog-portfolio", "catalog-portfolio", "unknown-ou", "unknown-account", "unknown-ou", "bad-region"}},
		loadCase{"catalog duplicates", map[string]string{"a.yaml": baseSecurity + pf + prod +
			"    - name: »compute\n      provider: Other\n      products:\n        - name: »ec2\n          owner: x\n          versions:\n            - {name: v1, template: t/ec2.cfn}\n            - {name: »v1, template: t/ec2.cfn}\n",
			"t/ec2.cfn": catTemplate},
			[]string{"catalog-portfolio", "catalog-product", "catalog-product"}},
		loadCase{"catalog missing and bad templates", map[string]string{"a.yaml": baseSecurity +
			"catalog:\n  templateBucket: tpl-bucket\n  portfolios:\n    - name: compute\n      provider: Platform\n      products:\n        - name: a\n          owner: o\n          versions:\n" +
			"            - {name: v1, template: »t/missing.cfn}\n            - {name: v2, template: »t/not.cfn}\n            - {name: v3, template: »/abs.cfn}\n",
			"t/not.cfn": "just text\n"},
			[]string{"catalog-template", "catalog-template", "catalog-template"}},
		loadCase{"catalog without template bucket", map[string]string{"a.yaml": baseSecurity + "catalog:\n  »portfolios:\n    - name: compute\n      provider: Platform\n" + prod,
			"t/ec2.cfn": catTemplate}, []string{"catalog-product"}},
		loadCase{"catalog principals shared nowhere", map[string]string{"a.yaml": baseSecurity + pf + "      principals: »[Dev]\n"},
			[]string{"catalog-portfolio"}},
	)
}

// TestCatalogTemplateRead keeps the template body for plan and apply.
func TestCatalogTemplateRead(t *testing.T) {
	c, diags, err := Load("../../examples/landing-zone")
	if err != nil || diags.Max() >= SevError {
		t.Fatalf("%v %v", err, diags)
	}
	pf := c.Catalog.Portfolio("approved-compute")
	if pf == nil || len(pf.Products) == 0 || pf.Products[0].Versions[0].Body == "" {
		t.Fatalf("example catalog not loaded: %+v", c.Catalog)
	}
}
