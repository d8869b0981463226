package cli

import (
	"os"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/findings"
)

// configSources returns, per account id, the configuration line that
// declares the account, for formats that locate findings in files
// (SARIF). It returns nil when there is no readable configuration.
func configSources(g *Globals) map[string]findings.SourceLine {
	if st, err := os.Stat(g.ConfigDir); err != nil || !st.IsDir() {
		return nil
	}
	c, _, err := config.Load(g.ConfigDir)
	if err != nil || c == nil {
		return nil
	}
	out := map[string]findings.SourceLine{}
	for _, a := range c.Accounts {
		if a.ID == "" {
			continue
		}
		if p := a.Pos.Of(""); p.File != "" && p.Line > 0 {
			out[a.ID] = findings.SourceLine{File: p.File, Line: p.Line}
		}
	}
	return out
}
