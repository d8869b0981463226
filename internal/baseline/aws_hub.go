package baseline

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	sht "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// applyHubPolicy turns on Security Hub central configuration from the
// Audit account: a finding aggregator in the home region linking the
// other baseline regions, the organization configuration set to
// CENTRAL, a configuration policy enabling Security Hub with the
// standards, associated with the root.
func (a *AWS) applyHubPolicy(ctx context.Context, step *Step) error {
	home := step.Regions[0]
	c := securityhub.NewFromConfig(a.account(step.Account, home))
	if _, err := c.CreateFindingAggregator(ctx, &securityhub.CreateFindingAggregatorInput{RegionLinkingMode: aws.String("SPECIFIED_REGIONS"),
		Regions: step.Regions[1:]}); err != nil && errorCode(err) != "ResourceConflictException" {
		return fmt.Errorf("CreateFindingAggregator: %w", err)
	}
	if _, err := c.UpdateOrganizationConfiguration(ctx, &securityhub.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(false),
		AutoEnableStandards:       sht.AutoEnableStandardsNone,
		OrganizationConfiguration: &sht.OrganizationConfiguration{ConfigurationType: sht.OrganizationConfigurationConfigurationTypeCentral}}); err != nil {
		return fmt.Errorf("UpdateOrganizationConfiguration (central): %w", err)
	}
	var arns []string
	for _, s := range step.Standards {
		arns = append(arns, StandardARN(s, home))
	}
	policy := &sht.PolicyMemberSecurityHub{Value: sht.SecurityHubPolicy{ServiceEnabled: aws.Bool(true), EnabledStandardIdentifiers: arns,
		SecurityControlsConfiguration: &sht.SecurityControlsConfiguration{DisabledSecurityControlIdentifiers: []string{}}}}
	id, err := hubPolicyID(ctx, c, step.Name)
	if err != nil {
		return err
	}
	if id == "" {
		out, err := c.CreateConfigurationPolicy(ctx, &securityhub.CreateConfigurationPolicyInput{Name: aws.String(step.Name),
			Description: aws.String(hubDescription(step.Standards)), ConfigurationPolicy: policy})
		if err != nil {
			return fmt.Errorf("CreateConfigurationPolicy: %w", err)
		}
		id = aws.ToString(out.Id)
	} else if _, err := c.UpdateConfigurationPolicy(ctx, &securityhub.UpdateConfigurationPolicyInput{Identifier: aws.String(id),
		Description: aws.String(hubDescription(step.Standards)), ConfigurationPolicy: policy}); err != nil {
		return fmt.Errorf("UpdateConfigurationPolicy: %w", err)
	}
	if _, err := c.StartConfigurationPolicyAssociation(ctx, &securityhub.StartConfigurationPolicyAssociationInput{ConfigurationPolicyIdentifier: aws.String(id),
		Target: &sht.TargetMemberRootId{Value: step.Target}}); err != nil {
		return fmt.Errorf("StartConfigurationPolicyAssociation: %w", err)
	}
	return nil
}

// hubDescriptionPrefix starts the description orgrail gives its policy.
const hubDescriptionPrefix = "orgrail baseline: "

// hubDescription names the standards in the policy's description.
func hubDescription(standards []string) string {
	return hubDescriptionPrefix + strings.Join(standards, ",")
}

// hubPolicyID finds a configuration policy by name ("" when none).
func hubPolicyID(ctx context.Context, c *securityhub.Client, name string) (string, error) {
	out, err := c.ListConfigurationPolicies(ctx, &securityhub.ListConfigurationPoliciesInput{})
	if err != nil {
		return "", fmt.Errorf("ListConfigurationPolicies: %w", err)
	}
	for _, p := range out.ConfigurationPolicySummaries {
		if aws.ToString(p.Name) == name {
			return aws.ToString(p.Id), nil
		}
	}
	return "", nil
}

// readHubPolicy records the baseline's configuration policy, if any.
func (a *AWS) readHubPolicy(ctx context.Context, s *Settings, st *State) error {
	c := securityhub.NewFromConfig(a.account(s.AuditID, s.HomeRegion))
	id, err := hubPolicyID(ctx, c, HubPolicyName)
	if err != nil || id == "" {
		return err
	}
	out, err := c.GetConfigurationPolicy(ctx, &securityhub.GetConfigurationPolicyInput{Identifier: aws.String(id)})
	if err != nil {
		return fmt.Errorf("GetConfigurationPolicy: %w", err)
	}
	var names []string
	if p, ok := out.ConfigurationPolicy.(*sht.PolicyMemberSecurityHub); ok {
		for _, arn := range p.Value.EnabledStandardIdentifiers {
			if n := StandardName(arn); n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	} else {
		// No policy document in the answer: the standards orgrail wrote
		// in the description.
		names = strings.Split(strings.TrimPrefix(aws.ToString(out.Description), hubDescriptionPrefix), ",")
	}
	if st.HubPolicies == nil {
		st.HubPolicies = map[string]string{}
	}
	st.HubPolicies[HubPolicyName] = HubFingerprint(names)
	return nil
}
