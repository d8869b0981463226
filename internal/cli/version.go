package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/output"
)

// Version and Commit are set at release build time with -ldflags -X.
var (
	Version = "dev"
	Commit  = ""
)

// BuildInfo is what `orgrail version` prints.
type BuildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
}

// Build returns the running binary's version information.
func Build() BuildInfo {
	b := BuildInfo{Version: Version, Commit: Commit, GoVersion: runtime.Version()}
	if b.Commit == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					b.Commit = s.Value
				}
			}
		}
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

func init() {
	register(func(g *Globals) *cobra.Command {
		return &cobra.Command{
			Use:   "version",
			Short: "Print version, commit and Go version",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				f, err := g.Format(output.Table)
				if err != nil {
					return err
				}
				b := Build()
				if f == output.Table {
					_, err = fmt.Fprintf(g.Stdout, "orgrail %s (commit %s, %s)\n", b.Version, b.Commit, b.GoVersion)
					return err
				}
				return output.Encode(g.Stdout, f, b)
			},
		}
	})
}
