package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
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
	plantIdentity(w)
	planted := plantedEvents(w)
	plantAccess(w)
	if err := w.org.Index(); err != nil {
		return nil, fmt.Errorf("demo organization: %w", err)
	}
	sw, err := snapshot.Create(filepath.Join(dir, SnapshotDir), w.org)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Dir: dir, OrgID: w.orgID, Accounts: len(w.accounts),
		FirstDay: w.start.Format("2006-01-02"), LastDay: End.AddDate(0, 0, -1).Format("2006-01-02")}
	fw := newFileWriter(dir, writerConcurrency())
	err = writeAll(ctx, w, fw, planted, sum)
	if cerr := fw.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	sum.Violations, sum.Detections = len(w.planted.Violations), len(w.planted.Detections)
	return sum, sw.Commit(manifest(w))
}

// writeAll renders every file but the manifest and queues it on fw.
func writeAll(ctx context.Context, w *world, fw *fileWriter, planted map[string][]*record, sum *Summary) error {
	if err := writeAccounts(ctx, w, fw, planted, sum); err != nil {
		return err
	}
	if err := putService(fw, renderAWSManaged()); err != nil {
		return err
	}
	sum.ServiceFiles++
	writeEvents(w, fw, sum)
	sortDetections(w)
	b, err := json.MarshalIndent(w.planted, "", "  ")
	if err != nil {
		return err
	}
	fw.put(PlantedFile, append(b, '\n'))
	keys, err := publicKeys(w.opt)
	if err != nil {
		return err
	}
	fw.put(path.Join(LogArchiveDir, PublicKeyFile), keys)
	return nil
}

// putService encodes a service file as the snapshot package does (same
// bytes as Writer.WriteService) and queues it.
func putService(fw *fileWriter, f *snapshot.ServiceFile) error {
	b, err := snapshot.EncodeServiceFile(f)
	if err != nil {
		return err
	}
	rel, err := snapshot.SafePath(f.Account, f.Region, f.Service)
	if err != nil {
		return err
	}
	fw.put(path.Join(SnapshotDir, filepath.ToSlash(rel)), b)
	return nil
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
func writeAccounts(ctx context.Context, w *world, fw *fileWriter, planted map[string][]*record, sum *Summary) error {
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
				if err := writeAccount(w, fw, a, planted[a.Id], &files, &logs, &events); err != nil {
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
		if fw.failed.Load() {
			break // close reports the write error
		}
		jobs <- a
	}
	close(jobs)
	wg.Wait()
	digests.Store(logs.Load())
	sum.ServiceFiles, sum.LogFiles, sum.DigestFiles, sum.TrailEvents = int(files.Load()), int(logs.Load()), int(digests.Load()), int(events.Load())
	return firstErr
}

func writeAccount(w *world, fw *fileWriter, a *acct, planted []*record, files, logs, events *atomic.Int64) error {
	if a.suspended {
		return nil
	}
	sfs, err := renderAccount(w, a)
	if err != nil {
		return fmt.Errorf("account %s: %w", a.Id, err)
	}
	for _, f := range sfs {
		if err := putService(fw, f); err != nil {
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
		fw.put(path.Join(LogArchiveDir, o.path), o.data)
	}
	logs.Add(int64(n))
	events.Add(int64(len(recs)))
	return nil
}

func writeEvents(w *world, fw *fileWriter, sum *Summary) {
	gd, n1 := guardDutyEvents(w)
	cfg, n2 := configEvents(w)
	sum.BridgeEvents = n1 + n2
	fw.put(path.Join(EventsDir, "guardduty-findings.jsonl"), gd)
	fw.put(path.Join(EventsDir, "config-compliance-changes.jsonl"), cfg)
}
