package trail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Problem kinds Verify reports, as aws cloudtrail validate-logs names them.
const (
	ProblemMissingLog    = "missing"    // a log file a digest lists is absent
	ProblemModifiedLog   = "modified"   // a log file's hash differs
	ProblemUnexpectedLog = "unexpected" // a log file no digest lists
	ProblemDigest        = "invalid-digest"
	ProblemChain         = "broken-chain"
	ProblemSignature     = "bad-signature"
	ProblemUnreadable    = "unreadable"
)

// Problem is one integrity failure, naming the file.
type Problem struct {
	Kind   string `json:"kind"`
	File   string `json:"file"`
	Detail string `json:"detail"`
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	Source        string    `json:"source"`
	Digests       int       `json:"digests"`
	ValidDigests  int       `json:"validDigests"`
	LogFiles      int       `json:"logFiles"`
	ValidLogFiles int       `json:"validLogFiles"`
	Problems      []Problem `json:"problems"`
	// Partial is set when some digest files could not be read.
	Partial bool `json:"partial"`
}

// OK reports whether everything verified.
func (r *VerifyResult) OK() bool { return len(r.Problems) == 0 }

// KeyProvider returns the public keys valid for digests of a region
// between two times (CloudTrail ListPublicKeys, or a fixed file).
type KeyProvider interface {
	Keys(ctx context.Context, region string, start, end time.Time) (*KeySet, error)
}

// StaticKeys is a KeyProvider that always returns the same keys.
type StaticKeys struct{ Set *KeySet }

// Keys returns the fixed set.
func (s StaticKeys) Keys(context.Context, string, time.Time, time.Time) (*KeySet, error) {
	return s.Set, nil
}

// VerifyOptions configures Verify.
type VerifyOptions struct {
	Filter Filter
	Keys   KeyProvider
}

// digestEntry is one digest file read from the archive.
type digestEntry struct {
	obj    Object
	name   string
	raw    []byte // decompressed JSON
	d      Digest
	end    time.Time
	sig    string // stored signature (metadata or sidecar), "" if none
	base   string // key prefix before AWSLogs/ (the bucket root in the source)
	chain  string
	signOK bool
}

// Verify checks the digest files of src as aws cloudtrail validate-logs
// does: each digest's RSA signature, the chain of previous-digest
// signatures and hashes, and each listed log file's SHA-256; then it
// reports log files no digest lists within the span the digests cover.
func Verify(ctx context.Context, src Source, opts VerifyOptions) (*VerifyResult, error) {
	if opts.Keys == nil {
		return nil, errors.New("verify: no public keys")
	}
	f := opts.Filter
	objs, err := ListAll(ctx, src, &f, KindDigest|KindLog)
	if err != nil {
		return nil, err
	}
	v := &verifier{src: src, keys: opts.Keys, res: &VerifyResult{Source: src.String(), Problems: []Problem{}},
		byObject: map[string]*digestEntry{}, listed: map[string]bool{}}
	var logs []Object
	for _, o := range objs {
		if o.Loc.Kind == KindDigest {
			v.readDigest(ctx, o)
		} else {
			logs = append(logs, o)
		}
	}
	v.checkChains(ctx)
	for _, e := range v.digests {
		v.checkLogs(ctx, e)
	}
	v.checkUnexpected(logs)
	sort.SliceStable(v.res.Problems, func(i, j int) bool {
		a, b := v.res.Problems[i], v.res.Problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Kind < b.Kind
	})
	return v.res, ctx.Err()
}

type verifier struct {
	src      Source
	keys     KeyProvider
	res      *VerifyResult
	digests  []*digestEntry
	byObject map[string]*digestEntry // digestS3Object from AWSLogs/ on
	listed   map[string]bool         // log keys some digest lists
}

func (v *verifier) problem(kind, file, format string, a ...any) {
	v.res.Problems = append(v.res.Problems, Problem{Kind: kind, File: file, Detail: fmt.Sprintf(format, a...)})
}

// fromAWSLogs returns key from its AWSLogs/ segment on, and what precedes.
func fromAWSLogs(key string) (base, rest string) {
	if strings.HasPrefix(key, dirRoot+"/") {
		return "", key
	}
	if i := strings.Index(key, "/"+dirRoot+"/"); i >= 0 {
		return key[:i+1], key[i+1:]
	}
	return "", key
}

// readDigest reads, decompresses and parses one digest file.
func (v *verifier) readDigest(ctx context.Context, o Object) {
	name := fileName(v.src, &o)
	v.res.Digests++
	raw, _, err := readObject(ctx, v.src, o.Key, true)
	if err != nil {
		v.res.Partial = true
		v.problem(ProblemUnreadable, name, "%v", err)
		return
	}
	e := &digestEntry{obj: o, name: name, raw: raw}
	if err := json.Unmarshal(raw, &e.d); err != nil {
		v.problem(ProblemDigest, name, "not a digest file: %v", err)
		return
	}
	if e.end, err = time.Parse(time.RFC3339, e.d.DigestEndTime); err != nil {
		v.problem(ProblemDigest, name, "digestEndTime %q: %v", e.d.DigestEndTime, err)
		return
	}
	var rest string
	e.base, rest = fromAWSLogs(o.Key)
	if _, obj := fromAWSLogs(e.d.DigestS3Object); obj != rest {
		v.problem(ProblemDigest, name, "digest file is not where it says it was delivered (digestS3Object %s)", e.d.DigestS3Object)
		return
	}
	if ss, ok := v.src.(SignatureSource); ok {
		sig, err := ss.Signature(ctx, o.Key)
		if err != nil && !errors.Is(err, ErrNoSignature) {
			v.problem(ProblemUnreadable, name, "signature: %v", err)
		}
		e.sig = sig
	}
	e.chain = o.Loc.Account + "/" + o.Loc.Region + "/" + trailOf(o.Key)
	v.byObject[rest] = e
	v.digests = append(v.digests, e)
}

// trailOf returns the trail part of a digest file name:
// <acct>_CloudTrail-Digest_<region>_<trail>_<region>_<stamp>.json.gz.
func trailOf(key string) string {
	name := key[strings.LastIndexByte(key, '/')+1:]
	parts := strings.Split(name, "_")
	if len(parts) < 6 {
		return ""
	}
	return strings.Join(parts[3:len(parts)-2], "_")
}

// checkChains walks each chain oldest first: links to the previous digest
// and signatures.
func (v *verifier) checkChains(ctx context.Context) {
	sort.SliceStable(v.digests, func(i, j int) bool {
		a, b := v.digests[i], v.digests[j]
		if a.chain != b.chain {
			return a.chain < b.chain
		}
		return a.end.Before(b.end)
	})
	// A digest without a stored signature takes the one its successor
	// vouches for.
	for _, e := range v.digests {
		if e.d.PreviousDigestS3Object == nil {
			continue
		}
		_, prevObj := fromAWSLogs(*e.d.PreviousDigestS3Object)
		prev := v.byObject[prevObj]
		if prev == nil || e.d.PreviousDigestSignature == nil {
			continue
		}
		if prev.sig == "" {
			prev.sig = *e.d.PreviousDigestSignature
		}
	}
	for _, e := range v.digests {
		v.checkLink(e)
		v.checkSignature(ctx, e)
	}
}

// checkLink compares a digest's previousDigest fields with the previous
// digest file.
func (v *verifier) checkLink(e *digestEntry) {
	if e.d.PreviousDigestS3Object == nil || *e.d.PreviousDigestS3Object == "" {
		return
	}
	_, prevObj := fromAWSLogs(*e.d.PreviousDigestS3Object)
	prev := v.byObject[prevObj]
	if prev == nil {
		// The first digest in range links to one outside it: that is not
		// a gap unless the previous digest's day was listed.
		if _, ok := v.listedDay(prevObj); ok {
			v.problem(ProblemChain, e.name, "previous digest %s is missing", *e.d.PreviousDigestS3Object)
		}
		return
	}
	sum := sha256.Sum256(prev.raw)
	if e.d.PreviousDigestHashValue == nil || !strings.EqualFold(*e.d.PreviousDigestHashValue, hex.EncodeToString(sum[:])) {
		v.problem(ProblemChain, e.name, "previousDigestHashValue does not match %s", prev.name)
	}
	if e.d.PreviousDigestSignature == nil || !strings.EqualFold(*e.d.PreviousDigestSignature, prev.sig) {
		v.problem(ProblemChain, e.name, "previousDigestSignature does not match the signature of %s", prev.name)
	}
}

// listedDay reports whether the day directory of a digest key was within
// the listing's range (some digest of that chain and day was read).
func (v *verifier) listedDay(obj string) (string, bool) {
	dir := obj[:strings.LastIndexByte(obj, '/')+1]
	for k := range v.byObject {
		if strings.HasPrefix(k, dir) {
			return dir, true
		}
	}
	return dir, false
}

func (v *verifier) checkSignature(ctx context.Context, e *digestEntry) {
	if e.sig == "" {
		v.problem(ProblemSignature, e.name, "no signature: neither %s.sig nor S3 metadata nor a next digest holds it", e.obj.Key)
		return
	}
	if alg := e.d.DigestSignatureAlgorithm; alg != "" && alg != "SHA256withRSA" {
		v.problem(ProblemSignature, e.name, "unsupported signature algorithm %q", alg)
		return
	}
	ks, err := v.keys.Keys(ctx, e.obj.Loc.Region, e.end, e.end)
	if err != nil {
		v.res.Partial = true
		v.problem(ProblemSignature, e.name, "public keys: %v", err)
		return
	}
	k, err := ks.Lookup(e.d.DigestPublicKeyFingerprint, e.end)
	if err != nil {
		v.problem(ProblemSignature, e.name, "%v", err)
		return
	}
	if err := verifySignature(k.Key, &e.d, e.raw, e.sig); err != nil {
		v.problem(ProblemSignature, e.name, "%v", err)
		return
	}
	e.signOK = true
	v.res.ValidDigests++
}

// checkLogs hashes every log file a digest lists.
func (v *verifier) checkLogs(ctx context.Context, e *digestEntry) {
	for _, lf := range e.d.LogFiles {
		v.res.LogFiles++
		_, rest := fromAWSLogs(lf.S3Object)
		key := e.base + rest
		v.listed[key] = true
		name := strings.TrimSuffix(v.src.String(), "/") + "/" + key
		_, sum, err := readObject(ctx, v.src, key, false)
		switch {
		case errors.Is(err, fs.ErrNotExist) || isS3NotFound(err):
			v.problem(ProblemMissingLog, name, "listed in %s", e.name)
		case err != nil:
			v.res.Partial = true
			v.problem(ProblemUnreadable, name, "%v", err)
		case !strings.EqualFold(sum, lf.HashValue):
			v.problem(ProblemModifiedLog, name, "SHA-256 %s, digest %s says %s", sum, e.name, lf.HashValue)
		default:
			v.res.ValidLogFiles++
		}
	}
}

// checkUnexpected reports log files that no digest lists although they
// were delivered within the span the digests of their account and region
// cover.
func (v *verifier) checkUnexpected(logs []Object) {
	type span struct{ from, to time.Time }
	spans := map[string]*span{}
	for _, e := range v.digests {
		start, err := time.Parse(time.RFC3339, e.d.DigestStartTime)
		if err != nil {
			start = e.end.Add(-time.Hour)
		}
		k := e.obj.Loc.Account + "/" + e.obj.Loc.Region
		s := spans[k]
		if s == nil {
			spans[k] = &span{start, e.end}
			continue
		}
		if start.Before(s.from) {
			s.from = start
		}
		if e.end.After(s.to) {
			s.to = e.end
		}
	}
	for _, o := range logs {
		if v.listed[o.Key] || o.Loc.Stamp.IsZero() {
			continue
		}
		s := spans[o.Loc.Account+"/"+o.Loc.Region]
		if s == nil || o.Loc.Stamp.Before(s.from) || !o.Loc.Stamp.Before(s.to) {
			continue
		}
		v.problem(ProblemUnexpectedLog, fileName(v.src, &o), "no digest lists this log file")
	}
}

// readObject reads an object. With inflate it returns the gunzipped bytes
// (plain bytes are returned as they are); otherwise it returns nothing
// but the hex SHA-256 of the bytes as stored.
func readObject(ctx context.Context, src Source, key string, inflate bool) ([]byte, string, error) {
	rc, err := src.Open(ctx, key)
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	if !inflate {
		h := sha256.New()
		if _, err := io.Copy(h, rc); err != nil {
			return nil, "", err
		}
		return nil, hex.EncodeToString(h.Sum(nil)), nil
	}
	b, err := io.ReadAll(io.LimitReader(rc, 256<<20))
	if err != nil {
		return nil, "", err
	}
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, "", fmt.Errorf("gzip: %w", err)
		}
		if b, err = io.ReadAll(io.LimitReader(zr, 256<<20)); err != nil {
			return nil, "", fmt.Errorf("gzip: %w", err)
		}
	}
	return b, "", nil
}
