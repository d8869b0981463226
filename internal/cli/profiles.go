package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/profiles"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/textdiff"
)

func init() { register(newProfilesCmd) }

type profilesFlags struct {
	snapshot, user, configFile, mfaSerial string
	opts                                  profiles.Options
	prune, dryRun                         bool
}

func newProfilesCmd(g *Globals) *cobra.Command {
	var pf profilesFlags
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "Write AWS CLI profiles for the accounts a person can use",
		Long: `Writes AWS CLI configuration (default: $AWS_CONFIG_FILE or ~/.aws/config)
for a person (--user) or for every account × permission set:

  * with IAM Identity Center (from --snapshot): an sso-session section and one
    profile per account × permission set, named by --template
    ({account_name}-{permission_set} by default; also {account_id}, {env}, {ou});
  * without AWS Organizations (a standalone --config): the role chain from
    the jump account, one profile per hop with source_profile pointing at the
    previous hop, and mfa_serial where the role's trust policy requires MFA
    (seen in --snapshot when given).

orgrail owns only the block between its markers; everything else in the file
is kept byte for byte. Profiles no longer granted are kept (and listed) unless
--prune is given. --dry-run prints the change as a unified diff.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runProfiles(g, &pf) },
	}
	f := cmd.Flags()
	f.StringVar(&pf.snapshot, "snapshot", "", "snapshot directory (Identity Center instance, assignments, identity store; trust policies)")
	f.StringVar(&pf.user, "user", "", "the person: identity-store user name or display name (Identity Center), IAM user name in the jump account (role chains)")
	f.StringVar(&pf.configFile, "config-file", "", "AWS CLI config file to edit (default $AWS_CONFIG_FILE or ~/.aws/config)")
	f.BoolVar(&pf.prune, "prune", false, "remove profiles of the orgrail block that are no longer granted")
	f.BoolVar(&pf.dryRun, "dry-run", false, "print the change as a unified diff and write nothing")
	f.StringVar(&pf.opts.Template, "template", profiles.DefaultTemplate, "profile name template")
	f.StringVar(&pf.opts.SessionName, "session-name", "", "sso-session name (default: from the Identity Center instance name)")
	f.StringVar(&pf.opts.StartURL, "start-url", "", "AWS access portal URL (default https://<identity store id>.awsapps.com/start)")
	f.StringVar(&pf.opts.SourceProfile, "source-profile", "default", "role chains: the profile with the person's own credentials in the jump account")
	f.StringVar(&pf.mfaSerial, "mfa-serial", "", "role chains: the person's MFA device ARN (default arn:aws:iam::<jump>:mfa/<user>)")
	return cmd
}

func runProfiles(g *Globals, pf *profilesFlags) error {
	pf.opts.User, pf.opts.MFASerial, pf.opts.Region = pf.user, pf.mfaSerial, g.Region
	sections, err := buildProfiles(g, pf)
	if err != nil {
		return err
	}
	path := pf.configFile
	if path == "" {
		path = os.Getenv("AWS_CONFIG_FILE")
	}
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return Usage("no --config-file and no home directory: %v", err)
		}
		path = filepath.Join(home, ".aws", "config")
	}
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	text, stale, err := profiles.Merge(string(old), sections, pf.prune)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %w", path, err)}
	}
	if pf.dryRun {
		fmt.Fprint(g.Stdout, textdiff.Unified(path, path, textdiff.Lines(string(old), text), 3))
		return nil
	}
	if text != string(old) {
		if err := writeKeepingMode(path, []byte(text)); err != nil {
			return err
		}
	}
	n := 0
	for _, s := range sections {
		if s.Header[:len("profile ")] == "profile " {
			n++
		}
	}
	if !g.Quiet {
		fmt.Fprintf(g.Stderr, "%d profiles in %s", n, path)
		switch {
		case len(stale) > 0 && pf.prune:
			fmt.Fprintf(g.Stderr, "; removed %d no longer granted: %v", len(stale), stale)
		case len(stale) > 0:
			fmt.Fprintf(g.Stderr, "; kept %d no longer granted (--prune removes them): %v", len(stale), stale)
		}
		fmt.Fprintln(g.Stderr)
	}
	return nil
}

// buildProfiles picks the model: a standalone configuration gives the
// role chain; otherwise the snapshot's Identity Center.
func buildProfiles(g *Globals, pf *profilesFlags) ([]profiles.Section, error) {
	var snap *snapshot.Snapshot
	if pf.snapshot != "" {
		s, err := openSnapshot(pf.snapshot)
		if err != nil {
			return nil, err
		}
		snap = s
	}
	if c, _, err := config.Load(g.ConfigDir); err == nil && c != nil && c.Organization.Standalone() {
		var trust profiles.TrustLookup
		if snap != nil {
			trust = profiles.SnapshotTrust(snap)
		}
		ch, err := profiles.ChainFromConfig(c, trust)
		if err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: err}
		}
		if snap != nil {
			ch.Partition = snap.Org.Partition()
		}
		s, err := profiles.FromChain(ch, pf.opts)
		if err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: err}
		}
		return s, nil
	}
	if snap == nil {
		return nil, Usage("give --snapshot DIR (Identity Center) or --config DIR of a standalone landing zone (role chain)")
	}
	center, err := identity.Load(snap)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	s, err := profiles.FromIdentityCenter(snap.Org, center, pf.opts)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return s, nil
}

// writeKeepingMode replaces path atomically, keeping an existing file's
// mode (0600 for a new one, in a 0700 directory).
func writeKeepingMode(path string, b []byte) error {
	mode := fs.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".orgrail-profiles-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
