package trail

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Index keeps the "who, what, where, when" of every record in the state
// store's trail_index table, one trail_files row per log file (its path,
// and its version as size plus ETag or modification time in the etag
// column), so that a second query over the same archive reads only files
// that are new or changed.
type Index struct {
	db *sql.DB
}

// NewIndex uses the store's database (store.Open(...).DB()).
func NewIndex(db *sql.DB) *Index { return &Index{db: db} }

// IndexStats says what Update did.
type IndexStats struct {
	Listed    int   `json:"listed"`
	Indexed   int   `json:"indexed"`
	Unchanged int   `json:"unchanged"`
	Records   int64 `json:"records"`
}

// indexRow is one trail_index row.
type indexRow struct {
	eventID, account, region, name, source, principal, ip, errorCode, resources string
	time                                                                        int64
	record                                                                      int
}

// indexChunk carries rows of one file from a worker to the writer.
type indexChunk struct {
	path  string
	obj   *Object
	rows  []indexRow
	final bool
	n     int
	err   error
}

const indexChunkRows = 4096

// sourcePath names an object in trail_files: an absolute path for a local
// file, s3://bucket/key for S3.
func sourcePath(src Source, obj *Object) string {
	if l, ok := src.(*Local); ok {
		p := filepath.Join(l.root, filepath.FromSlash(obj.Key))
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	return fileName(src, obj)
}

// SourcePrefix is the trail_files path prefix of a source's objects.
func SourcePrefix(src Source) string {
	if l, ok := src.(*Local); ok {
		p := l.root
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		if l.file != "" {
			return filepath.Join(p, l.file)
		}
		return strings.TrimSuffix(p, string(filepath.Separator)) + string(filepath.Separator)
	}
	return strings.TrimSuffix(src.String(), "/") + "/"
}

// Update lists src with the filter and indexes the files that are not in
// the index at their current version. Unreadable files are returned and
// left out of the index, so the next Update tries them again.
func (ix *Index) Update(ctx context.Context, src Source, opts IngestOptions) (IndexStats, []FileError, error) {
	var st IndexStats
	known, err := ix.versions(ctx, SourcePrefix(src))
	if err != nil {
		return st, nil, err
	}
	// The filter prunes the listing; every record of a listed file is
	// indexed, so later queries with other bounds can use it.
	f := opts.Filter
	list := func(ctx context.Context, fn func(Object) error) error {
		return src.List(ctx, &f, KindLog, func(o Object) error {
			st.Listed++
			if known[sourcePath(src, &o)] == o.Version() {
				st.Unchanged++
				return nil
			}
			return fn(o)
		})
	}
	chunks := make(chan indexChunk, 16)
	werr := make(chan error, 1)
	go func() { werr <- ix.write(ctx, chunks) }()
	in := IngestOptions{Workers: opts.Workers, MaxRecord: opts.MaxRecord}
	ist, ferrs, err := IngestFrom(ctx, src, list, in, func() Handler { return &indexHandler{src: src, out: chunks} })
	close(chunks)
	if werr := <-werr; err == nil {
		err = werr
	}
	st.Indexed = int(ist.Files - ist.Failed)
	st.Records = ist.Records
	return st, ferrs, err
}

// versions returns path → version of the indexed files under prefix.
func (ix *Index) versions(ctx context.Context, prefix string) (map[string]string, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT path, COALESCE(etag, '') FROM trail_files WHERE substr(path, 1, ?) = ?`, len(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("trail index: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var p, v string
		if err := rows.Scan(&p, &v); err != nil {
			return nil, fmt.Errorf("trail index: %w", err)
		}
		out[p] = v
	}
	return out, rows.Err()
}

// indexHandler turns one worker's records into rows.
type indexHandler struct {
	src  Source
	out  chan<- indexChunk
	rows []indexRow
}

func (h *indexHandler) Record(obj *Object, rec *Record) error {
	r := indexRow{
		eventID: Text(rec.EventID), account: Text(rec.Account()), region: Text(rec.AWSRegion),
		name: Text(rec.EventName), source: Text(rec.EventSource), principal: rec.Principal(),
		ip: Text(rec.SourceIPAddr), errorCode: Text(rec.ErrorCode), record: rec.Index,
		resources: strings.Join(rec.ResourceNames(), " "),
	}
	if r.account == "" {
		r.account = obj.Loc.Account
	}
	if t, err := time.Parse(time.RFC3339, Text(rec.EventTime)); err == nil {
		r.time = t.UnixMilli()
	}
	h.rows = append(h.rows, r)
	if len(h.rows) >= indexChunkRows {
		h.out <- indexChunk{path: sourcePath(h.src, obj), obj: obj, rows: h.rows}
		h.rows = nil
	}
	return nil
}

func (h *indexHandler) EndFile(obj *Object, n int, err error) {
	h.out <- indexChunk{path: sourcePath(h.src, obj), obj: obj, rows: h.rows, final: true, n: n, err: err}
	h.rows = nil
}

// write is the single writer: it replaces each file's rows, and records
// the file's version only once its last row is in, so an interrupted
// index is redone.
func (ix *Index) write(ctx context.Context, chunks <-chan indexChunk) error {
	var failed error
	ids := map[string]int64{}
	var tx *sql.Tx
	pending := 0
	commit := func() error {
		if tx == nil {
			return nil
		}
		err := tx.Commit()
		tx, pending = nil, 0
		return err
	}
	for c := range chunks {
		if failed != nil {
			continue // drain
		}
		if tx == nil {
			var err error
			if tx, err = ix.db.BeginTx(ctx, nil); err != nil {
				failed = fmt.Errorf("trail index: %w", err)
				continue
			}
		}
		if err := ix.writeChunk(ctx, tx, ids, c); err != nil {
			tx.Rollback()
			tx = nil
			failed = fmt.Errorf("trail index: %s: %w", c.path, err)
			continue
		}
		pending += len(c.rows) + 1
		if pending >= 50000 {
			if err := commit(); err != nil {
				failed = fmt.Errorf("trail index: %w", err)
			}
		}
	}
	if failed != nil {
		if tx != nil {
			tx.Rollback()
		}
		return failed
	}
	if err := commit(); err != nil {
		return fmt.Errorf("trail index: %w", err)
	}
	return nil
}

func (ix *Index) writeChunk(ctx context.Context, tx *sql.Tx, ids map[string]int64, c indexChunk) error {
	id, ok := ids[c.path]
	if !ok {
		if _, err := tx.ExecContext(ctx, `DELETE FROM trail_index WHERE file_id IN (SELECT id FROM trail_files WHERE path = ?)`, c.path); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO trail_files (path, etag, size, records, indexed_at) VALUES (?, '', ?, 0, ?)
ON CONFLICT (path) DO UPDATE SET etag = '', size = excluded.size, records = 0, indexed_at = excluded.indexed_at
RETURNING id`, c.path, c.obj.Size, time.Now().UnixMilli()).Scan(&id)
		if err != nil {
			return err
		}
		ids[c.path] = id
	}
	if err := insertRows(ctx, tx, id, c.path, c.rows); err != nil {
		return err
	}
	if !c.final {
		return nil
	}
	delete(ids, c.path)
	if c.err != nil {
		// Leave no version: the file is read again next time.
		_, err := tx.ExecContext(ctx, `DELETE FROM trail_index WHERE file_id = ?`, id)
		if err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM trail_files WHERE id = ?`, id)
		}
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE trail_files SET etag = ?, records = ? WHERE id = ?`, c.obj.Version(), c.n, id)
	return err
}

// indexRowsPerInsert is how many records one INSERT statement carries
// (twelve parameters each, far under SQLite's 32,766).
const indexRowsPerInsert = 100

// insertRows writes one file's rows with multi-row INSERTs: a prepared
// statement of indexRowsPerInsert rows, and one for the remainder.
func insertRows(ctx context.Context, tx *sql.Tx, id int64, path string, rows []indexRow) error {
	const head = `INSERT OR IGNORE INTO trail_index
(event_id, event_time, account, region, event_name, event_source, principal, source_ip, error_code, resources, file_id, record) VALUES `
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	args := make([]any, 0, indexRowsPerInsert*12)
	for start := 0; start < len(rows); start += indexRowsPerInsert {
		batch := rows[start:min(start+indexRowsPerInsert, len(rows))]
		st := stmts[len(batch)]
		if st == nil {
			q := head + strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?,?,?,?,?,?,?),", len(batch)), ",")
			var err error
			if st, err = tx.PrepareContext(ctx, q); err != nil {
				return err
			}
			stmts[len(batch)] = st
		}
		args = args[:0]
		for _, r := range batch {
			eid := r.eventID
			if eid == "" {
				eid = fmt.Sprintf("%s#%d", path, r.record)
			}
			args = append(args, eid, r.time, r.account, r.region, r.name, r.source,
				nullable(r.principal), nullable(r.ip), nullable(r.errorCode), nullable(r.resources), id, r.record)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
