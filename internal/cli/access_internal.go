package cli

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/severity"
)

// accessConfig is what access internal reads from the configuration.
type accessConfig struct {
	boundaries []access.Boundary
	// audit names the Audit account (security.auditAccount), if any.
	audit string
}

// accessBoundaries reads access.boundaries (and security.auditAccount)
// from the configuration directory when it exists (or was asked for).
func accessBoundaries(cmd *cobra.Command, g *Globals) (*accessConfig, error) {
	explicit := cmd.Flags().Changed("config") || os.Getenv("ORGRAIL_CONFIG") != ""
	if st, err := os.Stat(g.ConfigDir); err != nil || !st.IsDir() {
		if explicit {
			return nil, Usage("--config %s: not a configuration directory", g.ConfigDir)
		}
		return &accessConfig{}, nil
	}
	c, diags, err := config.Load(g.ConfigDir)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	bad := false
	for _, d := range diags {
		if d.Severity.Reaches(severity.High) && (d.Code == string(config.CodeAccessBoundary) || d.Code == string(config.CodeAccessRef)) {
			fmt.Fprintln(g.Stderr, d.String())
			bad = true
		}
	}
	if bad {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: access.boundaries has errors", g.ConfigDir)}
	}
	out := &accessConfig{audit: c.Security.AuditAccount}
	for _, b := range c.Access.Boundaries {
		out.boundaries = append(out.boundaries, access.Boundary{Name: b.Name, From: b.From, OnlyFrom: b.OnlyFrom, To: b.To, Via: b.Via})
	}
	return out, nil
}

// hubs returns the accounts trusted by design to reach into every member
// account besides the management account: the configured Audit account,
// or without one, the delegated administrators of Security Hub and
// GuardDuty.
func (ac *accessConfig) hubs(o *org.Organization) []string {
	if ac.audit != "" {
		return access.AccountIDs(o, []string{ac.audit})
	}
	var out []string
	for _, svc := range []string{"securityhub.amazonaws.com", "guardduty.amazonaws.com"} {
		if id := o.DelegatedAdminFor(svc); id != "" {
			out = append(out, id)
		}
	}
	return out
}

func newAccessInternal(g *Globals) *cobra.Command {
	var snap, format, failOn string
	cmd := &cobra.Command{
		Use:   "internal --snapshot DIR [--format json|dot|mermaid|findings]",
		Short: "Draw access between member accounts and check it against the configured boundaries",
		Long: `internal builds the cross-account access graph of the organization: an edge
from account A to account B when a principal of A can assume a role of B
(role trust) or act on a resource of B (resource policy), as the engine
decides it with the caller's identity policies (for a named role or user),
A's SCPs and B's RCPs. Each edge lists the actions allowed and the
statement that grants them.

The boundaries of the configuration (access.boundaries, see
docs/config.md) are checked against the graph: every edge that breaks one
is a finding of rule access.boundary.

Two more rules look at role trust: access.chain-to-admin finds member
accounts whose principals can become an administrator role of another
member account by assuming roles one after another (a role allowed to
attach or write a policy on itself is an administrator), and
access.trust-account-root finds roles trusting a whole other member
account with no condition. The management account and the Audit account
(security.auditAccount, else Security Hub's and GuardDuty's delegated
administrators) are trusted by design and left out as sources.

--format json (default) prints {graph, violations, adminChains,
rootTrusts}; dot and mermaid draw the graph (one arrow per pair of
accounts and kind of access); findings prints the findings of the three
rules in the audit's formats (--output). Exit 1 when a finding reaches
--fail-on (default high), 2 on unreadable input.`,
		Example: `  orgrail access internal --snapshot /tmp/demo --format dot | dot -Tsvg > access.svg
  orgrail access internal --snapshot ./snap --config ./orgrail --format findings --output table`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			threshold, err := severity.Parse(failOn)
			if err != nil {
				return Usage("--fail-on: %v", err)
			}
			src, err := openSource(snap)
			if err != nil {
				return err
			}
			ac, err := accessBoundaries(cmd, g)
			if err != nil {
				return err
			}
			eng := authz.New()
			graph, err := access.Internal(src, eng)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			hubs := ac.hubs(src.Snap.Org)
			chains, err := access.AdminChains(src, eng, graph, hubs)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			roots := access.RootTrusts(src, graph, hubs)
			vs, unknown := graph.Check(src.Snap.Org, ac.boundaries)
			for _, u := range unknown {
				fmt.Fprintf(g.Stderr, "orgrail: %s\n", u)
			}
			for _, e := range graph.Errors {
				fmt.Fprintf(g.Stderr, "orgrail: %v\n", e)
			}
			rep := access.BoundaryReport(src.Snap, vs)
			cr := access.ChainReport(src.Snap, chains, roots)
			rep.Findings = append(rep.Findings, cr.Findings...)
			for id, info := range cr.Rules {
				rep.Rules[id] = info
			}
			findings.Sort(rep.Findings)
			switch format {
			case "json":
				enc := json.NewEncoder(g.Stdout)
				enc.SetIndent("", "  ")
				if vs == nil {
					vs = []access.Violation{}
				}
				if chains == nil {
					chains = []access.Chain{}
				}
				if roots == nil {
					roots = []access.Edge{}
				}
				err = enc.Encode(struct {
					*access.Graph
					Violations  []access.Violation `json:"violations"`
					AdminChains []access.Chain     `json:"adminChains"`
					RootTrusts  []access.Edge      `json:"rootTrusts"`
				}{graph, vs, chains, roots})
			case "dot":
				err = graph.WriteDot(g.Stdout)
			case "mermaid":
				err = graph.WriteMermaid(g.Stdout)
			case "findings":
				var f output.Format
				if f, err = g.Format(output.JSON, findings.Formats...); err == nil {
					err = findings.Render(g.Stdout, f, rep, findings.RenderOptions{All: true, MaxAccounts: 20})
				}
			default:
				return Usage("--format %q: want json, dot, mermaid or findings", format)
			}
			if err != nil {
				return err
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "%d accounts, %d cross-account edges, %d boundary violations, %d chains to an administrator, %d unconditioned account trusts, %d decisions\n",
					len(graph.Nodes), len(graph.Edges), len(vs), len(chains), len(roots), graph.Decisions)
			}
			if findings.Failing(rep.Findings, threshold) {
				return Exit(ExitFail)
			}
			if len(graph.Errors) > 0 {
				return Exit(ExitPartial)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&snap, "snapshot", "", "snapshot directory (or a directory holding snapshot/)")
	cmd.Flags().StringVar(&format, "format", "json", "json, dot, mermaid or findings")
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "exit 1 when a boundary finding reaches this severity (none disables)")
	return cmd
}
