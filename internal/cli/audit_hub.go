package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/findings"
)

// hubFlags are the flags of the Security Hub import: the role to assume
// in each account, spelled as collect spells them, and the own-account
// mode.
type hubFlags struct {
	region  string
	roles   collect.Options
	chain   string
	ownOnly bool
}

func (h *hubFlags) bind(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&h.region, "security-hub-region", "", "region of the Security Hub import (default: --region, else each finding's region)")
	f.StringVar(&h.roles.RoleName, "role-name", "OrganizationAccountAccessRole", "--to-security-hub: role to assume in each account to import its findings")
	f.StringVar(&h.roles.RoleARNTemplate, "role-arn-template", "", "--to-security-hub: role ARN per account, e.g. 'arn:aws:iam::{account}:role/Audit'")
	f.StringVar(&h.chain, "role-chain", "", "--to-security-hub: roles to assume first, in order: ARN,ARN,…")
	f.StringVar(&h.roles.ExternalID, "external-id", "", "--to-security-hub: external id for AssumeRole")
	f.BoolVar(&h.ownOnly, "security-hub-own-account", false, "--to-security-hub: import only the findings of the calling account (e.g. the Audit account), assuming no role")
}

// importToSecurityHub imports the findings into Security Hub. With the
// default product, AWS accepts a finding only from the account that is
// its AwsAccountId, so each account's findings are imported with that
// account's credentials (the caller's own, or the role assumed as collect
// does), or, with --security-hub-own-account, only the caller's findings.
func importToSecurityHub(ctx context.Context, g *Globals, r *findings.Report, h *hubFlags) (findings.ImportResult, error) {
	cfg, err := g.AWSConfig(ctx)
	if err != nil {
		return findings.ImportResult{}, err
	}
	region := h.region
	if region == "" {
		region = g.Region
	}
	o := h.roles
	o.SessionName, o.Duration = "orgrail-security-hub", time.Hour
	if h.chain != "" {
		o.RoleChain = splitAll([]string{h.chain})
	}
	if err := applyStandalone(g, &o); err != nil {
		return findings.ImportResult{}, err
	}
	creds, err := collect.NewCredentials(ctx, cfg, o)
	if err != nil {
		return findings.ImportResult{}, err
	}
	opt := findings.ImportOptions{Region: region}
	if h.ownOnly {
		opt.OnlyAccount = creds.Caller()
	}
	opt.ClientFor = func(account, reg string) (findings.Importer, error) {
		if account == "" {
			return nil, fmt.Errorf("finding without an account")
		}
		c := creds.For(creds.Partition(), account)
		c.Region = reg
		return securityhub.NewFromConfig(c), nil
	}
	return findings.ImportToSecurityHub(ctx, r, opt)
}
