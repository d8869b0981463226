package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/snapshot"
)

func init() {
	register(newDemoCmd)
	register(newOrgCmd)
}

// demoSection is one section of `orgrail demo`'s table output; later
// features (findings, detections, report) add theirs to demoSections.
type demoSection struct {
	title string
	write func(w io.Writer, v *demo.View) error
}

var demoSections = []demoSection{
	{"Organization", writeOrgHeader},
	{"Guardrails (SCP, RCP and declarative policies attached at each level)", func(w io.Writer, v *demo.View) error { return v.WriteTree(w) }},
	{"Summary", func(w io.Writer, v *demo.View) error { return v.WriteSummary(w) }},
}

func writeOrgHeader(w io.Writer, v *demo.View) error {
	o := v.Organization
	_, err := fmt.Fprintf(w, "%s  management account %s  feature set %s  snapshot %s (%s)\n",
		o.ID, o.ManagementAccount, o.FeatureSet, o.CollectedAt, o.Source)
	return err
}

func newDemoCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Show orgrail at work on the demo organization shipped inside the binary",
		Long: `demo runs orgrail on Kumo Foods, a fictional company whose AWS Organization
ships inside the binary: the OU tree with the guardrails attached at each
level, a summary, the findings of the detective guardrails by framework and
OU, the detections in its CloudTrail archive, and a self-check against what
the generator planted. 'orgrail demo generate' writes the organization out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			dir, err := os.MkdirTemp("", "orgrail-demo-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			if _, err := demo.WriteEmbedded(dir); err != nil {
				return err
			}
			if err := demo.WriteConfig(dir); err != nil {
				return err
			}
			return runDemo(cmd, g, f, dir)
		},
	}
	cmd.AddCommand(newDemoGenerateCmd(g))
	return cmd
}

func newDemoGenerateCmd(g *Globals) *cobra.Command {
	opt := demo.DefaultOptions()
	var out string
	cmd := &cobra.Command{
		Use:   "generate --out DIR",
		Short: "Write the demo organization (or a synthetic one with --accounts) to a directory",
		Long: `generate writes DIR/snapshot, DIR/logarchive (CloudTrail with signed digest
files and public-keys.json), DIR/events (GuardDuty findings and Config
compliance changes as EventBridge events), DIR/planted.json, and
DIR/orgrail, the landing-zone configuration the demo assumes (allowed
regions, the tag policy's required tags): 'orgrail audit --snapshot
DIR/snapshot --config DIR/orgrail' finds every planted violation.

With no option but --out it writes the embedded organization byte for byte.
--accounts N makes a synthetic organization of N accounts with the same
baseline and violations at a rate; the same options always give the same bytes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return Usage("demo generate: --out DIR is required")
			}
			if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
				return Usage("demo generate: %s is not empty", out)
			}
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			var sum *demo.Summary
			if opt.IsDefault() {
				n, err := demo.WriteEmbedded(out)
				if err != nil {
					return err
				}
				sum = &demo.Summary{Dir: out, EmbeddedCopy: true, ServiceFiles: n}
			} else if sum, err = demo.Generate(cmd.Context(), out, opt); err != nil {
				return Usage("demo generate: %v", err)
			}
			if err := demo.WriteConfig(out); err != nil {
				return err
			}
			if f != output.Table {
				return output.Encode(g.Stdout, f, sum)
			}
			if sum.EmbeddedCopy {
				_, err = fmt.Fprintf(g.Stdout, "wrote the embedded demo organization to %s (%d files)\n", out, sum.ServiceFiles)
				return err
			}
			_, err = fmt.Fprintf(g.Stdout, "wrote %s: organization %s, %d accounts, %d service files, %d CloudTrail log files (%d events, %s to %s), %d digest files, %d EventBridge events, %d planted violations, %d planted detections\n",
				out, sum.OrgID, sum.Accounts, sum.ServiceFiles, sum.LogFiles, sum.TrailEvents, sum.FirstDay, sum.LastDay,
				sum.DigestFiles, sum.BridgeEvents, sum.Violations, sum.Detections)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "", "directory to write (must be empty or absent)")
	fl.Uint64Var(&opt.Seed, "seed", opt.Seed, "random seed")
	fl.IntVar(&opt.Accounts, "accounts", 0, "make a synthetic organization of N accounts")
	fl.IntVar(&opt.Days, "days", opt.Days, "days of CloudTrail activity")
	fl.IntVar(&opt.EventsPerAccountDay, "events-per-account-day", opt.EventsPerAccountDay, "ordinary CloudTrail events per account and day")
	return cmd
}

func newOrgCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "org",
		Short: "Inspect an organization",
		Args:  cobra.NoArgs,
	}
	var snap string
	show := &cobra.Command{
		Use:   "show --snapshot DIR",
		Short: "Show the OU tree with the guardrails at each level, and a summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if snap == "" {
				return Usage("org show: --snapshot DIR is required")
			}
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			return showOrg(g, f, snap)
		},
	}
	show.Flags().StringVar(&snap, "snapshot", "", "snapshot directory (or a directory holding snapshot/)")
	cmd.AddCommand(show)
	return cmd
}

// showOrg prints the view of the snapshot in dir.
func showOrg(g *Globals, f output.Format, dir string) error {
	s, err := snapshot.Open(dir)
	if err != nil {
		return Usage("%v", err)
	}
	v, err := demo.BuildView(s)
	if err != nil {
		return Usage("%s: %v", dir, err)
	}
	if f != output.Table {
		return output.Encode(g.Stdout, f, v)
	}
	for i, sec := range demoSections {
		if i > 0 {
			fmt.Fprintln(g.Stdout)
		}
		fmt.Fprintf(g.Stdout, "== %s\n", sec.title)
		if err := sec.write(g.Stdout, v); err != nil {
			return err
		}
	}
	return nil
}

// runDemo prints the organization view, then the findings and detections.
func runDemo(cmd *cobra.Command, g *Globals, f output.Format, dir string) error {
	rep, err := buildDemoReport(cmd, g, dir)
	if err != nil {
		return err
	}
	if f != output.Table {
		s, err := snapshot.Open(dir)
		if err != nil {
			return err
		}
		v, err := demo.BuildView(s)
		if err != nil {
			return err
		}
		return output.Encode(g.Stdout, f, struct {
			*demo.View
			Report *demoReport `json:"report"`
		}{v, rep})
	}
	if err := showOrg(g, f, dir); err != nil {
		return err
	}
	return writeDemoReport(g.Stdout, rep)
}
