package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(func(g *Globals) *cobra.Command {
		cmd := &cobra.Command{
			Use:   "access",
			Short: "Access across the organization: from outside, and between accounts",
			Long: `access analyses who can reach the organization's resources, from a snapshot
and with the authorization engine: 'external' finds access by principals
outside the organization, 'internal' draws access between member accounts.
See docs/access.md.`,
		}
		cmd.AddCommand(newAccessExternal(g), newAccessInternal(g))
		return cmd
	})
}

// openSource opens a snapshot for the engine, as a usage error when it
// cannot be read.
func openSource(dir string) (*orgsnap.Source, error) {
	if dir == "" {
		return nil, Usage("--snapshot DIR is required")
	}
	src, err := orgsnap.Open(dir)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return src, nil
}

func newAccessExternal(g *Globals) *cobra.Command {
	var snap, failOn string
	cmd := &cobra.Command{
		Use:   "external --snapshot DIR",
		Short: "Find resources and roles that principals outside the organization can reach",
		Long: `external analyses every resource policy (S3 bucket policies and ACLs, KMS key
policies, Lambda, SQS, SNS and Secrets Manager policies) and every role
trust policy in the snapshot with the authorization engine. Synthetic
callers — anyone, an account outside the organization, the accounts,
identity providers and services the policy names — are tried with the
actions the policy grants and with every request context that could
satisfy its conditions, so that a condition pinned to the organization
(aws:PrincipalOrgID, aws:SourceOrgID, aws:SourceAccount, a VPC endpoint)
restricts and one with a wildcard (o-*) does not. RCPs and S3 Block Public
Access are applied.

Findings have the audit's shape and formats; the resource type is spelled
as IAM Access Analyzer spells it (AWS::S3::Bucket). Exit 1 when a finding
reaches --fail-on (default high), 2 on unreadable input, 3 when a policy
could not be read.`,
		Example: `  orgrail access external --snapshot /tmp/demo
  orgrail access external --snapshot ./snap --output sarif > external.sarif`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			threshold, err := severity.Parse(failOn)
			if err != nil {
				return Usage("--fail-on: %v", err)
			}
			f, err := g.Format(output.JSON, findings.Formats...)
			if err != nil {
				return err
			}
			src, err := openSource(snap)
			if err != nil {
				return err
			}
			res, err := access.External(src, authz.New())
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			rep := res.Report(src.Snap)
			if err := findings.Render(g.Stdout, f, rep, findings.RenderOptions{All: true, MaxAccounts: 20}); err != nil {
				return err
			}
			for _, e := range res.Errors {
				fmt.Fprintf(g.Stderr, "orgrail: %v\n", e)
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "%d resource and trust policies, %d external grants (%d blocked by S3 Block Public Access), %d VPC-only S3 access points, %d decisions\n",
					res.Resources, len(res.Grants), res.Blocked, res.VPCOnly, res.Decisions)
			}
			if findings.Failing(rep.Findings, threshold) {
				return Exit(ExitFail)
			}
			if len(res.Errors) > 0 {
				return Exit(ExitPartial)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&snap, "snapshot", "", "snapshot directory (or a directory holding snapshot/)")
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "exit 1 when a finding reaches this severity (none disables)")
	return cmd
}
