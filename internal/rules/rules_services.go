package rules

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(
		&Rule{ID: "guardduty.enabled", Title: "GuardDuty is enabled", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"guardduty"}, Fix: "guardduty-enable",
			Rationale:   "GuardDuty detects compromised credentials, crypto-mining and reconnaissance in the account and region.",
			Remediation: "Enable GuardDuty in the region, with the Audit account as delegated administrator and auto-enable for all members.",
			Mappings:    findings.Mappings{ConfigRule: "GUARDDUTY_ENABLED_CENTRALIZED", SecurityHub: "GuardDuty.1", NistCsf: "DE.CM"},
			check:       checkGuardDuty},
		&Rule{ID: "lz.guardduty-administered-by-audit", Title: "GuardDuty findings reach the Audit account", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"guardduty", "organizations"},
			Rationale:   "Findings must reach the Audit account (GuardDuty's delegated administrator) to be acted on; a member administered elsewhere, or not at all, is a blind spot.",
			Remediation: "Make the Audit account GuardDuty's delegated administrator and auto-enable members (or accept the member's invitation).",
			Mappings:    findings.Mappings{NistCsf: "DE.CM"},
			check:       checkGuardDutyAdmin},
		&Rule{ID: "guardduty.delegated-admin", Title: "The Audit account is GuardDuty's delegated administrator", Severity: severity.Medium,
			Scope: ScopeOrg, ResourceType: typeAccount, Services: []string{"organizations"},
			Rationale:   "A delegated administrator outside the management account sees every member's findings without using the management account day to day.",
			Remediation: "Register the Audit account as GuardDuty delegated administrator (aws guardduty enable-organization-admin-account).",
			Mappings:    findings.Mappings{NistCsf: "GV.RR"},
			check: func(c *Ctx) error {
				return checkDelegatedAdmin(c, "GuardDuty", spGuardDuty)
			}},
		&Rule{ID: "config.recorder-enabled", Title: "AWS Config records all resources in the region", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"config"}, Fix: "config-enable",
			Rationale:   "Config's history of resource configurations is what audits, investigations and continuous compliance are built on.",
			Remediation: "Create a configuration recorder recording all supported resource types, a delivery channel, and start recording.",
			Mappings:    findings.Mappings{SecurityHub: "Config.1", CIS: "3.3", NistCsf: "ID.AM"},
			check:       checkConfigRecorder},
		&Rule{ID: "config.aggregator-in-audit", Title: "An organization Config aggregator exists in the Audit account", Severity: severity.Medium,
			Scope: ScopeOrg, ResourceType: "AWS::Config::ConfigurationAggregator", Services: []string{"config"},
			Rationale:   "An organization aggregator gives the Audit account one view of every account's configuration and compliance.",
			Remediation: "In the Audit account (delegated administrator for Config), create a configuration aggregator with the organization as source and all regions.",
			Mappings:    findings.Mappings{NistCsf: "ID.AM"},
			check:       checkAggregator},
		&Rule{ID: "securityhub.enabled", Title: "Security Hub is enabled", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"securityhub"}, Fix: "securityhub-enable",
			Rationale:   "Security Hub aggregates findings and runs the control checks of the enabled standards.",
			Remediation: "Enable Security Hub in the region with the Audit account as delegated administrator (central configuration).",
			Mappings:    findings.Mappings{ConfigRule: "SECURITYHUB_ENABLED", SecurityHub: "SecurityHub.1", CIS: "4.16", NistCsf: "DE.CM"},
			check:       checkSecurityHub},
		&Rule{ID: "lz.securityhub-administered-by-audit", Title: "Security Hub reports to the Audit account", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"securityhub", "organizations"},
			Rationale:   "Security Hub gives one view of the organization only if every member reports to the Audit account (its delegated administrator).",
			Remediation: "Make the Audit account Security Hub's delegated administrator with central configuration, so members are associated automatically.",
			Mappings:    findings.Mappings{NistCsf: "DE.CM"},
			check:       checkSecurityHubAdmin},
		&Rule{ID: "securityhub.standards-enabled", Title: "Security Hub has a security standard enabled", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"securityhub"},
			Rationale:   "Without a standard, Security Hub runs no control checks.",
			Remediation: "Enable AWS Foundational Security Best Practices (and CIS) in the Security Hub configuration policy.",
			Mappings:    findings.Mappings{NistCsf: "ID.RA"},
			check:       checkSecurityHubStandards},
		&Rule{ID: "securityhub.delegated-admin", Title: "The Audit account is Security Hub's delegated administrator", Severity: severity.Medium,
			Scope: ScopeOrg, ResourceType: typeAccount, Services: []string{"organizations"},
			Rationale:   "Findings of every account should be aggregated to the Audit account, not the management account.",
			Remediation: "Register the Audit account as Security Hub delegated administrator (aws securityhub enable-organization-admin-account).",
			Mappings:    findings.Mappings{NistCsf: "GV.RR"},
			check: func(c *Ctx) error {
				return checkDelegatedAdmin(c, "Security Hub", spSecurityHub)
			}},
	)
}

func checkDelegatedAdmin(c *Ctx, name, sp string) error {
	f := c.run.facts
	if f.audit == "" {
		return fmt.Errorf("no Audit account: set security.auditAccount in the configuration")
	}
	admin := c.Org().DelegatedAdminFor(sp)
	res := fmt.Sprintf("arn:%s:iam::%s:root", c.Partition(), f.audit)
	switch {
	case admin == "":
		c.Fail(res, "%s has no delegated administrator", name)
	case admin != f.audit:
		c.Fail(res, "%s's delegated administrator is %s (%s), not the Audit account %s", name, admin, c.Org().Name(admin), f.audit)
	default:
		c.Pass(res, "%s is administered by the Audit account %s", name, f.audit)
	}
	return nil
}

// adminFor returns the account that should administer a service: its
// delegated administrator, else the Audit account.
func (c *Ctx) adminFor(sp string) string {
	if a := c.Org().DelegatedAdminFor(sp); a != "" {
		return a
	}
	return c.run.facts.audit
}

// guardDutyDetector returns the region's enabled detector id and its
// ARN; id is "" (and a FAILED finding recorded when fail is set) when
// GuardDuty is not enabled.
func guardDutyDetector(c *Ctx, fail bool) (id, res string, err error) {
	ld, err := get[guardduty.ListDetectorsOutput](c.v, c.Region, "guardduty", "ListDetectors")
	if err != nil {
		return "", "", err
	}
	if len(ld.DetectorIds) == 0 {
		if fail {
			c.Fail("", "GuardDuty has no detector in %s", c.Region)
		}
		return "", "", nil
	}
	id = ld.DetectorIds[0]
	res = c.arn("guardduty", c.Region, c.Account.Id, "detector/"+id)
	d, err := getRes[guardduty.GetDetectorOutput](c.v, c.Region, "guardduty", "GetDetector", id)
	if err != nil {
		return "", "", err
	}
	if string(d.Status) != "ENABLED" {
		if fail {
			c.Fail(res, "detector %s is %s", id, d.Status)
		}
		return "", res, nil
	}
	return id, res, nil
}

// checkGuardDuty is GuardDuty.1 / GUARDDUTY_ENABLED_CENTRALIZED: enabled
// in the account and region, whoever administers it.
func checkGuardDuty(c *Ctx) error {
	id, res, err := guardDutyDetector(c, true)
	if err != nil || id == "" {
		return err
	}
	c.Pass(res, "detector %s is enabled", id)
	return nil
}

// notInOrganization records NOT_APPLICABLE for administration rules
// when there is no AWS Organization to administer through.
func notInOrganization(c *Ctx) bool {
	if c.Org().Id == "" {
		c.NA("", "the account is not in an AWS Organization: no delegated administrator applies")
		return true
	}
	return false
}

// checkGuardDutyAdmin is orgrail's landing-zone view: the detector is
// administered by the Audit account (GuardDuty's delegated admin).
func checkGuardDutyAdmin(c *Ctx) error {
	if notInOrganization(c) {
		return nil
	}
	id, res, err := guardDutyDetector(c, false)
	if err != nil {
		return err
	}
	if id == "" {
		c.NA(res, "GuardDuty is not enabled in %s (see guardduty.enabled)", c.Region)
		return nil
	}
	admin := c.adminFor(spGuardDuty)
	if admin == "" {
		return fmt.Errorf("no Audit account: set security.auditAccount in the configuration")
	}
	if admin == c.Account.Id {
		c.Pass(res, "the account is GuardDuty's administrator")
		return nil
	}
	ga, err := getRes[guardduty.GetAdministratorAccountOutput](c.v, c.Region, "guardduty", "GetAdministratorAccount", id)
	if err != nil && !isBenign(err) {
		return err
	}
	got := ""
	if err == nil && ga.Administrator != nil && strings.EqualFold(aws(ga.Administrator.RelationshipStatus), "Enabled") {
		got = aws(ga.Administrator.AccountId)
	}
	c.Check(got == admin, res, "detector administered by "+admin,
		fmt.Sprintf("detector is not administered by the Audit account %s (administrator: %s)", admin, nonEmpty(got, "none")))
	return nil
}

func isBenign(err error) bool { _, ok := benign(err); return ok }

func checkConfigRecorder(c *Ctx) error {
	recs, err := get[configservice.DescribeConfigurationRecordersOutput](c.v, c.Region, "config", "DescribeConfigurationRecorders")
	if err != nil {
		return err
	}
	if len(recs.ConfigurationRecorders) == 0 {
		c.Fail("", "no configuration recorder in %s", c.Region)
		return nil
	}
	st, err := get[configservice.DescribeConfigurationRecorderStatusOutput](c.v, c.Region, "config", "DescribeConfigurationRecorderStatus")
	if err != nil {
		return err
	}
	dc, err := get[configservice.DescribeDeliveryChannelsOutput](c.v, c.Region, "config", "DescribeDeliveryChannels")
	if err != nil {
		return err
	}
	r := recs.ConfigurationRecorders[0]
	recording := false
	for _, s := range st.ConfigurationRecordersStatus {
		if aws(s.Name) == aws(r.Name) && s.Recording {
			recording = true
		}
	}
	var why []string
	if !recording {
		why = append(why, "recorder "+aws(r.Name)+" is not recording")
	}
	if r.RecordingGroup != nil && !r.RecordingGroup.AllSupported {
		why = append(why, "recorder does not record all supported resource types")
	}
	if len(dc.DeliveryChannels) == 0 {
		why = append(why, "no delivery channel")
	}
	c.Check(len(why) == 0, "", "recorder "+aws(r.Name)+" records all resources", strings.Join(why, "; "))
	return nil
}

func checkAggregator(c *Ctx) error {
	f := c.run.facts
	if f.audit == "" {
		return fmt.Errorf("no Audit account: set security.auditAccount in the configuration")
	}
	v := c.viewOf(f.audit)
	var firstErr error
	seen := false
	for _, region := range c.run.regionsOf(f.audit) {
		out, err := get[configservice.DescribeConfigurationAggregatorsOutput](v, region, "config", "DescribeConfigurationAggregators")
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		seen = true
		for _, a := range out.ConfigurationAggregators {
			if src := a.OrganizationAggregationSource; src != nil && (src.AllAwsRegions || len(src.AwsRegions) > 0) {
				c.emitIn(region, findings.Passed, aws(a.ConfigurationAggregatorArn),
					"aggregator %s in the Audit account aggregates the organization", aws(a.ConfigurationAggregatorName))
				return nil
			}
		}
	}
	if !seen && firstErr != nil {
		return firstErr
	}
	c.Fail(fmt.Sprintf("arn:%s:iam::%s:root", c.Partition(), f.audit), "the Audit account %s has no organization aggregator", f.audit)
	return nil
}

// checkSecurityHub is SECURITYHUB_ENABLED / SecurityHub.1: enabled in
// the account and region, whoever administers it.
func checkSecurityHub(c *Ctx) error {
	hub, err := get[securityhub.DescribeHubOutput](c.v, c.Region, "securityhub", "DescribeHub")
	if isBenign(err) {
		c.Fail("", "Security Hub is not enabled in %s", c.Region)
		return nil
	}
	if err != nil {
		return err
	}
	c.Pass(nonEmpty(aws(hub.HubArn), c.arn("securityhub", c.Region, c.Account.Id, "hub/default")), "Security Hub is enabled")
	return nil
}

// checkSecurityHubAdmin is orgrail's landing-zone view: the hub reports
// to the Audit account (Security Hub's delegated administrator).
func checkSecurityHubAdmin(c *Ctx) error {
	if notInOrganization(c) {
		return nil
	}
	hub, err := get[securityhub.DescribeHubOutput](c.v, c.Region, "securityhub", "DescribeHub")
	if isBenign(err) {
		c.NA("", "Security Hub is not enabled in %s (see securityhub.enabled)", c.Region)
		return nil
	}
	if err != nil {
		return err
	}
	res := nonEmpty(aws(hub.HubArn), c.arn("securityhub", c.Region, c.Account.Id, "hub/default"))
	admin := c.adminFor(spSecurityHub)
	if admin == "" {
		return fmt.Errorf("no Audit account: set security.auditAccount in the configuration")
	}
	if admin == c.Account.Id {
		c.Pass(res, "the account is Security Hub's administrator")
		return nil
	}
	ga, err := get[securityhub.GetAdministratorAccountOutput](c.v, c.Region, "securityhub", "GetAdministratorAccount")
	if err != nil && !isBenign(err) {
		return err
	}
	got := ""
	if err == nil && ga.Administrator != nil && strings.EqualFold(aws(ga.Administrator.MemberStatus), "Enabled") {
		got = aws(ga.Administrator.AccountId)
	}
	c.Check(got == admin, res, "Security Hub administered by "+admin,
		fmt.Sprintf("Security Hub is not administered by the Audit account %s (administrator: %s)", admin, nonEmpty(got, "none")))
	return nil
}

func checkSecurityHubStandards(c *Ctx) error {
	_, err := get[securityhub.DescribeHubOutput](c.v, c.Region, "securityhub", "DescribeHub")
	if isBenign(err) {
		c.NA("", "Security Hub is not enabled in %s", c.Region)
		return nil
	}
	if err != nil {
		return err
	}
	st, err := get[securityhub.GetEnabledStandardsOutput](c.v, c.Region, "securityhub", "GetEnabledStandards")
	if err != nil && !isBenign(err) {
		return err
	}
	var ready []string
	if err == nil {
		for _, s := range st.StandardsSubscriptions {
			if string(s.StandardsStatus) == "READY" {
				ready = append(ready, aws(s.StandardsArn))
			}
		}
	}
	c.Check(len(ready) > 0, "", fmt.Sprintf("%d standards enabled", len(ready)), "no Security Hub standard is enabled")
	return nil
}
