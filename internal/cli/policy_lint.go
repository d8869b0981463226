package cli

import (
	"github.com/spf13/cobra"
)

func newPolicyLint(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "lint FILE...",
		Short: "Check IAM, SCP and RCP policy documents",
		RunE: func(cmd *cobra.Command, args []string) error {
			return Usage("not yet")
		},
	}
}
