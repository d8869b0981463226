package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/detect"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

func init() {
	register(notifyCmd)
	register(triageCmd)
	register(watchCmd)
	register(lambdaCmd)
}

// stateFlags selects the notification state: the SQLite store (default)
// or a DynamoDB table shared by Lambda workers.
type stateFlags struct {
	table string
}

func (s *stateFlags) bind(c *cobra.Command) {
	c.Flags().StringVar(&s.table, "dynamodb-table", os.Getenv("ORGRAIL_DYNAMODB_TABLE"),
		"keep notification state in this DynamoDB table instead of the SQLite store (env ORGRAIL_DYNAMODB_TABLE)")
}

// open returns the state and a function that closes it.
func (s *stateFlags) open(ctx context.Context, g *Globals) (notify.State, error) {
	if s.table != "" {
		cfg, err := g.AWSConfig(ctx)
		if err != nil {
			return nil, err
		}
		return notify.NewDynamoState(notify.NewDynamoClient(cfg), s.table), nil
	}
	st, err := store.Open(ctx, g.StatePath)
	if err != nil {
		return nil, err
	}
	return &closingState{SQLiteState: notify.NewSQLiteState(st.DB()), st: st}, nil
}

// closingState closes the store with the state.
type closingState struct {
	*notify.SQLiteState
	st *store.Store
}

func (c *closingState) Close() error { return c.st.Close() }

// notifySetup is the routing configuration and the channels built from it.
type notifySetup struct {
	cfg      *notify.Config
	lz       *config.Config
	channels map[string]notify.Channel
}

// notifier loads the notifications: section of --config, opens the
// state and returns a notifier over both; call the returned function to
// close the state.
func (sf *stateFlags) notifier(ctx context.Context, g *Globals) (*notifySetup, *notify.Notifier, func(), error) {
	setup, err := loadNotify(ctx, g)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := sf.open(ctx, g)
	if err != nil {
		return nil, nil, nil, err
	}
	nt := &notify.Notifier{Config: setup.cfg, State: st, Channels: setup.channels, Log: g.Log}
	return setup, nt, func() { st.Close() }, nil
}

// loadNotify reads the notifications: section of --config and builds
// the channels. Problems in that section are usage errors.
func loadNotify(ctx context.Context, g *Globals) (*notifySetup, error) {
	lz, _, err := config.Load(g.ConfigDir)
	if err != nil {
		return nil, Usage("--config %s: %v", g.ConfigDir, err)
	}
	cfg, err := notify.Decode(lz.Notifications)
	if err != nil {
		return nil, Usage("%v", err)
	}
	opts := notify.Options{}
	if needsSNS(cfg) || cfg.UsesSecretRefs() {
		awsCfg, err := g.AWSConfig(ctx)
		if err != nil {
			return nil, err
		}
		opts.SNS = sns.NewFromConfig(awsCfg)
		// Secrets Manager and SSM references are read once, here, at
		// start (on Lambda: once per instance), and cached.
		opts.Secrets = notify.NewAWSSecrets(ctx, awsCfg)
	}
	chans, err := notify.NewChannels(cfg, opts)
	if err != nil {
		if cfg.UsesSecretRefs() {
			return nil, err // an unreadable secret is not a usage error
		}
		return nil, Usage("%v", err)
	}
	return &notifySetup{cfg: cfg, lz: lz, channels: chans}, nil
}

func needsSNS(c *notify.Config) bool {
	for _, ch := range c.Channels {
		if ch.Type == "sns" {
			return true
		}
	}
	return false
}

func notifyCmd(g *Globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "notify",
		Short: "Notification outbox: status, retry of parked messages, submission of detections",
		Long: `notify shows and works on the notification outbox: every detection routed
to a channel waits there until the channel accepts it. See docs/notifications.md.`,
	}
	c.AddCommand(notifyStatusCmd(g), notifyRetryCmd(g), notifySubmitCmd(g))
	return c
}

// statusReport is what `notify status` prints.
type statusReport struct {
	Channels []notify.Counts `json:"channels"`
	Messages []*notify.Item  `json:"messages"`
}

func notifyStatusCmd(g *Globals) *cobra.Command {
	var sf stateFlags
	var f notify.Filter
	var all bool
	c := &cobra.Command{
		Use:   "status",
		Short: "Show pending, sent, failed and parked messages per channel",
		Long: `status counts the outbox's messages per channel and lists those that need
attention: failed (retrying) and parked ones, or with --all every message.
Exit code 1 when messages are parked.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := g.Format(output.JSON)
			if err != nil {
				return err
			}
			st, err := sf.open(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			rep := statusReport{Channels: []notify.Counts{}, Messages: []*notify.Item{}}
			counts, err := st.Counts(cmd.Context())
			if err != nil {
				return err
			}
			rep.Channels = append(rep.Channels, counts...)
			if f.Limit == 0 {
				f.Limit = 100
			}
			items, err := st.Items(cmd.Context(), f)
			if err != nil {
				return err
			}
			parked := 0
			for _, it := range items {
				if all || f.Status != "" || it.Status == notify.StatusParked || it.Failing() {
					rep.Messages = append(rep.Messages, it)
				}
			}
			for _, c := range rep.Channels {
				parked += c.Parked
			}
			if err := renderStatus(g, format, &rep); err != nil {
				return err
			}
			if parked > 0 {
				return Exit(ExitFail)
			}
			return nil
		},
	}
	sf.bind(c)
	c.Flags().StringVar(&f.Channel, "channel", "", "only this channel's messages")
	c.Flags().StringVar(&f.Status, "status", "", "list messages in this state: pending, failed, sent, parked")
	c.Flags().BoolVar(&all, "all", false, "list every message, not only failed and parked ones")
	c.Flags().IntVar(&f.Limit, "limit", 100, "list at most this many messages")
	return c
}

func renderStatus(g *Globals, format output.Format, rep *statusReport) error {
	if format != output.Table {
		if format == output.JSONL {
			return output.Encode(g.Stdout, format, rep.Messages)
		}
		return output.Encode(g.Stdout, format, rep)
	}
	t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "CHANNEL", "PENDING", "FAILED", "SENT", "PARKED")...)
	for _, c := range rep.Channels {
		t.Row(c.Channel, strconv.Itoa(c.Pending), strconv.Itoa(c.Failing), strconv.Itoa(c.Sent), strconv.Itoa(c.Parked))
	}
	if err := t.Flush(); err != nil {
		return err
	}
	if len(rep.Messages) == 0 {
		return nil
	}
	fmt.Fprintln(g.Stdout)
	t = output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "ID", "CHANNEL", "STATUS", "ATTEMPTS", "NEXT", "DETECTION", "ERROR")...)
	for _, it := range rep.Messages {
		status := it.Status
		if it.Failing() {
			status = "failed"
		}
		next := ""
		if it.Status == notify.StatusPending {
			next = it.NotBefore.Local().Format(time.DateTime)
		}
		t.Row(it.ID, it.Channel, status, strconv.Itoa(it.Attempts), next, it.Key, it.LastError)
	}
	return t.Flush()
}

func notifyRetryCmd(g *Globals) *cobra.Command {
	var sf stateFlags
	var id, channel string
	c := &cobra.Command{
		Use:   "retry",
		Short: "Re-send parked messages (all, one --id, or one --channel's)",
		Long: `retry makes parked messages pending again and sends them now with the
channels of --config. Messages that fail again are retried with backoff
and parked again after the configured attempts.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			_, nt, closeState, err := sf.notifier(ctx, g)
			if err != nil {
				return err
			}
			defer closeState()
			n, err := nt.State.Unpark(ctx, id, channel, time.Now())
			if err != nil {
				return err
			}
			if n == 0 && id != "" {
				return Usage("no parked message with id %q", id)
			}
			sent, err := deliverDue(ctx, nt)
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "%d parked messages made pending, %d delivery attempts\n", n, sent)
			}
			return err
		},
	}
	sf.bind(c)
	c.Flags().StringVar(&id, "id", "", "only the message with this id (or the messages whose id starts with it)")
	c.Flags().StringVar(&channel, "channel", "", "only this channel's messages")
	return c
}

// deliverDue runs delivery rounds until nothing is due.
func deliverDue(ctx context.Context, nt *notify.Notifier) (int, error) {
	total := 0
	for {
		k, err := nt.Deliver(ctx)
		total += k
		if err != nil || k == 0 || ctx.Err() != nil {
			return total, err
		}
	}
}

func notifySubmitCmd(g *Globals) *cobra.Command {
	var sf stateFlags
	var noSend bool
	c := &cobra.Command{
		Use:   "submit [FILE|-]",
		Short: "Route detections (JSON Lines, as `trail scan` prints them) into the outbox and send them",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			in, name, err := notifyInput(g, args)
			if err != nil {
				return err
			}
			defer in.Close()
			setup, nt, closeState, err := sf.notifier(ctx, g)
			if err != nil {
				return err
			}
			defer closeState()
			stats, err := notify.SubmitLines(ctx, nt, in, notify.NewDirectory(setup.lz, nil))
			if err != nil {
				return Usage("%s: %v", name, err)
			}
			sent := 0
			if !noSend {
				sent, err = deliverDue(ctx, nt)
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "%d detections: %d new, %d duplicates, %d suppressed; %d delivery attempts\n",
					stats.Records, stats.Detections, stats.Duplicates, stats.Suppressed, sent)
			}
			return err
		},
	}
	sf.bind(c)
	c.Flags().BoolVar(&noSend, "no-send", false, "only record in the outbox; `orgrail watch` or `notify retry` sends later")
	return c
}

func notifyInput(g *Globals, args []string) (io.ReadCloser, string, error) {
	if len(args) == 0 || args[0] == "-" {
		return io.NopCloser(g.Stdin), "stdin", nil
	}
	f, err := os.Open(args[0])
	if err != nil {
		return nil, "", Usage("%v", err)
	}
	return f, args[0], nil
}

func triageCmd(g *Globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "triage",
		Short: "The triage queue: detections waiting for a person to acknowledge or dismiss",
	}
	c.AddCommand(triageListCmd(g), triageResolveCmd(g, "ack", notify.TriageAcknowledged), triageResolveCmd(g, "dismiss", notify.TriageDismissed))
	return c
}

func triageListCmd(g *Globals) *cobra.Command {
	var sf stateFlags
	var status string
	var limit int
	c := &cobra.Command{
		Use:   "list",
		Short: "List triage items (open ones by default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := g.Format(output.JSONL)
			if err != nil {
				return err
			}
			switch status {
			case "all":
				status = ""
			case notify.TriageOpen, notify.TriageAcknowledged, notify.TriageDismissed:
			default:
				return Usage("--status %q: want open, acked, dismissed or all", status)
			}
			st, err := sf.open(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			items, err := st.TriageItems(cmd.Context(), status, limit)
			if err != nil {
				return err
			}
			if format != output.Table {
				if items == nil {
					items = []*notify.TriageItem{}
				}
				return output.Encode(g.Stdout, format, items)
			}
			lang := g.Lang()
			t := output.NewTable(g.Stdout, i18n.Headers(lang, "ID", "STATUS", "SEVERITY", "DETECTION", "ACCOUNT", "REGION", "WHEN", "TITLE")...)
			for _, it := range items {
				e := it.Event
				acct := e.Account
				if e.AccountName != "" {
					acct = e.AccountName + " (" + e.Account + ")"
				}
				t.Row(it.ID, it.Status, e.Severity.String(), e.DetectionID, acct, e.Region, e.EventTime.Format(time.RFC3339), detect.Title(lang, e.DetectionID, e.Title))
			}
			return t.Flush()
		},
	}
	sf.bind(c)
	c.Flags().StringVar(&status, "status", notify.TriageOpen, "open, acked, dismissed or all")
	c.Flags().IntVar(&limit, "limit", 0, "at most this many items (0: all)")
	return c
}

func triageResolveCmd(g *Globals, verb, status string) *cobra.Command {
	var sf stateFlags
	var reason, by string
	c := &cobra.Command{
		Use:   verb + " ID",
		Short: map[string]string{"ack": "Acknowledge a triage item: a person is on it", "dismiss": "Dismiss a triage item (--reason required)"}[verb],
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if verb == "dismiss" && reason == "" {
				return Usage("dismiss needs --reason")
			}
			if by == "" {
				by = os.Getenv("USER")
			}
			st, err := sf.open(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			err = st.Resolve(cmd.Context(), args[0], status, reason, by, time.Now())
			if errors.Is(err, notify.ErrNotFound) {
				return Usage("no triage item %q", args[0])
			}
			if err != nil {
				return &ExitError{Code: ExitFail, Err: err}
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "triage item %s %s\n", args[0], status)
			}
			return nil
		},
	}
	sf.bind(c)
	c.Flags().StringVar(&reason, "reason", "", "why (required to dismiss)")
	c.Flags().StringVar(&by, "by", "", "who (default $USER)")
	return c
}

// detectionFlags load the detections and the account directory.
type detectionFlags struct {
	rules    string
	snapshot string
	skipBad  bool
}

func (d *detectionFlags) bind(c *cobra.Command) {
	c.Flags().StringVar(&d.rules, "rules", os.Getenv("ORGRAIL_RULES"), "directory of extra detections (orgrail YAML and Sigma rules; env ORGRAIL_RULES)")
	c.Flags().StringVar(&d.snapshot, "snapshot", os.Getenv("ORGRAIL_SNAPSHOT"), "snapshot directory whose org.json names accounts and OUs (env ORGRAIL_SNAPSHOT)")
	c.Flags().BoolVar(&d.skipBad, "skip-bad-rules", false, "run the detections that load when some of --rules do not (default: exit 2)")
}

func (d *detectionFlags) pipeline(g *Globals, setup *notifySetup, nt *notify.Notifier) (*notify.Pipeline, error) {
	var o *org.Organization
	if d.snapshot != "" {
		snap, err := snapshot.Open(d.snapshot)
		if err != nil {
			return nil, Usage("--snapshot: %v", err)
		}
		o = snap.Org
	}
	m, err := notifyMatcher(g, d.rules, o, d.skipBad)
	if err != nil {
		return nil, err
	}
	return &notify.Pipeline{Matcher: m, Directory: notify.NewDirectory(setup.lz, o), Notifier: nt}, nil
}

func watchCmd(g *Globals) *cobra.Command {
	var sf stateFlags
	var df detectionFlags
	var archive, queue, since string
	var w notify.Watcher
	var lease time.Duration
	c := &cobra.Command{
		Use:   "watch",
		Short: "Run detection and notification continuously over the Log Archive and/or an SQS queue",
		Long: `watch polls --archive (a local directory or s3://bucket/prefix of the Log
Archive), remembering the last file read under each account/region prefix,
and/or consumes --queue (an SQS queue fed by S3 event notifications or
EventBridge); it runs the detections, routes what fires per --config's
notifications: section and delivers the outbox.

SIGTERM or Ctrl-C stops it cleanly after the file or message under way;
after a crash it resumes where it stopped and never notifies twice.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if archive == "" && queue == "" {
				return Usage("watch needs --archive, --queue or both")
			}
			if since != "" {
				t, err := notifySince(since, time.Now())
				if err != nil {
					return Usage("--since: %v", err)
				}
				w.Since = t
			}
			setup, nt, closeState, err := sf.notifier(ctx, g)
			if err != nil {
				return err
			}
			defer closeState()
			nt.Lease = lease
			if w.Pipeline, err = df.pipeline(g, setup, nt); err != nil {
				return err
			}
			if err := w.Connect(ctx, g.awsConfigFunc(), archive, queue); err != nil {
				return Usage("%v", err)
			}
			w.Log = g.Log
			g.Log.Info("watching", "archive", archive, "queue", queue)
			if err := w.Run(ctx); err != nil {
				return err
			}
			g.Log.Info("stopped")
			return nil
		},
	}
	sf.bind(c)
	df.bind(c)
	c.Flags().StringVar(&archive, "archive", "", "Log Archive to poll: a directory or s3://bucket/prefix")
	c.Flags().StringVar(&queue, "queue", "", "SQS queue URL to consume")
	c.Flags().StringVar(&since, "since", "", "where a prefix without a checkpoint starts (RFC 3339 time, date or duration such as 24h; default: the beginning)")
	c.Flags().DurationVar(&w.Interval, "interval", 30*time.Second, "time between archive polls")
	c.Flags().DurationVar(&w.Visibility, "visibility-timeout", 5*time.Minute, "queue messages not handled in this time are redelivered")
	c.Flags().DurationVar(&lease, "lease", 2*time.Minute, "outbox messages claimed by a worker that died are retried after this")
	c.Flags().BoolVar(&w.Once, "once", false, "poll once, deliver what is due, and exit")
	return c
}

// notifyMatcher compiles the built-in detections and those of dir.
func notifyMatcher(g *Globals, dir string, o *org.Organization, skipBad bool) (*notify.DetectMatcher, error) {
	e, err := compileDetections(g, dir, o, skipBad)
	if err != nil {
		return nil, err
	}
	return notify.NewDetectMatcher(e), nil
}

// notifySince reads --since: RFC 3339, a date, or a duration before now.
func notifySince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (RFC 3339, YYYY-MM-DD, or a duration such as 24h)", s)
}

// awsConfigFunc returns a lazy loader of the AWS configuration.
func (g *Globals) awsConfigFunc() func(context.Context) (aws.Config, error) {
	return g.AWSConfig
}

func lambdaCmd(g *Globals) *cobra.Command {
	var sf stateFlags
	var df detectionFlags
	c := &cobra.Command{
		Use:   "lambda",
		Short: "Serve as an AWS Lambda function (S3 events via SQS, EventBridge events)",
		Long: `lambda runs orgrail as a Lambda handler; it is also chosen when
AWS_LAMBDA_RUNTIME_API is set and no command is given. State (dedupe, outbox,
triage, checkpoints) lives in the DynamoDB table named by
ORGRAIL_DYNAMODB_TABLE. See docs/deploy-lambda.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if sf.table == "" {
				return Usage("lambda mode needs ORGRAIL_DYNAMODB_TABLE (or --dynamodb-table)")
			}
			setup, nt, closeState, err := sf.notifier(ctx, g)
			if err != nil {
				return err
			}
			defer closeState()
			p, err := df.pipeline(g, setup, nt)
			if err != nil {
				return err
			}
			awsCfg, err := g.AWSConfig(ctx)
			if err != nil {
				return err
			}
			h := &notify.Handler{Pipeline: p, Objects: notify.S3Objects{Client: notify.NewS3(awsCfg, aws.ToString(awsCfg.BaseEndpoint))}, Log: g.Log}
			return h.Start(ctx)
		},
	}
	sf.bind(c)
	df.bind(c)
	return c
}
