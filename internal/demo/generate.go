package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// Directory names under the output directory.
const (
	SnapshotDir   = "snapshot"
	LogArchiveDir = "logarchive"
	EventsDir     = "events"
	PlantedFile   = "planted.json"
	PublicKeyFile = "public-keys.json"
)

// Generate writes a demo organization under dir: snapshot/, logarchive/,
// events/ and planted.json. The manifest is written last.
func Generate(ctx context.Context, dir string, opt Options) (*Summary, error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	w := buildOrg(opt)
	buildBaseline(w)
	plantViolations(w)
	planted := plantedEvents(w)
	if err := w.org.Index(); err != nil {
		return nil, fmt.Errorf("demo organization: %w", err)
	}
	sw, err := snapshot.Create(filepath.Join(dir, SnapshotDir), w.org)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Dir: dir, OrgID: w.orgID, Accounts: len(w.accounts),
		FirstDay: w.start.Format("2006-01-02"), LastDay: End.AddDate(0, 0, -1).Format("2006-01-02")}
	if err := writeAccounts(ctx, w, sw, dir, planted, sum); err != nil {
		return nil, err
	}
	if err := sw.WriteService(renderAWSManaged()); err != nil {
		return nil, err
	}
	sum.ServiceFiles++
	if err := writeEvents(w, dir, sum); err != nil {
		return nil, err
	}
	sortDetections(w)
	b, err := json.MarshalIndent(w.planted, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFile(dir, PlantedFile, append(b, '\n')); err != nil {
		return nil, err
	}
	keys, err := publicKeys()
	if err != nil {
		return nil, err
	}
	if err := writeFile(dir, filepath.Join(LogArchiveDir, PublicKeyFile), keys); err != nil {
		return nil, err
	}
	sum.Violations, sum.Detections = len(w.planted.Violations), len(w.planted.Detections)
	return sum, sw.Commit(manifest(w))
}

func manifest(w *world) *snapshot.Manifest {
	m := &snapshot.Manifest{FormatVersion: snapshot.FormatVersion, OrgID: w.orgID, CollectedAt: w.collected,
		OrgrailVersion: GeneratorVersion, Source: "demo", Partition: w.partition,
	}
	for _, a := range w.accounts {
		if a.suspended {
			continue
		}
		m.Coverage = append(m.Coverage, snapshot.Coverage{Account: a.Id, Regions: w.regions,
			Services: snapshot.ServiceNames(), DisabledRegions: optInRegions})
	}
	return m
}

func sortDetections(w *world) {
	sort.SliceStable(w.planted.Detections, func(i, j int) bool {
		return w.planted.Detections[i].DetectionID < w.planted.Detections[j].DetectionID
	})
}

// writeAccounts renders and writes every account's service files and
// CloudTrail in parallel; each account is one unit of work with its own
// random stream, so the bytes do not depend on scheduling.
func writeAccounts(ctx context.Context, w *world, sw *snapshot.Writer, dir string, planted map[string][]*record, sum *Summary) error {
	workers := w.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan *acct)
	var (
		wg                           sync.WaitGroup
		once                         sync.Once
		firstErr                     error
		files, logs, digests, events atomic.Int64
	)
	fail := func(err error) { once.Do(func() { firstErr = err }) }
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				if err := writeAccount(w, sw, dir, a, planted[a.Id], &files, &logs, &events); err != nil {
					fail(err)
				}
			}
		}()
	}
	for _, a := range w.accounts {
		if ctx.Err() != nil {
			fail(ctx.Err())
			break
		}
		jobs <- a
	}
	close(jobs)
	wg.Wait()
	digests.Store(logs.Load())
	sum.ServiceFiles, sum.LogFiles, sum.DigestFiles, sum.TrailEvents = int(files.Load()), int(logs.Load()), int(digests.Load()), int(events.Load())
	return firstErr
}

func writeAccount(w *world, sw *snapshot.Writer, dir string, a *acct, planted []*record, files, logs, events *atomic.Int64) error {
	if a.suspended {
		return nil
	}
	sfs, err := renderAccount(w, a)
	if err != nil {
		return fmt.Errorf("account %s: %w", a.Id, err)
	}
	// Service files are encoded by the snapshot package (same bytes as
	// Writer.WriteService) but written without the temporary-file rename,
	// which a fresh output directory does not need.
	for _, f := range sfs {
		b, err := snapshot.EncodeServiceFile(f)
		if err != nil {
			return err
		}
		if err := writeFile(dir, filepath.Join(SnapshotDir, snapshot.Path(f.Account, f.Region, f.Service)), b); err != nil {
			return err
		}
	}
	files.Add(int64(len(sfs)))
	recs := append(ordinaryActivity(w, a), planted...)
	outs, n, err := trailFiles(w, a, recs)
	if err != nil {
		return err
	}
	for _, o := range outs {
		if err := writeFile(dir, filepath.Join(LogArchiveDir, filepath.FromSlash(o.path)), o.data); err != nil {
			return err
		}
	}
	logs.Add(int64(n))
	events.Add(int64(len(recs)))
	return nil
}

func writeEvents(w *world, dir string, sum *Summary) error {
	gd, n1 := guardDutyEvents(w)
	cfg, n2 := configEvents(w)
	sum.BridgeEvents = n1 + n2
	if err := writeFile(dir, filepath.Join(EventsDir, "guardduty-findings.jsonl"), gd); err != nil {
		return err
	}
	return writeFile(dir, filepath.Join(EventsDir, "config-compliance-changes.jsonl"), cfg)
}

// madeDirs remembers directories already created, saving a MkdirAll
// per file.
var madeDirs sync.Map

// writeFile creates dir/rel with mode 0600, its directories 0700. The
// file is created with mode 0600 (a umask can only remove bits, and
// orgrail writes into an empty directory).
func writeFile(dir, rel string, b []byte) error {
	p := filepath.Join(dir, rel)
	parent := filepath.Dir(p)
	if _, ok := madeDirs.Load(parent); !ok {
		if err := os.MkdirAll(parent, snapshot.DirMode); err != nil {
			return err
		}
		madeDirs.Store(parent, true)
	}
	fh, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, snapshot.FileMode)
	if errors.Is(err, fs.ErrNotExist) { // a remembered directory was removed since
		if err = os.MkdirAll(parent, snapshot.DirMode); err == nil {
			fh, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, snapshot.FileMode)
		}
	}
	if err != nil {
		return err
	}
	if _, err := fh.Write(b); err != nil {
		fh.Close()
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}
