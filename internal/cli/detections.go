package cli

import (
	"fmt"

	"github.com/orgrail/orgrail/internal/detect"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

// compileDetections compiles the built-in detection pack and the
// detections of dir (orgrail YAML and Sigma; problems printed, the rest
// still load). With an organization, the detections that need its
// account list (AssumeRole from outside the organization) are enabled.
// trail scan, watch and Lambda mode share it.
func compileDetections(g *Globals, dir string, o *org.Organization, skipBad bool) (*detect.Engine, error) {
	rules, err := detect.Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in detections: %w", err)
	}
	if dir != "" {
		more, diags, err := detect.LoadDir(dir)
		if err != nil {
			return nil, Usage("--rules: %v", err)
		}
		bad := 0
		for _, d := range diags {
			fmt.Fprintf(g.Stderr, "%s\n", d)
			if d.Severity.Reaches(severity.Medium) {
				bad++
			}
		}
		if bad > 0 && !skipBad {
			return nil, Usage("--rules %s: %d detections do not load (listed above); fix them, or run the others with --skip-bad-rules", dir, bad)
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
