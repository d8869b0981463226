package trail

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"

	"github.com/orgrail/orgrail/internal/sizecap"
)

// DefaultMaxRecord is the largest record, in bytes, a Decoder accepts.
// CloudTrail caps a record at 256 KB (larger request and response
// elements are omitted), so this leaves ample room while keeping memory
// bounded.
const DefaultMaxRecord = 8 << 20

const windowSize = 256 << 10

// Errors a Decoder reports; they are wrapped in a *DecodeError.
var (
	// ErrUnknownLayout: the document is neither {"Records":[...]} nor a
	// JSON array of records.
	ErrUnknownLayout = errors.New("not CloudTrail records: want {\"Records\": [...]} or a JSON array")
	// ErrSyntax: the document is not valid JSON.
	ErrSyntax = errors.New("invalid JSON")
	// ErrTooLarge: one record exceeds the size limit. The decoder skips it
	// and can go on with the next record.
	ErrTooLarge = errors.New("record too large")
	// ErrTruncated: the input ended inside the document (a cut file or a
	// truncated gzip stream).
	ErrTruncated = errors.New("unexpected end of input")
	// ErrCorrupt: the gzip stream is damaged (bad header or checksum).
	ErrCorrupt = errors.New("corrupt gzip stream")
)

// DecodeError locates a decoding problem: the byte offset in the
// (decompressed) document and the index of the record, counting from 0.
type DecodeError struct {
	Offset int64
	Record int
	Detail string
	Err    error
}

func (e *DecodeError) Error() string {
	s := fmt.Sprintf("record %d (byte %d): %v", e.Record, e.Offset, e.Err)
	if e.Record < 0 {
		s = fmt.Sprintf("byte %d: %v", e.Offset, e.Err)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Decoder reads CloudTrail records one at a time from a log file —
// gzip-compressed or not, {"Records":[...]} or a bare array — holding at
// most one record and a fixed window in memory. It never builds a tree of
// the document: each record's bytes are located by a streaming
// tokenizer, then validated and the envelope fields picked out of them.
//
// A Decoder is not safe for concurrent use; Reset reuses its buffers for
// the next file.
type Decoder struct {
	// MaxRecord is the size limit of one record (DefaultMaxRecord if 0).
	MaxRecord int

	br  *bufio.Reader
	gz  *gzip.Reader
	src io.Reader

	buf  []byte
	r, w int
	off  int64 // offset of buf[0] in the document
	rerr error // read error once the input is exhausted

	state   decState
	lines   bool // JSON Lines of EventBridge events
	wrapped bool // top level is {"Records": [...]}
	index   int
	rec     Record
}

type decState uint8

const (
	stStart decState = iota
	stFirst          // inside the array, before the first element
	stNext           // inside the array, after an element
	stTail           // after the array inside {"Records": ...}
	stDone
	stFailed
)

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader) *Decoder {
	d := &Decoder{}
	d.Reset(r)
	return d
}

// Reset makes the decoder read a new file, keeping its buffers.
func (d *Decoder) Reset(r io.Reader) {
	if d.br == nil {
		d.br = bufio.NewReaderSize(r, 64<<10)
		d.buf = make([]byte, windowSize)
	} else {
		d.br.Reset(r)
	}
	d.src = nil
	d.r, d.w, d.off, d.rerr = 0, 0, 0, nil
	d.state, d.wrapped, d.index, d.lines = stStart, false, 0, false
}

// ResetEvents makes the decoder read a file of EventBridge events, one
// JSON object per line (what an EventBridge rule delivers, and the demo's
// events/*.jsonl). Each record then has Envelope set and Raw is the
// event's detail.
func (d *Decoder) ResetEvents(r io.Reader) {
	d.Reset(r)
	d.lines = true
}

// open detects gzip by its magic bytes.
func (d *Decoder) open() error {
	magic, _ := d.br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		var err error
		if d.gz == nil {
			d.gz, err = gzip.NewReader(d.br)
		} else {
			err = d.gz.Reset(d.br)
		}
		if err != nil {
			return err
		}
		// A log file of a few megabytes that inflates to gigabytes is
		// a bomb, not a log: stop at the cap.
		d.src = sizecap.Reader(d.gz, sizecap.MaxDecompressed())
		return nil
	}
	d.src = d.br
	return nil
}

// fill reads more input into the window, keeping bytes from keep on. It
// returns false when no more input is coming.
func (d *Decoder) fill(keep int) bool {
	if d.rerr != nil {
		return false
	}
	if keep > 0 {
		n := copy(d.buf, d.buf[keep:d.w])
		d.off += int64(keep)
		d.r -= keep
		d.w = n
	}
	if d.w == len(d.buf) {
		// Only a caller keeping a whole window gets here; grow.
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[:d.w])
		d.buf = nb
	}
	for {
		n, err := d.src.Read(d.buf[d.w:])
		d.w += n
		if err != nil {
			if errors.Is(err, io.EOF) {
				d.rerr = io.EOF
			} else {
				d.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// peek returns the next non-space byte without consuming it.
func (d *Decoder) peek() (byte, bool) {
	for {
		for d.r < d.w {
			c := d.buf[d.r]
			if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
				return c, true
			}
			d.r++
		}
		if !d.fill(d.r) {
			return 0, false
		}
	}
}

func (d *Decoder) fail(err error, detail string) error {
	rec := d.index
	if d.state != stFirst && d.state != stNext {
		rec = -1 // outside the records array
	}
	d.state = stFailed
	return &DecodeError{Offset: d.off + int64(d.r), Record: rec, Detail: detail, Err: err}
}

// endErr reports the end of input inside the document, or the read error
// that ended it.
func (d *Decoder) endErr() error {
	switch {
	case d.rerr == nil || errors.Is(d.rerr, io.EOF):
		return d.fail(ErrTruncated, "")
	case errors.Is(d.rerr, io.ErrUnexpectedEOF):
		return d.fail(ErrTruncated, "the gzip stream ends early")
	case errors.Is(d.rerr, sizecap.ErrTooLarge):
		return d.fail(d.rerr, "")
	case d.gz != nil && d.src != d.br:
		return d.fail(ErrCorrupt, d.rerr.Error())
	}
	return d.fail(d.rerr, "")
}

// Next returns the next record, or io.EOF after the last. The record and
// its bytes are valid until the next call. After an ErrTooLarge error
// Next may be called again; after any other error the file is abandoned.
func (d *Decoder) Next() (*Record, error) {
	if d.lines {
		return d.nextEvent()
	}
	switch d.state {
	case stStart:
		if err := d.start(); err != nil {
			return nil, err
		}
	case stDone:
		return nil, io.EOF
	case stFailed:
		return nil, errors.New("decoder: Next after a fatal error")
	}
	for {
		c, ok := d.peek()
		if !ok {
			return nil, d.endErr()
		}
		switch d.state {
		case stNext:
			if c == ']' {
				d.r++
				return nil, d.finish()
			}
			if c != ',' {
				return nil, d.fail(ErrSyntax, fmt.Sprintf("want , or ] after a record, found %q", c))
			}
			d.r++
			if c, ok = d.peek(); !ok {
				return nil, d.endErr()
			}
		case stFirst:
			if c == ']' {
				d.r++
				return nil, d.finish()
			}
		}
		d.state = stNext
		return d.record(c)
	}
}

// record parses one array element, which must be an object, in place in
// the window: the window grows (up to the size limit) until it holds the
// whole record, and the parse is redone after each refill. A record over
// the limit is skipped without being held in memory.
func (d *Decoder) record(c byte) (*Record, error) {
	idx := d.index
	if c != '{' {
		return nil, d.fail(ErrSyntax, fmt.Sprintf("a record must be a JSON object, found %q", c))
	}
	max := d.MaxRecord
	if max <= 0 {
		max = DefaultMaxRecord
	}
	for {
		d.rec.reset(d.buf[d.r:d.w], idx)
		err := d.rec.parse()
		if err == nil {
			n := len(d.rec.Raw)
			start := d.off + int64(d.r)
			d.r += n
			d.index++
			if n > max {
				return nil, &DecodeError{Offset: start, Record: idx, Err: ErrTooLarge,
					Detail: fmt.Sprintf("%d bytes, limit %d; record skipped", n, max)}
			}
			return &d.rec, nil
		}
		if !errors.Is(err, errShort) {
			d.state = stFailed
			return nil, &DecodeError{Offset: d.off + int64(d.r) + int64(d.rec.errAt), Record: idx, Err: ErrSyntax, Detail: err.Error()}
		}
		if d.w-d.r > max {
			return nil, d.skipRecord(idx, max)
		}
		if !d.fill(d.r) {
			return nil, d.endErr()
		}
	}
}

// skipRecord passes over a record larger than max without keeping it.
func (d *Decoder) skipRecord(idx, max int) error {
	start := d.off + int64(d.r)
	_, size, err := d.capture(nil, 0)
	if err != nil {
		return err
	}
	d.index++
	return &DecodeError{Offset: start, Record: idx, Err: ErrTooLarge,
		Detail: fmt.Sprintf("%d bytes, limit %d; record skipped", size, max)}
}

// capture copies one JSON value (an object or array starting at d.r) into
// dst, up to max bytes; beyond that it keeps scanning without copying and
// returns the full size. Strings are tracked so that brackets inside them
// do not count.
func (d *Decoder) capture(dst []byte, max int) ([]byte, int64, error) {
	depth := 0
	inStr, esc := false, false
	var size int64
	start := d.r
	for {
		buf := d.buf[:d.w]
		i := d.r
		for ; i < len(buf); i++ {
			c := buf[i]
			if inStr {
				if esc {
					esc = false
				} else if c == '\\' {
					esc = true
				} else if c == '"' {
					inStr = false
				}
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					i++
					size += int64(i - start)
					if size <= int64(max) {
						dst = append(dst, buf[start:i]...)
					}
					d.r = i
					return dst, size, nil
				}
			}
		}
		size += int64(i - start)
		if size <= int64(max) {
			dst = append(dst, buf[start:i]...)
		}
		d.r = i
		if !d.fill(d.r) {
			return dst, size, d.endErr()
		}
		start = d.r
	}
}

// start reads the document's opening up to the first record.
func (d *Decoder) start() error {
	if err := d.open(); err != nil {
		d.state = stFailed
		kind := ErrCorrupt
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			kind = ErrTruncated
		}
		return &DecodeError{Record: -1, Err: kind, Detail: err.Error()}
	}
	c, ok := d.peek()
	if !ok {
		if d.rerr != nil && !errors.Is(d.rerr, io.EOF) {
			return d.endErr()
		}
		return d.fail(ErrUnknownLayout, "empty file")
	}
	switch c {
	case '[':
		d.r++
		d.state = stFirst
		return nil
	case '{':
		d.r++
		d.wrapped = true
		return d.seekRecords()
	}
	return d.fail(ErrUnknownLayout, fmt.Sprintf("document starts with %q", c))
}

// seekRecords walks the members of the top-level object until the
// "Records" array, skipping others.
func (d *Decoder) seekRecords() error {
	first := true
	for {
		c, ok := d.peek()
		if !ok {
			return d.endErr()
		}
		if c == '}' {
			return d.fail(ErrUnknownLayout, "no \"Records\" array in the top-level object")
		}
		if !first {
			if c != ',' {
				return d.fail(ErrSyntax, fmt.Sprintf("want , or } in the top-level object, found %q", c))
			}
			d.r++
		}
		first = false
		key, err := d.key()
		if err != nil {
			return err
		}
		if key == "Records" {
			c, ok := d.peek()
			if !ok {
				return d.endErr()
			}
			if c != '[' {
				return d.fail(ErrUnknownLayout, fmt.Sprintf("\"Records\" is not an array (starts with %q)", c))
			}
			d.r++
			d.state = stFirst
			return nil
		}
		if err := d.skipValue(); err != nil {
			return err
		}
	}
}

// key reads a member name and its colon. Names longer than 1 KiB are
// not CloudTrail's and are rejected.
func (d *Decoder) key() (string, error) {
	c, ok := d.peek()
	if !ok {
		return "", d.endErr()
	}
	if c != '"' {
		return "", d.fail(ErrSyntax, fmt.Sprintf("want a member name, found %q", c))
	}
	raw, size, err := d.captureString(1 << 10)
	if err != nil {
		return "", err
	}
	if size > 1<<10 {
		return "", d.fail(ErrUnknownLayout, "member name over 1 KiB")
	}
	if c, ok = d.peek(); !ok {
		return "", d.endErr()
	} else if c != ':' {
		return "", d.fail(ErrSyntax, fmt.Sprintf("want : after a member name, found %q", c))
	}
	d.r++
	return string(raw[1 : len(raw)-1]), nil
}

// captureString reads a string token including its quotes.
func (d *Decoder) captureString(max int) ([]byte, int, error) {
	var out []byte
	esc := false
	n := 0
	for first := true; ; first = false {
		i := d.r
		if first {
			i++ // the opening quote
		}
		for ; i < d.w; i++ {
			c := d.buf[i]
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				i++
				n += i - d.r
				if len(out)+i-d.r <= max+2 {
					out = append(out, d.buf[d.r:i]...)
				}
				d.r = i
				return out, n - 2, nil
			}
		}
		n += i - d.r
		if len(out)+i-d.r <= max+2 {
			out = append(out, d.buf[d.r:i]...)
		}
		d.r = i
		if !d.fill(d.r) {
			return nil, 0, d.endErr()
		}
	}
}

// skipValue skips one value of the top-level object (not Records).
func (d *Decoder) skipValue() error {
	c, ok := d.peek()
	if !ok {
		return d.endErr()
	}
	switch c {
	case '{', '[':
		_, _, err := d.capture(nil, 0)
		return err
	case '"':
		_, _, err := d.captureString(0)
		return err
	}
	// A scalar: read up to a delimiter.
	for {
		for d.r < d.w {
			switch d.buf[d.r] {
			case ',', '}', ']', ' ', '\n', '\r', '\t':
				return nil
			}
			d.r++
		}
		if !d.fill(d.r) {
			return d.endErr()
		}
	}
}

// finish checks what follows the records array: the rest of the wrapping
// object, then only white space.
func (d *Decoder) finish() error {
	if d.wrapped {
		for {
			c, ok := d.peek()
			if !ok {
				return d.endErr()
			}
			if c == '}' {
				d.r++
				break
			}
			if c != ',' {
				return d.fail(ErrSyntax, fmt.Sprintf("want , or } after Records, found %q", c))
			}
			d.r++
			if _, err := d.key(); err != nil {
				return err
			}
			if err := d.skipValue(); err != nil {
				return err
			}
		}
	}
	if c, ok := d.peek(); ok {
		return d.fail(ErrSyntax, fmt.Sprintf("data after the document (%q)", c))
	}
	if d.rerr != nil && !errors.Is(d.rerr, io.EOF) {
		return d.endErr()
	}
	d.state = stDone
	return io.EOF
}

// nextEvent reads the next EventBridge event of a JSON Lines file.
func (d *Decoder) nextEvent() (*Record, error) {
	switch d.state {
	case stStart:
		if err := d.open(); err != nil {
			d.state = stFailed
			return nil, &DecodeError{Record: -1, Err: ErrCorrupt, Detail: err.Error()}
		}
		d.state = stNext
	case stDone:
		return nil, io.EOF
	case stFailed:
		return nil, errors.New("decoder: Next after a fatal error")
	}
	c, ok := d.peek()
	if !ok {
		if d.rerr != nil && !errors.Is(d.rerr, io.EOF) {
			return nil, d.endErr()
		}
		d.state = stDone
		return nil, io.EOF
	}
	if c != '{' {
		return nil, d.fail(ErrSyntax, fmt.Sprintf("an event must be a JSON object, found %q", c))
	}
	max := d.MaxRecord
	if max <= 0 {
		max = DefaultMaxRecord
	}
	idx := d.index
	for {
		d.rec = Record{Index: idx, Raw: d.rec.Raw[:0]}
		n, err := d.rec.parseEnvelope(d.buf[d.r:d.w])
		if err == nil {
			d.r += n
			d.index++
			if n > max {
				return nil, &DecodeError{Offset: d.off + int64(d.r-n), Record: idx, Err: ErrTooLarge,
					Detail: fmt.Sprintf("%d bytes, limit %d; event skipped", n, max)}
			}
			return &d.rec, nil
		}
		if !errors.Is(err, errShort) {
			d.state = stFailed
			return nil, &DecodeError{Offset: d.off + int64(d.r), Record: idx, Err: ErrSyntax, Detail: err.Error()}
		}
		if d.w-d.r > max {
			return nil, d.skipRecord(idx, max)
		}
		if !d.fill(d.r) {
			return nil, d.endErr()
		}
	}
}
