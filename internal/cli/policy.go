package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/output"
)

func init() {
	register(func(g *Globals) *cobra.Command {
		cmd := &cobra.Command{
			Use:   "policy",
			Short: "Decide requests against IAM, SCP and RCP policies; lint policies",
			Long: `Work with IAM JSON policies offline: 'policy simulate' decides requests the
way AWS's policy evaluation logic does and says why; 'policy lint' checks
policy documents. See docs/authz.md.`,
		}
		cmd.AddCommand(newPolicySimulate(g), newPolicyLint(g), newPolicyReplay(g))
		return cmd
	})
}

// simulateFlags are the flags of 'policy simulate'.
type simulateFlags struct {
	request    string
	snapshot   string
	failOnDeny bool
	explain    bool

	principal, principalKind    string
	action, resource, resAcct   string
	context                     []string
	identity, boundary, session []string
	resourcePolicy              string
	scps, rcps, endpoints       []string
	mgmt, slr                   bool
	permissionSet, account      string
	allowUnknown                bool
}

func newPolicySimulate(g *Globals) *cobra.Command {
	var f simulateFlags
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Decide requests: Allowed, ExplicitlyDenied or ImplicitlyDenied, and why",
		Long: `Decides AWS requests offline, following AWS's policy evaluation logic
(explicit deny, RCPs and SCPs at every level, VPC endpoint policies,
resource, identity, permissions boundary and session policies).

With --request FILE (or - for stdin), FILE holds a JSON array or JSON Lines
of self-contained requests (format in docs/authz.md); results are written
as JSON Lines in input order. Without it, one request is given by flags:
--principal, --action, --resource, --context k=v (repeat a key for a
multi-valued key) and policy files (--identity-policy, --boundary,
--session-policy, --resource-policy, --scp LEVEL=FILE, --rcp LEVEL=FILE,
--endpoint-policy). With --snapshot DIR, the policies come from the
snapshot instead.

An action the embedded AWS table does not know, a malformed resource ARN
or account id is an error (exit 2) with the nearest known action;
--allow-unknown accepts actions newer than the table. With --explain, the
aws: condition keys the policies test but the request does not supply are
named, with a value to try (aws:RequestedRegion from --region or the
resource ARN, aws:SecureTransport true).

Exit codes: 0 done; 1 with --fail-on-deny when any request is denied;
2 unreadable input or an unknown action, resource or account.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSimulate(g, cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.request, "request", "", "request file (JSON array or JSON Lines), - for stdin")
	fl.StringVar(&f.snapshot, "snapshot", "", "take policies from the snapshot in DIR")
	fl.BoolVar(&f.failOnDeny, "fail-on-deny", false, "exit 1 when any request is denied")
	fl.BoolVar(&f.explain, "explain", false, "print the decision path in plain words")
	fl.StringVar(&f.principal, "principal", "", "caller ARN, account ID, service principal, or anonymous")
	fl.StringVar(&f.principalKind, "principal-kind", "", "override the caller kind (user, role, roleSession, root, serviceLinkedRole, service, anonymous)")
	fl.StringVar(&f.action, "action", "", "action, such as s3:GetObject")
	fl.StringVar(&f.resource, "resource", "*", "resource ARN")
	fl.StringVar(&f.resAcct, "resource-account", "", "account that owns the resource (default: from the ARN, else the caller's)")
	fl.StringArrayVar(&f.context, "context", nil, "condition key k=v; repeat a key for several values")
	fl.StringArrayVar(&f.identity, "identity-policy", nil, "identity-based policy file (repeatable)")
	fl.StringArrayVar(&f.boundary, "boundary", nil, "permissions boundary policy file")
	fl.StringArrayVar(&f.session, "session-policy", nil, "session policy file")
	fl.StringVar(&f.resourcePolicy, "resource-policy", "", "resource-based policy file (bucket, key, trust policy...)")
	fl.StringArrayVar(&f.scps, "scp", nil, "LEVEL=FILE: an SCP attached at LEVEL (root first; repeat)")
	fl.StringArrayVar(&f.rcps, "rcp", nil, "LEVEL=FILE: an RCP attached at LEVEL (root first; repeat)")
	fl.StringArrayVar(&f.endpoints, "endpoint-policy", nil, "VPC endpoint policy file")
	fl.BoolVar(&f.mgmt, "management-account", false, "the caller is in the management account (outside SCPs)")
	fl.BoolVar(&f.slr, "service-linked-role", false, "the caller is a service-linked role (outside SCPs and RCPs)")
	fl.StringVar(&f.permissionSet, "permission-set", "", "with --snapshot and --account: the caller is the role IAM Identity Center made for this permission set in the account")
	fl.StringVar(&f.account, "account", "", "with --permission-set: the account (id or name)")
	fl.BoolVar(&f.allowUnknown, "allow-unknown", false, "accept actions of known services that the embedded AWS table does not list (newer actions)")
	return cmd
}

func runSimulate(g *Globals, cmd *cobra.Command, f *simulateFlags) error {
	format, err := g.Format(output.JSONL, output.Table, output.JSON, output.JSONL, output.YAML)
	if err != nil {
		return err
	}
	eng, loader := authz.New(authz.WithContextHints(g.Region)), authz.NewLoader()
	v := &authz.Validator{AllowUnknown: f.allowUnknown}
	loader.Check = v.Check
	w := newSimWriter(g.Stdout, format, f.explain)
	var stats authz.BatchStats
	switch {
	case f.request != "":
		if f.principal != "" || f.action != "" {
			return Usage("--request and --principal/--action are exclusive")
		}
		r, closeFn, err := openInput(g, f.request)
		if err != nil {
			return err
		}
		defer closeFn()
		stats, err = eng.RunBatch(r, loader, f.explain, w.write)
		if err != nil {
			_ = w.close() // the results before the bad request stand
			return Usage("%s: %v", f.request, err)
		}
	default:
		if err := permissionSetPrincipal(f); err != nil {
			return err
		}
		in, err := singleInput(f, loader)
		if err != nil {
			return err
		}
		if err := v.Check(in); err != nil {
			return Usage("%v", err)
		}
		res := eng.Evaluate(in, f.explain)
		stats.Requests = 1
		if res.Decision != authz.Allowed {
			stats.ImplicitlyDenied = 1
		}
		if err := w.write(1, res); err != nil {
			return err
		}
	}
	if err := w.close(); err != nil {
		return err
	}
	if f.failOnDeny && stats.Denied() > 0 {
		return Exit(ExitFail)
	}
	return nil
}

func openInput(g *Globals, name string) (io.Reader, func(), error) {
	if name == "-" {
		return g.Stdin, func() {}, nil
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, Usage("%v", err)
	}
	return fh, func() { fh.Close() }, nil
}

// simWriter renders results as JSON Lines, one JSON document or a table.
type simWriter struct {
	format  output.Format
	explain bool
	w       io.Writer
	buf     []byte
	all     []authz.Result
	table   *output.TableWriter
}

func newSimWriter(w io.Writer, f output.Format, explain bool) *simWriter {
	s := &simWriter{format: f, explain: explain, w: w}
	switch f {
	case output.JSONL:
		s.w = bufio.NewWriterSize(w, 1<<16)
	case output.Table:
		if !explain {
			s.table = output.NewTable(w, "#", "DECISION", "DECIDED BY", "MISSING ALLOW", "STATEMENTS")
		}
	}
	return s
}

func (s *simWriter) write(n int, res authz.Result) error {
	switch s.format {
	case output.JSONL:
		s.buf = append(res.AppendJSON(s.buf[:0]), '\n')
		_, err := s.w.Write(s.buf)
		return err
	case output.JSON, output.YAML:
		s.all = append(s.all, res)
		return nil
	}
	stmts := make([]string, 0, len(res.MatchedStatements))
	for _, m := range res.MatchedStatements {
		name := m.Sid
		if name == "" {
			name = fmt.Sprintf("#%d", m.Index)
		}
		stmts = append(stmts, fmt.Sprintf("%s %s:%s", m.Effect, m.PolicyID, name))
	}
	missing := string(res.MissingAllow)
	if res.Level != "" {
		missing += " (" + res.Level + ")"
	}
	if s.table != nil {
		s.table.Row(fmt.Sprint(n), res.Decision.String(), string(res.DecidedBy), missing, strings.Join(stmts, ", "))
		return nil
	}
	fmt.Fprintf(s.w, "request %d: %s (decided by %s)\n", n, res.Decision, orDash(string(res.DecidedBy)))
	for _, line := range res.Explanation {
		fmt.Fprintf(s.w, "  - %s\n", line)
	}
	for _, st := range stmts {
		fmt.Fprintf(s.w, "  matched: %s\n", st)
	}
	return nil
}

func (s *simWriter) close() error {
	if bw, ok := s.w.(*bufio.Writer); ok {
		return bw.Flush()
	}
	switch {
	case s.format == output.JSON || s.format == output.YAML:
		if s.all == nil {
			s.all = []authz.Result{}
		}
		if len(s.all) == 1 {
			return output.Encode(s.w, s.format, s.all[0])
		}
		return output.Encode(s.w, s.format, s.all)
	case s.table != nil:
		return s.table.Flush()
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
