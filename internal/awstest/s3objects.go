package awstest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rawResponse is a handler output that writes its own HTTP answer (S3
// object bodies and headers, which the generic serializers do not bind).
type rawResponse interface {
	writeResponse(w http.ResponseWriter, req *Request) error
}

// s3Objects is an in-memory S3 object store: buckets of objects, read and
// written through PutObject, GetObject, HeadObject and ListObjectsV2.
// Bucket names are global, as in S3; only the owning account may read
// or write a bucket (another account is refused with AccessDenied, as S3
// answers when no bucket policy grants it; see isolation.go).
type s3Objects struct {
	srv     *Server
	mu      sync.RWMutex
	buckets map[string]*s3Bucket
}

type s3Bucket struct {
	owner   string
	objects map[string]*s3Object
}

type s3Object struct {
	body     []byte
	etag     string // quoted hex MD5
	modified time.Time
	ctype    string
	crc32    string // base64 of the big-endian CRC-32, as S3 sends it
}

// ServeS3Objects makes the server store S3 objects: PutObject, GetObject,
// HeadObject and ListObjectsV2 (prefix, delimiter, pages). Buckets come
// into being with their first object. Listing a bucket with no stored
// objects falls back to the snapshot.
func (s *Server) ServeS3Objects() *s3Objects {
	return extension(s, "s3objects", func() *s3Objects { return &s3Objects{srv: s, buckets: map[string]*s3Bucket{}} },
		func(o *s3Objects) {
			for op, h := range map[string]HandlerFunc{
				"PutObject": o.put, "GetObject": o.get, "HeadObject": o.head, "ListObjectsV2": o.list,
			} {
				s.Register("s3", op, h)
			}
		})
}

// PutObject stores an object for tests (serving S3 objects if the server
// did not yet), owned by account.
func (s *Server) PutObject(account, bucket, key string, body []byte) {
	s.ServeS3Objects().store(account, bucket, key, body, "")
}

func (o *s3Objects) store(account, bucket, key string, body []byte, ctype string) *s3Object {
	sum := md5.Sum(body)
	crc := binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(body))
	obj := &s3Object{body: bytes.Clone(body), etag: `"` + hex.EncodeToString(sum[:]) + `"`,
		modified: time.Now().UTC().Truncate(time.Second), ctype: ctype, crc32: base64.StdEncoding.EncodeToString(crc)}
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.buckets[bucket]
	if b == nil {
		b = &s3Bucket{owner: account, objects: map[string]*s3Object{}}
		o.buckets[bucket] = b
	}
	b.objects[key] = obj
	return obj
}

func (o *s3Objects) put(_ context.Context, req *Request) (any, error) {
	if req.Param("Key") == "" {
		return nil, Errorf("InvalidArgument", "missing object key")
	}
	if err := o.srv.checkBucketAccess(req, req.Bucket); err != nil {
		return nil, err
	}
	body := req.Body
	if strings.Contains(req.HTTP.Header.Get("Content-Encoding"), "aws-chunked") ||
		strings.HasPrefix(req.HTTP.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
		dec, err := decodeAWSChunked(body)
		if err != nil {
			return nil, Errorf("InvalidRequest", "malformed aws-chunked body: %v", err)
		}
		body = dec
	}
	obj := o.store(req.Account(), req.Bucket, req.Param("Key"), body, req.HTTP.Header.Get("Content-Type"))
	return &s3Answer{headers: map[string]string{"ETag": obj.etag}}, nil
}

// decodeAWSChunked strips aws-chunked framing (size;chunk-signature=…
// lines and trailers) from a streamed upload.
func decodeAWSChunked(b []byte) ([]byte, error) {
	r := bufio.NewReader(bytes.NewReader(b))
	var out bytes.Buffer
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("chunk header: %w", err)
		}
		hexSize, _, _ := strings.Cut(strings.TrimSpace(line), ";")
		n, err := strconv.ParseInt(hexSize, 16, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("chunk size %q", hexSize)
		}
		if n == 0 {
			return out.Bytes(), nil // trailers follow; they are not kept
		}
		if _, err := io.CopyN(&out, r, n); err != nil {
			return nil, fmt.Errorf("chunk data: %w", err)
		}
		if _, err := r.ReadString('\n'); err != nil {
			return nil, fmt.Errorf("chunk end: %w", err)
		}
	}
}

func (o *s3Objects) object(req *Request) (*s3Object, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	b := o.buckets[req.Bucket]
	if b == nil {
		return nil, &APIError{Code: "NoSuchBucket", Message: "The specified bucket does not exist", Status: http.StatusNotFound}
	}
	if b.owner != req.Account() {
		return nil, crossAccountDenied(req, "s3:"+req.Operation, req.Bucket)
	}
	obj := b.objects[req.Param("Key")]
	if obj == nil {
		return nil, &APIError{Code: "NoSuchKey", Message: "The specified key does not exist.", Status: http.StatusNotFound}
	}
	return obj, nil
}

func (o *s3Objects) get(_ context.Context, req *Request) (any, error) {
	obj, err := o.object(req)
	if err != nil {
		return nil, err
	}
	return &s3Answer{headers: objectHeaders(obj), body: obj.body}, nil
}

func (o *s3Objects) head(_ context.Context, req *Request) (any, error) {
	obj, err := o.object(req)
	if err != nil {
		// HEAD answers carry no body: S3 sends only the status, which
		// the SDK reports as NotFound or Forbidden.
		if err.(*APIError).Status == http.StatusForbidden {
			return nil, &APIError{Code: "Forbidden", Message: "Forbidden", Status: http.StatusForbidden}
		}
		return nil, &APIError{Code: "NotFound", Message: "Not Found", Status: http.StatusNotFound}
	}
	return &s3Answer{headers: objectHeaders(obj)}, nil
}

func objectHeaders(obj *s3Object) map[string]string {
	ct := obj.ctype
	if ct == "" {
		ct = "binary/octet-stream"
	}
	return map[string]string{
		"ETag": obj.etag, "Content-Length": strconv.Itoa(len(obj.body)),
		"Last-Modified": obj.modified.Format(http.TimeFormat), "Content-Type": ct,
		"Accept-Ranges": "bytes", "X-Amz-Checksum-Crc32": obj.crc32,
	}
}

// s3Answer is an S3 answer written as is: headers and a body.
type s3Answer struct {
	headers map[string]string
	body    []byte
}

func (a *s3Answer) writeResponse(w http.ResponseWriter, req *Request) error {
	h := w.Header()
	h.Set("X-Amz-Request-Id", req.ID)
	if a.headers["Content-Length"] == "" {
		h.Set("Content-Length", strconv.Itoa(len(a.body)))
	}
	for k, v := range a.headers {
		h.Set(k, v)
	}
	w.WriteHeader(http.StatusOK)
	if req.HTTP.Method == http.MethodHead || len(a.body) == 0 {
		return nil
	}
	_, err := w.Write(a.body)
	return err
}

// listEntry is one item of a listing: an object or a common prefix.
type listEntry struct {
	key    string
	obj    *s3Object
	prefix bool
}

func (o *s3Objects) list(ctx context.Context, req *Request) (any, error) {
	o.mu.RLock()
	b := o.buckets[req.Bucket]
	if b != nil && b.owner != req.Account() {
		o.mu.RUnlock()
		return nil, crossAccountDenied(req, "s3:ListBucket", req.Bucket)
	}
	if b == nil {
		o.mu.RUnlock()
		if o.srv.servesFromSnapshot("s3", "ListObjectsV2") {
			return o.srv.snapshotRead(ctx, req)
		}
		return nil, &APIError{Code: "NoSuchBucket", Message: "The specified bucket does not exist", Status: http.StatusNotFound}
	}
	prefix, delim := req.Param("Prefix"), req.Param("Delimiter")
	maxKeys := req.IntParam("MaxKeys", 1000)
	if maxKeys < 0 || maxKeys > 1000 {
		maxKeys = 1000
	}
	after := req.Param("StartAfter")
	token := req.Param("ContinuationToken")
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			o.mu.RUnlock()
			return nil, &APIError{Code: "InvalidArgument", Message: "The continuation token provided is incorrect", Status: http.StatusBadRequest}
		}
		after = string(raw)
	}
	keys := make([]string, 0, len(b.objects))
	for k := range b.objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var entries []listEntry
	truncated := false
	for _, k := range keys {
		e := listEntry{key: k, obj: b.objects[k]}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				e = listEntry{key: k[:len(prefix)+i+len(delim)], prefix: true}
				if e.key == after || (len(entries) > 0 && entries[len(entries)-1].key == e.key) {
					continue // rolled up already, on this page or the last
				}
			}
		}
		if len(entries) == maxKeys {
			truncated = true
			break
		}
		entries = append(entries, e)
	}
	o.mu.RUnlock()
	return &s3Answer{headers: map[string]string{"Content-Type": "application/xml"},
		body: listXML(req, entries, truncated, maxKeys, token)}, nil
}

// listXML renders a ListBucketResult document as S3 sends it.
func listXML(req *Request, entries []listEntry, truncated bool, maxKeys int, token string) []byte {
	var b bytes.Buffer
	el := func(name, v string) {
		b.WriteString("<" + name + ">")
		_ = xml.EscapeText(&b, []byte(v))
		b.WriteString("</" + name + ">")
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	el("Name", req.Bucket)
	el("Prefix", req.Param("Prefix"))
	if d := req.Param("Delimiter"); d != "" {
		el("Delimiter", d)
	}
	el("MaxKeys", strconv.Itoa(maxKeys))
	el("KeyCount", strconv.Itoa(len(entries)))
	el("IsTruncated", strconv.FormatBool(truncated))
	if token != "" {
		el("ContinuationToken", token)
	}
	if truncated && len(entries) > 0 {
		el("NextContinuationToken", base64.RawURLEncoding.EncodeToString([]byte(entries[len(entries)-1].key)))
	}
	if sa := req.Param("StartAfter"); sa != "" {
		el("StartAfter", sa)
	}
	for _, e := range entries {
		if e.prefix {
			continue
		}
		b.WriteString("<Contents>")
		el("Key", e.key)
		el("LastModified", e.obj.modified.Format("2006-01-02T15:04:05.000Z"))
		el("ETag", e.obj.etag)
		el("Size", strconv.Itoa(len(e.obj.body)))
		el("StorageClass", "STANDARD")
		b.WriteString("</Contents>")
	}
	for _, e := range entries {
		if e.prefix {
			b.WriteString("<CommonPrefixes>")
			el("Prefix", e.key)
			b.WriteString("</CommonPrefixes>")
		}
	}
	b.WriteString("</ListBucketResult>")
	return b.Bytes()
}
