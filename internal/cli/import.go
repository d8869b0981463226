package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/importer"
)

func init() { register(newImportCmd) }

func newImportCmd(g *Globals) *cobra.Command {
	var (
		snap, out string
		contacts  bool
	)
	cmd := &cobra.Command{
		Use:   "import [--out DIR] [--snapshot DIR]",
		Short: "Write the landing-zone configuration of an existing organization",
		Long: `import reads the organization, live (standard AWS credential chain) or from
a snapshot (--snapshot), and writes a configuration directory that describes
it as it is: organization.yaml, ous.yaml, accounts.yaml, policies.yaml and one
JSON file per policy under policies/, and, where the organization has IAM
Identity Center, identity.yaml (permission sets and account assignments by
group and user name) with one JSON file per inline policy under identity/. 'orgrail plan' on that directory reports
no changes; edit it to change the organization.

Account names that AWS allows but a configuration cannot use (duplicates,
names equal to an OU path, empty) get the account id appended. Alternate
contacts are read from Account Management (or the snapshot's account
service) and written under each account; --contacts=false leaves them out.`,
		Example: `  orgrail import --out ./orgrail && orgrail plan --config ./orgrail`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := currentOrg(cmd.Context(), g, snap)
			if err != nil {
				return err
			}
			if contacts {
				if err := withContacts(cmd.Context(), g, snap, o, nil); err != nil {
					for i := range o.Accounts {
						o.Accounts[i].AlternateContacts = nil
					}
					fmt.Fprintf(g.Stderr, "warning: alternate contacts left out: %v\n", err)
				}
			}
			idc, err := currentIdentity(cmd.Context(), g, snap, "", o.MasterAccountId)
			if err != nil {
				// Identity Center not readable (not collected, no
				// permission): the rest of the organization still imports.
				fmt.Fprintf(g.Stderr, "orgrail: IAM Identity Center not imported: %v\n", err)
				idc = nil
			}
			files, err := importer.ImportWithIdentity(o, idc)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err := files.Write(out); err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "imported %s into %s: %d OUs, %d accounts, %d policies (%d files)\n",
					o.Id, out, len(o.OrganizationalUnits), len(o.Accounts), len(o.Policies), len(files))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&snap, "snapshot", "", "import from this snapshot (default: the live organization)")
	cmd.Flags().StringVar(&out, "out", "./orgrail", "configuration directory to write")
	cmd.Flags().BoolVar(&contacts, "contacts", true, "import the accounts' alternate contacts too (Account Management; trusted access for account.amazonaws.com)")
	return cmd
}
