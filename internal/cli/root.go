// Package cli wires orgrail's commands. Each command parses its flags,
// sets up output, calls an engine package and returns an exit code; no
// analysis lives here.
//
// Command groups live in their own files and add themselves with
// register, so that adding a command never edits this file.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/safetext"
	"github.com/orgrail/orgrail/internal/store"
)

// Exit codes of the contract.
const (
	ExitOK      = 0 // success
	ExitFail    = 1 // something at or above --fail-on
	ExitUsage   = 2 // usage error or unreadable input
	ExitPartial = 3 // partial result, gaps reported
)

// ExitError carries an exit code up to Main. A nil Err with a non-zero
// Code exits silently (the command has already said why).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Usage returns an ExitError with code 2 (bad usage or unreadable input).
func Usage(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// Exit returns an ExitError with the given code and no message.
func Exit(code int) error {
	if code == 0 {
		return nil
	}
	return &ExitError{Code: code}
}

// Globals holds the global flags of the contract and the process's
// streams. Commands receive it at construction and read it when they run.
type Globals struct {
	Profile   string
	Region    string
	ConfigDir string
	StatePath string
	Output    string
	LogLevel  string
	NoColor   bool
	Quiet     bool
	// LangFlag is --lang as given; Lang resolves the language.
	LangFlag string

	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// Log is set up from --log-level before any command runs.
	Log *slog.Logger
}

// Format parses --output against the formats a command allows. With no
// --output it picks table on a terminal, as the contract says, and
// defaultOff elsewhere (json for documents, jsonl for streams, or table
// when defaultOff is empty).
func (g *Globals) Format(defaultOff output.Format, allowed ...output.Format) (output.Format, error) {
	if g.Output == "" {
		if isTerminal(g.Stdout) {
			return output.Table, nil
		}
		if defaultOff == "" {
			defaultOff = output.Table
		}
		return defaultOff, nil
	}
	f, err := output.Parse(g.Output, allowed...)
	if err != nil {
		return "", Usage("%v", err)
	}
	return f, nil
}

// Progress reports whether progress output is wanted on stderr.
func (g *Globals) Progress() bool { return !g.Quiet }

// isTerminal reports whether w is a terminal. It asks the terminal
// driver, not the file mode: /dev/null is a character device too, and
// `orgrail ... > /dev/null` must not pay for table rendering.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// commandFactory builds one top-level command.
type commandFactory func(g *Globals) *cobra.Command

var factories []commandFactory

// register adds a top-level command. Called from init in each file.
func register(f commandFactory) { factories = append(factories, f) }

// NewRoot builds the whole command tree on the given globals.
func NewRoot(g *Globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "orgrail",
		Short: "Governance for AWS multi-account environments",
		Long: `orgrail runs governance for an AWS Organization: landing zone as code,
preventive guardrails (SCPs, RCPs) with an authorization engine, detective
guardrails over snapshots, CloudTrail detection and notification.

Run 'orgrail demo' to see it work on a sample organization shipped inside
the binary.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(cmd.Root().PersistentFlags()); err != nil {
				return err
			}
			if err := g.checkLang(); err != nil {
				return err
			}
			if err := g.setupLog(); err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			cmd.SetContext(store.WithLog(ctx, g.Log)) // store.Open reports permission fixes there

			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.Profile, "profile", "", "AWS shared config profile (commands that talk to AWS)")
	pf.StringVar(&g.Region, "region", "", "AWS region (commands that talk to AWS)")
	pf.StringVar(&g.ConfigDir, "config", "./orgrail", "landing-zone configuration directory")
	pf.StringVar(&g.StatePath, "state", "", "SQLite state file (default: $XDG_STATE_HOME/orgrail/state.db)")
	pf.StringVar(&g.Output, "output", "", "output format: table, json, jsonl, yaml (findings also csv, asff, ocsf, sarif, html)")
	pf.StringVar(&g.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	pf.BoolVar(&g.NoColor, "no-color", false, "disable colour in table output")
	pf.BoolVar(&g.Quiet, "quiet", false, "no progress or informational logs on stderr")
	addSizeFlags(pf)
	addLangFlag(root, g)
	root.SetIn(g.Stdin)
	root.SetOut(g.Stdout)
	root.SetErr(g.Stderr)

	cmds := make([]*cobra.Command, 0, len(factories))
	for _, f := range factories {
		cmds = append(cmds, f(g))
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name() < cmds[j].Name() })
	root.AddCommand(cmds...)
	return root
}

// applyEnv sets every global flag not given on the command line from
// ORGRAIL_<FLAG> (dashes become underscores, upper case).
func applyEnv(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		name := "ORGRAIL_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = Usage("%s=%q: %v", name, v, e)
			}
		}
	})
	return err
}

func (g *Globals) setupLog() error {
	var lvl slog.Level
	switch strings.ToLower(g.LogLevel) {
	case "debug":
		lvl = slog.LevelDebug
	case "info", "":
		lvl = slog.LevelInfo
	case "warn", "warning":
		lvl = slog.LevelWarn
	case "error":
		lvl = slog.LevelError
	default:
		return Usage("--log-level %q: want debug, info, warn or error", g.LogLevel)
	}
	if g.Quiet && lvl < slog.LevelWarn {
		lvl = slog.LevelWarn
	}
	g.Log = slog.New(slog.NewTextHandler(g.Stderr, &slog.HandlerOptions{Level: lvl}))
	return nil
}

// Main runs orgrail with args and returns the process exit code.
//
// Lambda mode: the Lambda runtime starts the bootstrap binary without
// arguments and with AWS_LAMBDA_RUNTIME_API set; orgrail then runs as
// `orgrail lambda`.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 && os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		args = []string{"lambda"}
	}
	g := &Globals{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	g.Log = slog.New(slog.NewTextHandler(stderr, nil))
	root := NewRoot(g)
	root.SetArgs(args)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if stopProfile := startProfile(stderr); stopProfile != nil {
		defer stopProfile()
	}
	err := root.ExecuteContext(ctx)
	return report(err, stderr)
}

// startProfile writes a CPU profile to the file named by
// ORGRAIL_CPUPROFILE, for the benchmarks in bench/: the batch commands
// are measured as users run them, through the binary.
func startProfile(stderr io.Writer) func() {
	path := os.Getenv("ORGRAIL_CPUPROFILE")
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "orgrail: ORGRAIL_CPUPROFILE: %v\n", err)
		return nil
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(stderr, "orgrail: ORGRAIL_CPUPROFILE: %v\n", err)
		f.Close()
		return nil
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

func report(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(stderr, "orgrail: %s\n", safetext.CleanText(ee.Err.Error()))
		}
		return ee.Code
	}
	// cobra's own errors (unknown command or flag) are usage errors.
	fmt.Fprintf(stderr, "orgrail: %s\n", safetext.CleanText(err.Error()))
	return ExitUsage
}
