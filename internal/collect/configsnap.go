package collect

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/safetext"
	"github.com/orgrail/orgrail/internal/sizecap"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// ConfigOptions configure building a snapshot from AWS Config files.
type ConfigOptions struct {
	Out     string // snapshot directory (or its parent)
	OrgFrom string // a snapshot whose org.json to reuse; optional
	Version string
	// AWS is used for s3:// sources.
	AWS aws.Config
}

// FromConfigSnapshots builds a snapshot, without assuming any role, from
// the configuration snapshots AWS Config delivers to the Log Archive
// bucket (AWSLogs/<account>/Config/<region>/YYYY/M/D/ConfigSnapshot/),
// read from a local directory or s3://bucket/prefix. The latest snapshot
// file of each account and region is used. The manifest lists what this
// source cannot give.
func FromConfigSnapshots(ctx context.Context, source string, opts ConfigOptions) (*Result, error) {
	files, open, err := configSource(ctx, source, opts.AWS)
	if err != nil {
		return nil, err
	}
	latest := latestSnapshots(files)
	if len(latest) == 0 {
		return nil, fmt.Errorf("%s: no AWS Config snapshot files (AWSLogs/<account>/Config/<region>/…/ConfigSnapshot/*.json.gz)", source)
	}
	b := newBuilder()
	var gaps []snapshot.Gap
	for _, name := range latest {
		acct, region := configFileScope(name)
		if err := checkConfigScope(acct, region); err != nil {
			gaps = append(gaps, snapshot.Gap{Account: "unknown", Error: fmt.Sprintf("%s: %v", safetext.Quote(name), err)})
			continue
		}
		err := streamConfigFile(open, name, func(ci *ConfigurationItem) error {
			if ci.AWSAccountID == "" {
				ci.AWSAccountID = acct
			}
			if ci.AWSRegion == "" {
				ci.AWSRegion = region
			}
			return b.addItem(ci)
		})
		if err != nil {
			err = fmt.Errorf("%s: %w", name, err)
			gaps = append(gaps, snapshot.Gap{Account: acct, Region: region, Error: err.Error()})
		}
		if b.accts[acct] == nil {
			b.accts[acct] = map[string]bool{}
		}
		b.accts[acct][region] = true
	}
	return b.commit(opts, gaps)
}

func (b *builder) commit(opts ConfigOptions, gaps []snapshot.Gap) (*Result, error) {
	o, err := configOrg(opts.OrgFrom, b.accts)
	if err != nil {
		return nil, err
	}
	dir := opts.Out
	if filepath.Base(dir) != "snapshot" {
		dir = filepath.Join(dir, "snapshot")
	}
	w, err := snapshot.Create(dir, o)
	if err != nil {
		return nil, err
	}
	cov := map[string]*snapshot.Coverage{}
	keys := make([]string, 0, len(b.files))
	for k := range b.files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := b.files[k]
		for op, lists := range b.lists[k] {
			if err := f.Set(op, lists); err != nil {
				return nil, err
			}
		}
		markConfigGaps(f)
		if err := w.WriteService(f); err != nil {
			return nil, err
		}
		c := cov[f.Account]
		if c == nil {
			c = &snapshot.Coverage{Account: f.Account}
			cov[f.Account] = c
		}
		if !contains(c.Services, f.Service) {
			c.Services = append(c.Services, f.Service)
		}
	}
	m := &snapshot.Manifest{OrgID: o.Id, CollectedAt: time.Now().UTC(), OrgrailVersion: opts.Version,
		Source: "config-snapshots", Partition: o.Partition(), Gaps: gaps, Unavailable: configUnavailable}
	for acct, regions := range b.accts {
		c := cov[acct]
		if c == nil {
			c = &snapshot.Coverage{Account: acct}
		}
		for r := range regions {
			c.Regions = append(c.Regions, r)
		}
		sort.Strings(c.Regions)
		sort.Strings(c.Services)
		m.Coverage = append(m.Coverage, *c)
	}
	if err := w.Commit(m); err != nil {
		return nil, err
	}
	return &Result{Dir: dir, Manifest: m}, nil
}

// configOrg reuses an existing snapshot's org.json, or lists the
// accounts found as a standalone organization.
func configOrg(from string, accts map[string]map[string]bool) (*org.Organization, error) {
	if from != "" {
		s, err := snapshot.Open(from)
		if err != nil {
			return nil, fmt.Errorf("--org-from: %w", err)
		}
		return s.Org, nil
	}
	o := &org.Organization{Id: "unknown"}
	ids := make([]string, 0, len(accts))
	for a := range accts {
		ids = append(ids, a)
	}
	sort.Strings(ids)
	for _, id := range ids {
		o.Accounts = append(o.Accounts, org.Account{Id: id, Name: id, Status: org.StatusActive})
	}
	return o, o.Index()
}

// checkConfigScope checks the account and region of a Config delivery
// path (AWSLogs/<account>/Config/<region>/…): they name directories.
func checkConfigScope(account, region string) error {
	if account == snapshot.AWSAccount || snapshot.CheckAccount(account) != nil {
		return fmt.Errorf("not a Config delivery path: account id %s is not 12 digits", safetext.Quote(account))
	}
	if region == snapshot.Global || snapshot.CheckRegion(region) != nil {
		return fmt.Errorf("not a Config delivery path: region %s is not an AWS region name", safetext.Quote(region))
	}
	return nil
}

// configFileScope reads account and region from a Config delivery path.
func configFileScope(name string) (account, region string) {
	parts := strings.Split(filepath.ToSlash(name), "/")
	for i := 0; i+3 < len(parts); i++ {
		if parts[i] == "AWSLogs" {
			account = parts[i+1]
			if parts[i+2] == "Config" {
				region = parts[i+3]
			}
			return
		}
	}
	return
}

// latestSnapshots keeps the newest ConfigSnapshot file per account and
// region (file names carry the delivery time after a common prefix).
func latestSnapshots(files []string) []string {
	best := map[string]string{}
	for _, f := range files {
		if !strings.Contains(filepath.ToSlash(f), "/ConfigSnapshot/") {
			continue
		}
		if !strings.HasSuffix(f, ".json.gz") && !strings.HasSuffix(f, ".json") {
			continue
		}
		a, r := configFileScope(f)
		if a == "" || r == "" {
			continue
		}
		k := a + "/" + r
		if path.Base(filepath.ToSlash(f)) > path.Base(filepath.ToSlash(best[k])) {
			best[k] = f
		}
	}
	out := make([]string, 0, len(best))
	for _, f := range best {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// readConfigFile reads a whole Config snapshot file (for tests and
// tools; the builder streams items with streamConfigFile).
func readConfigFile(open func(string) (io.ReadCloser, error), name string) (*ConfigSnapshotFile, error) {
	doc := &ConfigSnapshotFile{}
	err := streamConfigFile(open, name, func(ci *ConfigurationItem) error {
		doc.ConfigurationItems = append(doc.ConfigurationItems, *ci)
		return nil
	})
	return doc, err
}

// maxConfigItem bounds one configuration item. AWS Config items are
// kilobytes to a few megabytes (a role with large inline policies); an
// item of 64 MiB is not one, and decoding it would only cost memory.
const maxConfigItem = 64 << 20

// streamConfigFile reads a Config snapshot file (gzip or not) item by
// item: memory holds one item, the decompressed size is capped
// (sizecap.MaxDecompressed), and so is each item's size.
func streamConfigFile(open func(string) (io.ReadCloser, error), name string, fn func(*ConfigurationItem) error) error {
	rc, err := open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("not a gzip file: %w", err)
		}
		r = zr
	}
	item := &itemBudget{r: &squeezeSpace{r: sizecap.Reader(r, sizecap.MaxDecompressed())}}
	dec := json.NewDecoder(item)
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return configReadError(err)
		}
		if key, _ := tok.(string); key != "configurationItems" {
			item.reset()
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return configReadError(err)
			}
			continue
		}
		if err := expectDelim(dec, '['); err != nil {
			return err
		}
		for n := 1; dec.More(); n++ {
			item.reset()
			var ci ConfigurationItem
			if err := dec.Decode(&ci); err != nil {
				return fmt.Errorf("configuration item %d: %w", n, configReadError(err))
			}
			if err := fn(&ci); err != nil {
				return err
			}
		}
		if err := expectDelim(dec, ']'); err != nil {
			return err
		}
	}
	return expectDelim(dec, '}')
}

// expectDelim reads one JSON delimiter.
func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return configReadError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("invalid JSON: want %s, found %s", want, safetext.Quote(fmt.Sprint(tok)))
	}
	return nil
}

// configReadError names what went wrong reading a Config file.
func configReadError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, sizecap.ErrTooLarge), errors.Is(err, errItemTooLarge):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, gzip.ErrChecksum), errors.As(err, &se) && strings.Contains(err.Error(), "unexpected end"):
		return fmt.Errorf("corrupt or truncated data: %w", err)
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON: %w", err)
	}
	return fmt.Errorf("corrupt or truncated gzip data: %w", err)
}

// squeezeSpace collapses each run of JSON whitespace outside strings to
// one byte. encoding/json's Decoder rescans a run of whitespace from its
// start on every refill, so a file of a gigabyte of spaces would cost
// hours of CPU; squeezed, it costs one pass.
type squeezeSpace struct {
	r        io.Reader
	inString bool
	escaped  bool
	space    bool // the last byte passed on was whitespace outside a string
}

func (s *squeezeSpace) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		w := 0
		for _, c := range p[:n] {
			switch {
			case s.inString:
				s.inString = s.escaped || c != '"'
				s.escaped = !s.escaped && c == '\\'
			case c == ' ' || c == '\t' || c == '\n' || c == '\r':
				if s.space {
					continue
				}
				s.space = true
				p[w] = c
				w++
				continue
			case c == '"':
				s.inString = true
			}
			s.space = false
			p[w] = c
			w++
		}
		if w > 0 || err != nil {
			return w, err
		}
	}
}

var errItemTooLarge = fmt.Errorf("a configuration item larger than %d MiB", maxConfigItem>>20)

// itemBudget fails once more than maxConfigItem bytes are read without
// a reset (the decoder reads ahead a little; the budget is generous).
type itemBudget struct {
	r    io.Reader
	used int64
}

func (b *itemBudget) reset() { b.used = 0 }

func (b *itemBudget) Read(p []byte) (int, error) {
	if b.used > maxConfigItem {
		return 0, errItemTooLarge
	}
	n, err := b.r.Read(p)
	b.used += int64(n)
	return n, err
}

// configSource lists the files of a local directory or an S3 prefix and
// returns a reader for them.
func configSource(ctx context.Context, source string, cfg aws.Config) ([]string, func(string) (io.ReadCloser, error), error) {
	if rest, ok := strings.CutPrefix(source, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		var keys []string
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", source, err)
			}
			for _, o := range pg.Contents {
				keys = append(keys, aws.ToString(o.Key))
			}
		}
		read := func(key string) (io.ReadCloser, error) {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
			if err != nil {
				return nil, fmt.Errorf("s3://%s/%s: %w", bucket, key, err)
			}
			return out.Body, nil
		}
		return keys, read, nil
	}
	var files []string
	err := filepath.WalkDir(source, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", source, err)
	}
	return files, func(name string) (io.ReadCloser, error) { return os.Open(name) }, nil
}

// WriteConfigSnapshots writes, for every account and region of s, the
// configuration snapshot AWS Config would deliver for the resources
// orgrail reads, in the Log Archive layout under dir. It is the inverse
// of FromConfigSnapshots, used to test it and to replay snapshots.
func WriteConfigSnapshots(s *snapshot.Snapshot, dir string, at time.Time) error {
	for _, a := range s.Org.Accounts {
		regions := s.Regions(a.Id)
		for i, region := range regions {
			doc := ConfigSnapshotFile{FileVersion: "1.0", ConfigSnapshotID: fmt.Sprintf("%s-%s", a.Id, region)}
			emit := func(ci ConfigurationItem, v any) error {
				raw, err := configJSON(v)
				if err != nil {
					return err
				}
				ci.Configuration, ci.AWSAccountID = raw, a.Id
				if ci.AWSRegion == "" {
					ci.AWSRegion = region
				}
				ci.ConfigurationItemVersion, ci.ConfigurationItemStatus, ci.ConfigurationItemCaptureTime = "1.3", "OK", at
				doc.ConfigurationItems = append(doc.ConfigurationItems, ci)
				return nil
			}
			scopes := []string{region}
			if i == 0 {
				// Global resources are delivered with the first region.
				scopes = append(scopes, snapshot.Global)
			}
			for _, scope := range scopes {
				if err := writeListKinds(s, a.Id, scope, emit); err != nil {
					return err
				}
				if err := writeSpecial(s, a.Id, scope, emit); err != nil {
					return err
				}
			}
			if err := writeConfigFile(dir, a.Id, region, at, &doc); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeListKinds(s *snapshot.Snapshot, account, scope string, emit func(ConfigurationItem, any) error) error {
	for _, k := range listKinds {
		if k.Global != (scope == snapshot.Global) {
			continue
		}
		f, err := s.Service(account, scope, k.Service)
		if err != nil {
			continue
		}
		var fields map[string]json.RawMessage
		var items []json.RawMessage
		raw, ok := f.Operations[k.Op]
		if !ok || json.Unmarshal(raw, &fields) != nil {
			continue
		}
		if err := json.Unmarshal(fields[k.List], &items); err != nil && fields[k.List] != nil {
			return fmt.Errorf("%s %s %s: %w", account, k.Op, k.List, err)
		}
		for _, itemRaw := range items {
			item := k.New()
			if err := json.Unmarshal(itemRaw, item); err != nil {
				return fmt.Errorf("%s %s: %w", account, k.ResourceType, err)
			}
			ci := ConfigurationItem{ResourceType: k.ResourceType, ResourceID: k.ID(item)}
			if k.Global {
				ci.AWSRegion = "global"
			}
			writeListSuppl(f, &ci)
			if err := emit(ci, item); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeConfigFile(dir, account, region string, at time.Time, doc *ConfigSnapshotFile) error {
	if err := checkConfigScope(account, region); err != nil {
		return err
	}
	rel := filepath.Join("AWSLogs", account, "Config", region, at.Format("2006/1/2"), "ConfigSnapshot",
		fmt.Sprintf("%s_Config_%s_ConfigSnapshot_%s_%s.json.gz", account, region, at.Format("20060102T150405Z"), doc.ConfigSnapshotID))
	p, err := snapshot.Within(dir, rel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), snapshot.DirMode); err != nil {
		return err
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(p, buf.Bytes(), snapshot.FileMode)
}
