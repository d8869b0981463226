package trail

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// ParquetRow is one CloudTrail record as exported to Parquet. Column
// names are snake_case for Athena; the partition keys (account, region,
// date) are in the directory names, not in the files, and the full
// record is kept as JSON in the record column.
type ParquetRow struct {
	EventTime          time.Time `parquet:"event_time,timestamp(millisecond)"`
	EventID            string    `parquet:"event_id"`
	EventSource        string    `parquet:"event_source,dict"`
	EventName          string    `parquet:"event_name,dict"`
	EventType          string    `parquet:"event_type,dict"`
	AWSRegion          string    `parquet:"aws_region,dict"`
	RecipientAccountID string    `parquet:"recipient_account_id,dict"`
	PrincipalARN       string    `parquet:"principal_arn,dict"`
	IdentityType       string    `parquet:"identity_type,dict"`
	PrincipalID        string    `parquet:"principal_id,dict"`
	SourceIPAddress    string    `parquet:"source_ip_address,dict"`
	ErrorCode          string    `parquet:"error_code,dict"`
	RequestParameters  string    `parquet:"request_parameters"`
	Resources          string    `parquet:"resources"`
	Record             string    `parquet:"record"`
}

// ExportOptions configures Export.
type ExportOptions struct {
	IngestOptions
	// Dir is the output directory; partitions are created under it.
	Dir string
	// RowsPerFile caps one Parquet file (default 250,000 rows).
	RowsPerFile int
	// BufferRows caps the rows a worker holds before writing (default
	// 100,000), which bounds memory whatever the archive's size.
	BufferRows int
}

// ExportResult says what Export wrote.
type ExportResult struct {
	Stats      Stats       `json:"stats"`
	Rows       int64       `json:"rows"`
	Files      []string    `json:"files"`
	Partitions int         `json:"partitions"`
	Errors     []FileError `json:"errors"`
	Partial    bool        `json:"partial"`
}

// Export writes the records of src as Parquet, partitioned Hive-style
// account=<id>/region=<region>/date=YYYY-MM-DD/ by each record's account,
// region and event date, Zstandard-compressed. File names carry the
// worker and a sequence number, so a second export into the same
// directory adds files rather than overwriting.
func Export(ctx context.Context, src Source, opts ExportOptions) (*ExportResult, error) {
	if opts.RowsPerFile <= 0 {
		opts.RowsPerFile = 250000
	}
	if opts.BufferRows <= 0 {
		opts.BufferRows = 100000
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	f := opts.Filter
	list := func(ctx context.Context, fn func(Object) error) error { return src.List(ctx, &f, KindLog, fn) }
	run := fmt.Sprintf("%d", time.Now().UnixNano())
	var (
		mu       sync.Mutex
		handlers []*exportHandler
	)
	newHandler := func() Handler {
		mu.Lock()
		defer mu.Unlock()
		h := &exportHandler{opts: &opts, worker: len(handlers), run: run, parts: map[string][]ParquetRow{}}
		handlers = append(handlers, h)
		return h
	}
	st, ferrs, err := IngestFrom(ctx, src, list, opts.IngestOptions, newHandler)
	res := &ExportResult{Stats: st, Errors: ferrs, Partial: len(ferrs) > 0}
	if err != nil {
		return res, err
	}
	parts := map[string]bool{}
	for _, h := range handlers {
		if err := h.flushAll(); err != nil {
			return res, err
		}
		if h.err != nil {
			return res, h.err
		}
		res.Rows += h.rows
		res.Files = append(res.Files, h.files...)
		for p := range h.seen {
			parts[p] = true
		}
	}
	sort.Strings(res.Files)
	res.Partitions = len(parts)
	return res, nil
}

// exportHandler buffers one worker's rows by partition.
type exportHandler struct {
	opts     *ExportOptions
	worker   int
	run      string
	parts    map[string][]ParquetRow
	buffered int
	seq      int
	rows     int64
	files    []string
	seen     map[string]bool
	err      error
}

func (h *exportHandler) Record(obj *Object, rec *Record) error {
	if h.err != nil {
		return h.err
	}
	t, _ := time.Parse(time.RFC3339, Text(rec.EventTime))
	row := ParquetRow{
		EventTime: t.UTC(), EventID: Text(rec.EventID), EventSource: Text(rec.EventSource),
		EventName: Text(rec.EventName), EventType: Text(rec.EventType), AWSRegion: Text(rec.AWSRegion),
		RecipientAccountID: Text(rec.Account()), PrincipalARN: Text(rec.UserARN), IdentityType: Text(rec.UserType),
		PrincipalID: Text(rec.PrincipalID), SourceIPAddress: Text(rec.SourceIPAddr), ErrorCode: Text(rec.ErrorCode),
		RequestParameters: string(rec.RequestParameters), Resources: string(rec.Resources), Record: string(rec.Raw),
	}
	account := row.RecipientAccountID
	if account == "" {
		account = obj.Loc.Account
	}
	region := row.AWSRegion
	if region == "" {
		region = obj.Loc.Region
	}
	date := "unknown"
	if !t.IsZero() {
		date = t.UTC().Format("2006-01-02")
	}
	part := "account=" + partAccount(account) + "/region=" + partRegion(region) + "/date=" + date
	h.parts[part] = append(h.parts[part], row)
	h.buffered++
	if len(h.parts[part]) >= h.opts.RowsPerFile {
		h.err = h.flush(part)
	} else if h.buffered >= h.opts.BufferRows {
		h.err = h.flushLargest()
	}
	return h.err
}

func (h *exportHandler) EndFile(*Object, int, error) {}

// partAccount is the account partition: a record's account id when it
// is one (12 digits), "unknown" when the record has none, "invalid"
// otherwise. Record fields are written by callers and become directory
// names; the row keeps the value as it was.
func partAccount(s string) string {
	switch {
	case s == "":
		return "unknown"
	case s == snapshot.AWSAccount || snapshot.CheckAccount(s) != nil:
		return "invalid"
	}
	return s
}

// partRegion is partAccount for the region partition.
func partRegion(s string) string {
	switch {
	case s == "":
		return "unknown"
	case s == snapshot.Global || snapshot.CheckRegion(s) != nil:
		return "invalid"
	}
	return s
}

func (h *exportHandler) flushLargest() error {
	for h.buffered >= h.opts.BufferRows/2 {
		best, n := "", -1
		for p, rows := range h.parts {
			if len(rows) > n {
				best, n = p, len(rows)
			}
		}
		if err := h.flush(best); err != nil {
			return err
		}
	}
	return nil
}

func (h *exportHandler) flushAll() error {
	keys := make([]string, 0, len(h.parts))
	for p := range h.parts {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		if err := h.flush(p); err != nil {
			return err
		}
	}
	return nil
}

// flush writes a partition's buffered rows, sorted by time, to a new file.
func (h *exportHandler) flush(part string) error {
	rows := h.parts[part]
	delete(h.parts, part)
	h.buffered -= len(rows)
	if len(rows) == 0 {
		return nil
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].EventTime.Before(rows[j].EventTime) })
	dir, err := snapshot.Within(h.opts.Dir, filepath.FromSlash(part))
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	h.seq++
	p := filepath.Join(dir, fmt.Sprintf("part-%s-%02d-%05d.parquet", h.run, h.worker, h.seq))
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	w := parquet.NewGenericWriter[ParquetRow](f, parquet.Compression(&parquet.Zstd))
	if _, err := w.Write(rows); err != nil {
		f.Close()
		return fmt.Errorf("export %s: %w", p, err)
	}
	if err := w.Close(); err != nil {
		f.Close()
		return fmt.Errorf("export %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export %s: %w", p, err)
	}
	if h.seen == nil {
		h.seen = map[string]bool{}
	}
	h.seen[part] = true
	h.rows += int64(len(rows))
	h.files = append(h.files, p)
	return nil
}
