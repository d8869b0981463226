package cli

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/output"
)

func newBaselineRootReport(g *Globals) *cobra.Command {
	var accounts []string
	cmd := &cobra.Command{
		Use:   "root-report [--account ID]...",
		Short: "Report the root user credentials of each member account through sts:AssumeRoot",
		Long: `root-report opens, from the management account, a root session scoped by
IAMAuditRootUserCredentials in each member account (default: every active
member of the organization) and lists what its root user still has: a
password (login profile), access keys, signing certificates, MFA devices.
It needs centralized root access (baseline.rootAccess.centralize, applied).

Exit status: 0 no member has root credentials, 1 some member has,
3 some account could not be read, 2 unusable input.`,
		Example: `  orgrail baseline root-report --output json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.Table, output.Table, output.JSON, output.JSONL, output.YAML)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			cfg, err := g.AWSConfig(ctx)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if len(accounts) == 0 {
				if accounts, err = memberAccounts(cmd, cfg); err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
			}
			reps := (&baseline.AWS{Management: cfg}).RootReports(ctx, cfg.Region, accounts)
			if f == output.Table {
				w := tabwriter.NewWriter(g.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ACCOUNT\tROOT CREDENTIALS\tERROR")
				for _, r := range reps {
					fmt.Fprintf(w, "%s\t%s\t%s\n", r.Account, r.Remaining, r.Error)
				}
				w.Flush()
			} else if err := output.Encode(g.Stdout, f, reps); err != nil {
				return err
			}
			return rootReportExit(reps)
		},
	}
	cmd.Flags().StringSliceVar(&accounts, "account", nil, "member account id to report (repeatable; default every active member account)")
	return cmd
}

// memberAccounts lists the organization's active accounts but the
// management account.
func memberAccounts(cmd *cobra.Command, cfg aws.Config) ([]string, error) {
	c := organizations.NewFromConfig(cfg)
	d, err := c.DescribeOrganization(cmd.Context(), &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, fmt.Errorf("DescribeOrganization: %w", err)
	}
	mgmt := aws.ToString(d.Organization.MasterAccountId)
	var out []string
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(cmd.Context())
		if err != nil {
			return nil, fmt.Errorf("ListAccounts: %w", err)
		}
		for _, a := range page.Accounts {
			active := strings.EqualFold(string(a.State), "ACTIVE") || (a.State == "" && a.Status == "ACTIVE")
			if id := aws.ToString(a.Id); id != mgmt && active {
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func rootReportExit(reps []baseline.RootReport) error {
	partial := false
	for _, r := range reps {
		switch {
		case r.Error != "":
			partial = true
		case r.Remaining != "none":
			return Exit(ExitFail)
		}
	}
	if partial {
		return Exit(ExitPartial)
	}
	return nil
}
