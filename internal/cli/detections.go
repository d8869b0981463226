package cli

import (
	"fmt"

	"github.com/orgrail/orgrail/internal/detect"
	"github.com/orgrail/orgrail/internal/org"
)

// compileDetections compiles the built-in detection pack and the
// detections of dir (orgrail YAML and Sigma; problems printed, the rest
// still load). With an organization, the detections that need its
// account list (AssumeRole from outside the organization) are enabled.
// trail scan, watch and Lambda mode share it.
func compileDetections(g *Globals, dir string, o *org.Organization) (*detect.Engine, error) {
	rules, err := detect.Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in detections: %w", err)
	}
	if dir != "" {
		more, diags, err := detect.LoadDir(dir)
		if err != nil {
			return nil, Usage("--rules: %v", err)
		}
		for _, d := range diags {
			fmt.Fprintf(g.Stderr, "%s\n", d)
		}
		rules = append(rules, more...)
	}
	var opts []detect.Option
	if o != nil {
		opts = append(opts, detect.WithOrgAccounts(o.AccountIDs()...))
	}
	e, err := detect.Compile(rules, opts...)
	if err != nil {
		return nil, Usage("detections: %v", err)
	}
	return e, nil
}
