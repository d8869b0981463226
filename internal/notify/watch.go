package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/orgrail/orgrail/internal/trail"
)

// SQSAPI is the part of the SQS client the watcher uses.
type SQSAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
}

// Watcher runs detection and delivery continuously: it polls an archive
// (remembering the last file read under each account/region prefix),
// consumes a queue, and delivers the outbox, until its context ends.
type Watcher struct {
	Pipeline *Pipeline
	// Archive is the Log Archive to poll (nil: none).
	Archive trail.Source
	// Since is where an archive prefix without a checkpoint starts.
	Since time.Time
	// Interval between archive polls and idle outbox rounds (default 30s).
	Interval time.Duration
	// Rewind re-reads files delivered this long before a prefix's
	// checkpoint, for files that arrive late (default 15m). Detections
	// are deduplicated, so re-reading is harmless.
	Rewind time.Duration
	// Queue and QueueURL name the SQS queue to consume (nil: none).
	Queue    SQSAPI
	QueueURL string
	// Objects reads the S3 objects queue messages announce.
	Objects ObjectOpener
	// Visibility is the queue's visibility timeout for received messages
	// (default 5m); a message not deleted in time is redelivered.
	Visibility time.Duration
	// Once stops after one archive poll and an empty outbox round.
	Once bool
	Log  *slog.Logger

	seen     map[string]string // key → version read in this process
	lastPoll time.Time         // start of the last complete poll
	polls    int
}

// fullListEvery is how often (in polls) an S3 archive is listed from
// Since again, for files that arrive with old delivery stamps.
const fullListEvery = 20

// Run works until ctx is cancelled (SIGTERM): the file or message under
// way is finished, the outbox round under way completes, and Run
// returns. Work interrupted harder (SIGKILL) is redone after a restart:
// checkpoints advance only after a file is handled, queue messages are
// deleted only after theirs, and detections are deduplicated.
func (w *Watcher) Run(ctx context.Context) error {
	if w.Interval <= 0 {
		w.Interval = 30 * time.Second
	}
	if w.Rewind <= 0 {
		w.Rewind = 15 * time.Minute
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.Once {
		return w.runOnce(ctx)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	run := func(i int, f func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f(ctx) }()
	}
	if w.Archive != nil {
		run(0, w.pollLoop)
	}
	if w.Queue != nil {
		run(1, w.queueLoop)
	}
	run(2, func(ctx context.Context) error { return w.Pipeline.Notifier.Run(ctx, min(w.Interval, 5*time.Second)) })
	wg.Wait()
	return errors.Join(errs...)
}

func (w *Watcher) runOnce(ctx context.Context) error {
	if w.Archive != nil {
		if _, err := w.Poll(ctx); err != nil {
			return err
		}
	}
	if w.Queue != nil {
		if _, err := w.receive(ctx, 0); err != nil {
			return err
		}
	}
	for {
		k, err := w.Pipeline.Notifier.Deliver(ctx)
		if err != nil || k == 0 || ctx.Err() != nil {
			return err
		}
	}
}

func (w *Watcher) pollLoop(ctx context.Context) error {
	for {
		st, err := w.Poll(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.Log.Error("archive poll failed", "archive", w.Archive.String(), "err", err)
		} else if st.Records > 0 {
			w.Log.Info("archive polled", "records", st.Records, "detections", st.Detections, "duplicates", st.Duplicates)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(w.Interval):
		}
	}
}

// prefixOf returns the account/region prefix of a CloudTrail key: the
// key up to the region directory ("AWSLogs/o-x/1111/CloudTrail/eu-west-1"),
// or the key's directory outside that layout.
func prefixOf(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		if s == "CloudTrail" && i+1 < len(segs)-1 {
			return strings.Join(segs[:i+2], "/")
		}
	}
	return path.Dir(key)
}

// Poll reads the archive's new files once: under each prefix, the files
// after its checkpoint, and those within Rewind before it that this
// process has not read yet (or whose content changed).
func (w *Watcher) Poll(ctx context.Context) (Stats, error) {
	var total Stats
	if w.seen == nil {
		w.seen = map[string]string{}
	}
	start := time.Now()
	state := w.Pipeline.Notifier.State
	cps := map[string]string{}
	// On S3, the first poll of a process (and every fullListEvery-th)
	// lists everything from Since; the others list only files delivered
	// since the previous poll began, less the rewind window: CloudTrail
	// names files by delivery time. Local directories are listed whole.
	f := &trail.Filter{Since: w.Since}
	w.polls++
	if strings.HasPrefix(w.Archive.String(), "s3://") && !w.lastPoll.IsZero() && w.polls%fullListEvery != 0 {
		if s := w.lastPoll.Add(-w.Rewind); s.After(f.Since) {
			f.Since = s
		}
	}
	objs, err := trail.ListAll(ctx, w.Archive, f, trail.KindLog)
	if err != nil {
		return total, fmt.Errorf("listing %s: %w", w.Archive, err)
	}
	for _, o := range objs {
		if ctx.Err() != nil {
			return total, nil
		}
		prefix := prefixOf(o.Key)
		cp, ok := cps[prefix]
		if !ok {
			if cp, err = state.Checkpoint(ctx, prefix); err != nil {
				return total, err
			}
			cps[prefix] = cp
		}
		if !w.due(o, cp) {
			continue
		}
		st, err := w.readObject(ctx, o)
		total.add(st)
		if err != nil && ctx.Err() == nil {
			var fe *trail.DecodeError
			if !errors.As(err, &fe) {
				return total, err
			}
			w.Log.Warn("file skipped", "file", o.Key, "err", err)
		}
		if ctx.Err() != nil {
			return total, nil
		}
		w.seen[o.Key] = o.Version()
		if o.Key > cp {
			if err := state.SetCheckpoint(ctx, prefix, o.Key, time.Now()); err != nil {
				return total, err
			}
			cps[prefix] = o.Key
		}
	}
	if ctx.Err() == nil {
		w.lastPoll = start
	}
	return total, nil
}

// due reports whether an object must be read: it comes after the
// checkpoint, or it falls in the rewind window and this process has not
// read this version of it.
func (w *Watcher) due(o trail.Object, cp string) bool {
	if o.Key > cp {
		return true
	}
	if v, ok := w.seen[o.Key]; ok && v == o.Version() {
		return false
	}
	cpStamp := trail.ParseKey(cp).Stamp
	if cpStamp.IsZero() || o.Loc.Stamp.IsZero() {
		return false
	}
	// Within the window: read once per process (late arrivals), again
	// when the content changed; detections are deduplicated.
	return !o.Loc.Stamp.Before(cpStamp.Add(-w.Rewind))
}

func (w *Watcher) readObject(ctx context.Context, o trail.Object) (Stats, error) {
	rc, err := w.Archive.Open(ctx, o.Key)
	if err != nil {
		return Stats{}, fmt.Errorf("%s: %w", o.Key, err)
	}
	defer rc.Close()
	return w.Pipeline.File(ctx, rc, o.Key)
}

func (w *Watcher) queueLoop(ctx context.Context) error {
	for ctx.Err() == nil {
		if _, err := w.receive(ctx, 20); err != nil && ctx.Err() == nil {
			w.Log.Error("queue receive failed", "queue", w.QueueURL, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(w.Interval):
			}
		}
	}
	return nil
}

// receive takes one batch from the queue, handles each message and
// deletes those handled. A message that fails stays in the queue and
// comes back after its visibility timeout.
func (w *Watcher) receive(ctx context.Context, wait int32) (Stats, error) {
	var total Stats
	vis := w.Visibility
	if vis <= 0 {
		vis = 5 * time.Minute
	}
	out, err := w.Queue.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(w.QueueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: wait,
		VisibilityTimeout: int32(vis / time.Second),
	})
	if err != nil {
		return total, err
	}
	keep := context.WithoutCancel(ctx)
	for _, m := range out.Messages {
		st, err := w.handle(keep, m)
		total.add(st)
		if err != nil {
			w.Log.Warn("queue message failed; it will be redelivered", "id", aws.ToString(m.MessageId), "err", err)
			continue
		}
		if _, err := w.Queue.DeleteMessage(keep, &sqs.DeleteMessageInput{QueueUrl: aws.String(w.QueueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
			w.Log.Warn("deleting queue message failed; it will be redelivered and deduplicated", "err", err)
		}
	}
	return total, nil
}

func (w *Watcher) handle(ctx context.Context, m sqstypes.Message) (Stats, error) {
	in, err := ParseInbound([]byte(aws.ToString(m.Body)))
	if err != nil {
		// A message that can never be read would come back for ever:
		// report it and let the queue's redrive policy move it aside.
		return Stats{}, err
	}
	return w.Pipeline.Inbound(ctx, in, w.Objects)
}

// Connect opens the archive (a directory or s3://bucket/prefix) and the
// queue (an SQS queue URL); either may be empty. loadAWS is called only
// when one of them is on AWS.
func (w *Watcher) Connect(ctx context.Context, loadAWS func(context.Context) (aws.Config, error), archive, queue string) error {
	var cfg *aws.Config
	getCfg := func() (aws.Config, error) {
		if cfg == nil {
			c, err := loadAWS(ctx)
			if err != nil {
				return c, err
			}
			cfg = &c
		}
		return *cfg, nil
	}
	if archive != "" {
		opts := trail.S3Options{}
		if strings.HasPrefix(archive, "s3://") {
			c, err := getCfg()
			if err != nil {
				return err
			}
			ep := aws.ToString(c.BaseEndpoint)
			opts.Client, opts.Endpoint = NewS3(c, ep), ep
		}
		src, err := trail.Open(ctx, archive, opts)
		if err != nil {
			return fmt.Errorf("--archive %s: %w", archive, err)
		}
		w.Archive = src
	}
	if queue != "" {
		c, err := getCfg()
		if err != nil {
			return err
		}
		w.Queue, w.QueueURL = sqs.NewFromConfig(c), queue
		w.Objects = S3Objects{Client: NewS3(c, aws.ToString(c.BaseEndpoint))}
	}
	return nil
}
