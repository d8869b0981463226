package findings

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/store"
)

// bigReport is an audit of accounts × regions over three rules with
// every status, muted failures, empty and non-ASCII fields, and one
// finding id reported twice (the later one is kept).
func bigReport(accounts int) *Report {
	r := &Report{OrgID: "o-big", Partition: "aws"}
	m := Mappings{ConfigRule: "S3_BUCKET_VERSIONING_ENABLED", SecurityHub: "S3.14", CIS: "2.1.4", NistCsf: "PR.DS", ControlTower: "CT.S3.PR.1"}
	statuses := []Status{Passed, Passed, NotApplicable, Failed, Passed, Error}
	for a := range accounts {
		acct := fmt.Sprintf("%012d", 100000000000+a)
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			for k := range 4 {
				st := statuses[(a+k)%len(statuses)]
				f := Finding{RuleID: "s3.bucket-versioning", Title: "Versioning", Status: st, Severity: severity.Low,
					Account: acct, AccountName: fmt.Sprintf("アカウント-%d", a), OU: "Workloads/Prod", Region: region,
					ResourceArn: fmt.Sprintf("arn:aws:s3:::b-%d-%s-%d", a, region, k), ResourceType: "AWS::S3::Bucket", Mappings: m}
				if st == NotApplicable {
					f.Message = "no bucket \"here\"\n\t<b>"
				}
				if st == Failed && a%2 == 0 {
					f.Muted, f.MuteReason, f.MuteExpires = true, "accepted", "2027-01-01"
				}
				r.Findings = append(r.Findings, f)
			}
			r.Findings = append(r.Findings, Finding{RuleID: "ec2.ebs-encryption", Title: "EBS default encryption",
				Status: statuses[a%len(statuses)], Severity: severity.Medium, Account: acct, Region: region,
				ResourceArn: "arn:aws:ec2:" + region + ":" + acct + ":account"})
		}
		r.Findings = append(r.Findings, Finding{RuleID: "iam.root-mfa-enabled", Title: "Root MFA", Status: Passed,
			Severity: severity.Critical, Account: acct, AccountName: "", OU: "", Region: "global",
			ResourceArn: "arn:aws:iam::" + acct + ":root", Mappings: Mappings{CIS: "1.5"}})
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.ID = StableID(f.RuleID, f.Account, f.Region, f.ResourceArn)
	}
	dup := r.Findings[0]
	dup.Message = "reported twice: this one is kept"
	r.Findings = append(r.Findings, dup)
	return r
}

// wantLoaded is what LoadRun should return for r: every finding once
// (the last of an id), in the order of Sort.
func wantLoaded(r *Report) []Finding {
	last := map[string]int{}
	for i, f := range r.Findings {
		last[f.ID] = i
	}
	var out []Finding
	for i, f := range r.Findings {
		if last[f.ID] == i {
			out = append(out, f)
		}
	}
	Sort(out)
	return out
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// saveAsRows stores r the way orgrail did before migration 5: every
// finding a findings row.
func saveAsRows(t *testing.T, db *sql.DB, r *Report) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO runs (org_id, kind, started_at, finished_at, status, source, summary)
		VALUES (?, 'audit', ?, ?, 'ok', 'snap', '{}')`, r.OrgID, time.Now().UnixMilli(), time.Now().UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	if err := insertFindings(ctx, tx, id, byID(r.Findings)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPackedRunRoundTrip: a run stored with documents loads back equal,
// field for field, to the report and to the same report stored the
// former way (a row per finding); only the non-PASSED, non-N/A findings
// are rows.
func TestPackedRunRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, filepath.Join(t.TempDir(), "state.db")).DB()
	r := bigReport(60)
	id, err := SaveRun(ctx, db, r, "snap", "ok", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got, err := LoadRun(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	want := wantLoaded(r)
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("%d findings, want %d; first difference at %d:\n%+v\nwant\n%+v", len(got), len(want), i, got[i], want[i])
			}
		}
		t.Fatalf("%d findings, want %d", len(got), len(want))
	}
	rows := 0
	for _, f := range want {
		if !packed(f.Status) {
			rows++
		}
	}
	if n := count(t, db, `SELECT count(*) FROM findings WHERE run_id = ?`, id); n != rows || rows == 0 {
		t.Errorf("%d findings rows, want %d (the failures and errors)", n, rows)
	}
	if n := count(t, db, `SELECT count(*) FROM finding_docs WHERE run_id = ?`, id); n != 3 {
		t.Errorf("%d documents, want one per rule (3)", n)
	}
	if n := count(t, db, `SELECT sum(findings) FROM finding_docs WHERE run_id = ?`, id); n != len(want)-rows {
		t.Errorf("documents hold %d findings, want %d", n, len(want)-rows)
	}
	old, err := LoadRun(ctx, db, saveAsRows(t, db, r))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, old) {
		t.Fatal("the run stored with documents loads differently from the same run stored as rows")
	}
	if d := Diff(old, got); d.New+d.Fixed != 0 {
		t.Fatalf("diff between the two layouts: %+v", d)
	}
}

// TestOldSchemaStoreReads: a store at schema version 4 holding a run
// written the former way (every finding a row) is migrated on open; the
// old run loads as before, a new run is stored with documents, and the
// diff and a finding's history span both.
func TestOldSchemaStoreReads(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// Back to version 4: migration 5 only adds finding_docs.
	if _, err := s.DB().ExecContext(ctx, `DROP TABLE finding_docs; DELETE FROM schema_version WHERE version = 5`); err != nil {
		t.Fatal(err)
	}
	r := bigReport(20)
	oldID := saveAsRows(t, s.DB(), r)
	s.Close()

	s = openStore(t, path)
	if v, err := s.Version(ctx); err != nil || v != store.SchemaVersion || v != 5 {
		t.Fatalf("version after reopening: %d %v", v, err)
	}
	db := s.DB()
	got, err := LoadRun(ctx, db, oldID)
	if err != nil || !reflect.DeepEqual(got, wantLoaded(r)) {
		t.Fatalf("the old run loads %d findings (%v), want %d", len(got), err, len(wantLoaded(r)))
	}
	// The next run: the first failure is fixed.
	var fixed *Finding
	for i := range r.Findings {
		if f := &r.Findings[i]; f.Status == Failed && !f.Muted {
			f.Status, fixed = Passed, f
			break
		}
	}
	newID, err := SaveRun(ctx, db, r, "snap", "ok", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cur, err := LoadRun(ctx, db, newID)
	if err != nil || !reflect.DeepEqual(cur, wantLoaded(r)) {
		t.Fatalf("the new run loads %d findings (%v)", len(cur), err)
	}
	if d := Diff(got, cur); d.Fixed != 1 || d.New != 0 {
		t.Fatalf("diff old → new: fixed %d, new %d", d.Fixed, d.New)
	}
	h, err := History(ctx, db, fixed.ID, fixed.RuleID, 60)
	want := []RunState{{RunID: newID, Status: Passed}, {RunID: oldID, Status: Failed}}
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Fatalf("history = %+v, %v; want %+v", h, err, want)
	}
	if h, _ := History(ctx, db, fixed.ID, fixed.RuleID, 1); len(h) != 1 || h[0].RunID != newID {
		t.Fatalf("history limited to 1 = %+v", h)
	}
}

// TestHistoryAcrossRuns: a finding's state in every run, newest first,
// whether it was a row (failing) or in its rule's document (passing);
// runs without it are left out.
func TestHistoryAcrossRuns(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, filepath.Join(t.TempDir(), "state.db")).DB()
	r := bigReport(3)
	f := r.Findings[1]
	var ids []int64
	for i, st := range []Status{Failed, Passed, "", NotApplicable, Failed} {
		r := bigReport(3)
		r.Findings = slices.DeleteFunc(r.Findings, func(g Finding) bool { return g.ID == f.ID })
		if st != "" {
			g := f
			g.Status, g.Muted = st, i == 4
			r.Findings = append(r.Findings, g)
		}
		id, err := SaveRun(ctx, db, r, "snap", "ok", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	h, err := History(ctx, db, f.ID, f.RuleID, 0)
	want := []RunState{{ids[4], Failed, true}, {ids[3], NotApplicable, false}, {ids[1], Passed, false}, {ids[0], Failed, false}}
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Fatalf("history = %+v, %v\nwant %+v", h, err, want)
	}
	if h, _ := History(ctx, db, f.ID, f.RuleID, 2); !reflect.DeepEqual(h, want[:2]) {
		t.Fatalf("history limited to 2 = %+v", h)
	}
}

// TestConcurrentAuditsShareStore: two processes' worth of audits (each
// its own store handle) write the same state.db at once; every run is
// stored whole and loads back equal.
func TestConcurrentAuditsShareStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	reports := []*Report{bigReport(30), bigReport(40)}
	var wg sync.WaitGroup
	ids := make([][]int64, len(reports))
	errs := make([]error, len(reports))
	for w := range reports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := store.Open(ctx, path)
			if err != nil {
				errs[w] = err
				return
			}
			defer s.Close()
			for range 3 {
				id, err := SaveRun(ctx, s.DB(), reports[w], "snap", "ok", time.Now())
				if err != nil {
					errs[w] = err
					return
				}
				ids[w] = append(ids[w], id)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	db := openStore(t, path).DB()
	for w, r := range reports {
		want := wantLoaded(r)
		for _, id := range ids[w] {
			got, err := LoadRun(ctx, db, id)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("run %d of writer %d: %d findings (%v), want %d", id, w, len(got), err, len(want))
			}
		}
	}
	if n := count(t, db, `SELECT count(*) FROM runs`); n != 6 {
		t.Fatalf("%d runs, want 6", n)
	}
}

// TestCorruptDocumentNamesRun: a document that does not decompress,
// fails its checksum, or decodes to nonsense is an error naming the run
// and the rule, from LoadRun and History alike; never a panic.
func TestCorruptDocumentNamesRun(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, filepath.Join(t.TempDir(), "state.db")).DB()
	r := bigReport(10)
	id, err := SaveRun(ctx, db, r, "snap", "ok", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	const rule = "iam.root-mfa-enabled"
	var good []byte
	if err := db.QueryRow(`SELECT data FROM finding_docs WHERE run_id = ? AND rule_id = ?`, id, rule).Scan(&good); err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0xff
	var w docWriter
	fs := []*Finding{{ID: "x", Status: Passed, Severity: 99}}
	badSev, _ := w.encode(fs)
	badSev = slices.Clone(badSev)
	for name, c := range map[string]struct {
		data   []byte
		format int
		count  int
		want   string
	}{
		"not gzip":   {[]byte("plain text"), 1, 10, "corrupt findings document"},
		"truncated":  {good[:len(good)/2], 1, 10, "corrupt findings document"},
		"flipped":    {flipped, 1, 10, "corrupt findings document"},
		"count":      {good, 1, 11, "row says 11"},
		"severity":   {badSev, 1, 1, "corrupt findings document"},
		"new format": {good, 2, 10, "upgrade orgrail"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := db.Exec(`UPDATE finding_docs SET data = ?, format = ?, findings = ? WHERE run_id = ? AND rule_id = ?`,
				c.data, c.format, c.count, id, rule); err != nil {
				t.Fatal(err)
			}
			_, err := LoadRun(ctx, db, id)
			for _, want := range []string{fmt.Sprintf("run %d", id), rule, c.want} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("LoadRun error %v lacks %q", err, want)
				}
			}
			if name == "severity" {
				return // History reads status and muted only
			}
			_, err = History(ctx, db, "x", rule, 10)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("run %d", id)) || !strings.Contains(err.Error(), rule) {
				t.Fatalf("History error %v does not name the run and rule", err)
			}
		})
	}
}

// TestDocumentDecoderRejectsGarbage: arbitrary payloads behind a valid
// gzip stream end in an error, never a panic or a finding without id.
func TestDocumentDecoderRejectsGarbage(t *testing.T) {
	for _, p := range [][]byte{{}, {5}, {1, 0}, {1, 1, 200}, {1, 0xff, 0xff, 0xff, 0x7f}, {2, 1, 1, 'a'}, {1, 1, 1, 'a', 9}} {
		data := gzipOf(t, p)
		n := int64(0)
		if len(p) > 0 {
			n = int64(p[0])
		}
		r, err := openDoc(docFormat, data, n)
		for err == nil {
			var ok bool
			if ok, err = r.next(); !ok && err == nil {
				break
			}
		}
		if err == nil {
			t.Errorf("payload %v decoded without error", p)
		}
	}
}

func gzipOf(t *testing.T, p []byte) []byte {
	t.Helper()
	var w docWriter
	if err := w.compress(p); err != nil {
		t.Fatal(err)
	}
	return slices.Clone(w.out.Bytes())
}
