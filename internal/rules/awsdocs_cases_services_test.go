package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
)

// Documented outcomes of orgrail's organization-level service rules
// (delegated administrators, the Config aggregator, Security Hub
// standards). No Config rule or Security Hub control judges these; the
// cases rest on the AWS documentation of the behaviour they check: the
// services' delegated-administrator model, the aggregator API and the
// standards subscription states.
const (
	qGDAdmin   = "To start using Amazon GuardDuty with AWS Organizations, the AWS Organizations management account for the organization designates an account as the delegated GuardDuty administrator account."
	qGDMgmt    = "Your organization's management account can be the delegated administrator, but this is not recommended based on AWS Security best practices following the principle of least privilege (paraphrase)."
	qSHAdmin   = "EnableOrganizationAdminAccount designates the Security Hub administrator account for an organization; only the organization management account can call it (paraphrase)."
	qAggOrg    = "Creates and updates the configuration aggregator with the selected source accounts and regions. The source account can be individual account(s) or an organization."
	qAggAdmin  = "If your source type is an organization, you must be signed in to the management account or a registered delegated administrator and all the features must be enabled in your organization."
	qStdReady  = "READY - The standard is enabled."
	qStdDelete = "DELETING - The standard is in the process of being disabled."
	gdOrgsDoc  = "https://docs.aws.amazon.com/guardduty/latest/ug/organizations_permissions.html"
	gdConsider = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html"
	shOrgAdmin = "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_EnableOrganizationAdminAccount.html"
	cfgAggDoc  = "https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationAggregator.html"
	shStdDoc   = "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_StandardsSubscription.html"
)

// moveAdmin makes account the delegated administrator of one service
// principal, taking it from the Audit account.
func moveAdmin(f *fx, sp, account string) {
	d := &f.org.DelegatedAdministrators[0]
	var keep []string
	for _, p := range d.ServicePrincipals {
		if p != sp {
			keep = append(keep, p)
		}
	}
	d.ServicePrincipals = keep
	if account != "" {
		f.org.DelegatedAdministrators = append(f.org.DelegatedAdministrators, org.DelegatedAdministrator{AccountId: account, ServicePrincipals: []string{sp}})
	}
}

func aggregators(f *fx) *configservice.DescribeConfigurationAggregatorsOutput {
	return op[configservice.DescribeConfigurationAggregatorsOutput](f, acctA, region1, "config", "DescribeConfigurationAggregators")
}

func standards(f *fx) *securityhub.GetEnabledStandardsOutput {
	return op[securityhub.GetEnabledStandardsOutput](f, acctW, region1, "securityhub", "GetEnabledStandards")
}

func init() {
	addDocCases(
		// GuardDuty's delegated administrator is the Audit account
		docCase{Rule: "guardduty.delegated-admin", Source: gdOrgsDoc, Quote: qGDAdmin, Name: "the Audit account is GuardDuty's delegated administrator",
			Account: acctM, Want: findings.Passed},
		docCase{Rule: "guardduty.delegated-admin", Source: gdOrgsDoc, Quote: qGDAdmin, Name: "no delegated administrator for GuardDuty",
			Mutate: func(f *fx) { moveAdmin(f, spGuardDuty, "") }, Account: acctM, Want: findings.Failed},
		docCase{Rule: "guardduty.delegated-admin", Source: gdConsider, Quote: qGDMgmt, Name: "the management account administers GuardDuty",
			Mutate: func(f *fx) { moveAdmin(f, spGuardDuty, acctM) }, Account: acctM, Want: findings.Failed},

		// Security Hub's delegated administrator is the Audit account
		docCase{Rule: "securityhub.delegated-admin", Source: shOrgAdmin, Quote: qSHAdmin, Name: "the Audit account is Security Hub's delegated administrator",
			Account: acctM, Want: findings.Passed},
		docCase{Rule: "securityhub.delegated-admin", Source: shOrgAdmin, Quote: qSHAdmin, Name: "no delegated administrator for Security Hub",
			Mutate: func(f *fx) { moveAdmin(f, spSecurityHub, "") }, Account: acctM, Want: findings.Failed},
		docCase{Rule: "securityhub.delegated-admin", Source: shOrgAdmin, Quote: qSHAdmin, Name: "a workload account administers Security Hub",
			Mutate: func(f *fx) { moveAdmin(f, spSecurityHub, acctW) }, Account: acctM, Want: findings.Failed},

		// An organization aggregator in the Audit account
		docCase{Rule: "config.aggregator-in-audit", Source: cfgAggDoc, Quote: qAggAdmin, Name: "organization aggregator of all regions in the Audit account",
			Account: acctM, Want: findings.Passed},
		docCase{Rule: "config.aggregator-in-audit", Source: cfgAggDoc, Quote: qAggOrg, Name: "no aggregator",
			Mutate: func(f *fx) { aggregators(f).ConfigurationAggregators = nil }, Account: acctM, Want: findings.Failed},
		docCase{Rule: "config.aggregator-in-audit", Source: cfgAggDoc, Quote: qAggOrg, Name: "an aggregator of individual accounts only",
			Mutate: func(f *fx) {
				aggregators(f).ConfigurationAggregators = []cfgtypes.ConfigurationAggregator{{ConfigurationAggregatorName: awsv2.String("some"),
					ConfigurationAggregatorArn: awsv2.String("arn:aws:config:us-east-1:" + acctA + ":config-aggregator/some"),
					AccountAggregationSources:  []cfgtypes.AccountAggregationSource{{AccountIds: []string{acctW}, AllAwsRegions: true}}}}
			}, Account: acctM, Want: findings.Failed},

		// A Security Hub standard is enabled
		docCase{Rule: "securityhub.standards-enabled", Source: shStdDoc, Quote: qStdReady, Name: "FSBP READY", Want: findings.Passed},
		docCase{Rule: "securityhub.standards-enabled", Source: shStdDoc, Quote: qStdReady, Name: "no standard",
			Mutate: func(f *fx) { standards(f).StandardsSubscriptions = nil }, Want: findings.Failed},
		docCase{Rule: "securityhub.standards-enabled", Source: shStdDoc, Quote: qStdDelete, Name: "the only standard being disabled",
			Mutate: func(f *fx) { standards(f).StandardsSubscriptions[0].StandardsStatus = shtypes.StandardsStatusDeleting }, Want: findings.Failed},
		docCase{Rule: "securityhub.standards-enabled", Source: cfgDoc("securityhub-enabled"), Quote: qSecHub, Name: "Security Hub not enabled",
			Mutate: func(f *fx) { f.setErr(acctW, region1, "securityhub", "DescribeHub", "InvalidAccessException") }, Want: findings.NotApplicable},
	)
}
