package demo

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"sync"
	"time"
)

// demoKeyPEM is the demo's CloudTrail digest signing key (RSA 2048). It
// is a DEMO key, published on purpose: it signs only the generated demo
// archive.
//
//go:embed demo-signing-key.DEMO-ONLY.pem
var demoKeyPEM []byte

// syntheticKeyPEM signs the archives of synthetic organizations
// (Options.Accounts > 0). It is RSA 1024, a DEMO key published on purpose
// like the other: synthetic organizations are benchmark inputs with one
// signature per account, region and active hour, and a 1024-bit
// signature costs about a sixth of a 2048-bit one.
//
//go:embed demo-signing-key-synthetic.DEMO-ONLY.pem
var syntheticKeyPEM []byte

// signer is a parsed demo key with its public half as public-keys.json
// lists it.
type signer struct {
	key *rsa.PrivateKey
	der []byte // PKCS #1 public key
	fp  string // lower-case hex MD5 of der
}

var (
	defaultSigner   = sync.OnceValues(func() (*signer, error) { return parseSigner(demoKeyPEM) })
	syntheticSigner = sync.OnceValues(func() (*signer, error) { return parseSigner(syntheticKeyPEM) })
)

func parseSigner(b []byte) (*signer, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("demo signing key: not PEM")
	}
	k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("demo signing key: %w", err)
	}
	der := x509.MarshalPKCS1PublicKey(&k.PublicKey)
	sum := md5.Sum(der)
	return &signer{key: k, der: der, fp: hex.EncodeToString(sum[:])}, nil
}

// signerFor returns the key that signs the archive of opt's organization.
func signerFor(opt Options) (*signer, error) {
	if opt.Accounts > 0 {
		return syntheticSigner()
	}
	return defaultSigner()
}

// signingKey returns the parsed key of the embedded demo organization.
func signingKey() (*rsa.PrivateKey, error) {
	s, err := defaultSigner()
	if err != nil {
		return nil, err
	}
	return s.key, nil
}

// PublicKeyDER returns the embedded demo organization's public key as
// PKCS #1 DER and its fingerprint (lower-case hex MD5 of the DER), as
// public-keys.json has them. Synthetic organizations use another key:
// read their public-keys.json.
func PublicKeyDER() ([]byte, string, error) {
	s, err := defaultSigner()
	if err != nil {
		return nil, "", err
	}
	return s.der, s.fp, nil
}

// publicKeys renders public-keys.json in the ListPublicKeys shape.
func publicKeys(opt Options) ([]byte, error) {
	s, err := signerFor(opt)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{"PublicKeyList": []map[string]any{{
		"Value": base64.StdEncoding.EncodeToString(s.der), "Fingerprint": s.fp,
		"ValidityStartTime": "2026-01-01T00:00:00Z", "ValidityEndTime": "2027-01-01T00:00:00Z"}}}
	b, err := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n'), err
}

// digest is a CloudTrail-Digest file, fields in CloudTrail's order.
type digest struct {
	AwsAccountID                string       `json:"awsAccountId"`
	DigestStartTime             string       `json:"digestStartTime"`
	DigestEndTime               string       `json:"digestEndTime"`
	DigestS3Bucket              string       `json:"digestS3Bucket"`
	DigestS3Object              string       `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string       `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string       `json:"digestSignatureAlgorithm"`
	NewestEventTime             *string      `json:"newestEventTime"`
	OldestEventTime             *string      `json:"oldestEventTime"`
	PreviousDigestS3Bucket      *string      `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      *string      `json:"previousDigestS3Object"`
	PreviousDigestHashValue     *string      `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm *string      `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     *string      `json:"previousDigestSignature"`
	LogFiles                    []digestFile `json:"logFiles"`
}

type digestFile struct {
	S3Bucket        string `json:"s3Bucket"`
	S3Object        string `json:"s3Object"`
	HashValue       string `json:"hashValue"`
	HashAlgorithm   string `json:"hashAlgorithm"`
	NewestEventTime string `json:"newestEventTime"`
	OldestEventTime string `json:"oldestEventTime"`
}

// output is one file to write, relative to the output directory.
type output struct {
	path string
	data []byte
}

// gzPools reuse compressors (a flate writer is large to allocate): the
// embedded organization's archive is compressed at gzip.BestCompression,
// a synthetic organization's at gzip.BestSpeed, which is several times
// cheaper and makes files about a third larger.
var gzPools = map[bool]*sync.Pool{
	false: {New: func() any { return newGzip(gzip.BestCompression) }},
	true:  {New: func() any { return newGzip(gzip.BestSpeed) }},
}

func newGzip(level int) *gzip.Writer {
	zw, _ := gzip.NewWriterLevel(io.Discard, level)
	return zw
}

// gz compresses b as opt's organization has its CloudTrail files.
func gz(opt Options, b []byte) ([]byte, error) {
	var buf bytes.Buffer
	pool := gzPools[opt.Accounts > 0]
	zw := pool.Get().(*gzip.Writer)
	defer pool.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const stamp = "2006-01-02T15:04:05Z"

// trailFiles turns an account's records into log files (one per region
// and hour with activity) and a signed digest chain per region.
func trailFiles(w *world, a *acct, recs []*record) ([]output, int, error) {
	sg, err := signerFor(w.opt)
	if err != nil {
		return nil, 0, err
	}
	sortRecords(recs)
	type group struct {
		region string
		hour   time.Time
		recs   []*record
	}
	groups := map[string]*group{}
	var keys []string
	for _, rec := range recs {
		h := rec.at.Truncate(time.Hour)
		k := rec.AwsRegion + "|" + h.Format(stamp)
		g := groups[k]
		if g == nil {
			g = &group{region: rec.AwsRegion, hour: h}
			groups[k] = g
			keys = append(keys, k)
		}
		g.recs = append(g.recs, rec)
	}
	sort.Strings(keys)
	r := newRand(w.opt.Seed^0xd16e57, uint64(a.index))
	base := path.Join("AWSLogs", w.orgID, a.Id)
	var outs []output
	prev := map[string]*digestLink{}
	for _, k := range keys {
		g := groups[k]
		last := g.recs[len(g.recs)-1].at
		st := last.Truncate(5 * time.Minute).Add(5 * time.Minute)
		if cap := g.hour.Add(59 * time.Minute); st.After(cap) {
			st = cap
		}
		name := fmt.Sprintf("%s_CloudTrail_%s_%s_%s.json.gz", a.Id, g.region, st.Format("20060102T1504Z"), randString(r, upperAlnum[:26]+"0123456789abcdefghijklmnopqrstuvwxyz", 16))
		obj := path.Join(base, "CloudTrail", g.region, st.Format("2006/01/02"), name)
		raw, err := json.Marshal(map[string]any{"Records": g.recs})
		if err != nil {
			return nil, 0, fmt.Errorf("account %s: %w", a.Id, err)
		}
		data, err := gz(w.opt, raw)
		if err != nil {
			return nil, 0, err
		}
		outs = append(outs, output{path: obj, data: data})
		sum := sha256.Sum256(data)
		lf := digestFile{S3Bucket: w.trailBkt, S3Object: obj, HashValue: hex.EncodeToString(sum[:]), HashAlgorithm: "SHA-256",
			OldestEventTime: g.recs[0].EventTime, NewestEventTime: last.UTC().Format(stamp)}
		d, err := signDigest(w, a, sg, g.region, g.hour, lf, prev)
		if err != nil {
			return nil, 0, err
		}
		outs = append(outs, d...)
	}
	return outs, len(keys), nil
}

// digestLink is what the next digest of a chain needs from the previous.
type digestLink struct {
	end, object, hash, sig string
}

func signDigest(w *world, a *acct, sg *signer, region string, hour time.Time, lf digestFile, prev map[string]*digestLink) ([]output, error) {
	end := hour.Add(time.Hour)
	startT := hour.Format(stamp)
	p := prev[region]
	if p != nil {
		startT = p.end
	}
	name := fmt.Sprintf("%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz", a.Id, region, w.trailName, w.home, end.Format("20060102T150405Z"))
	obj := path.Join("AWSLogs", w.orgID, a.Id, "CloudTrail-Digest", region, end.Format("2006/01/02"), name)
	d := digest{AwsAccountID: a.Id, DigestStartTime: startT, DigestEndTime: end.Format(stamp), DigestS3Bucket: w.trailBkt,
		DigestS3Object: obj, DigestPublicKeyFingerprint: sg.fp, DigestSignatureAlgorithm: "SHA256withRSA",
		NewestEventTime: &lf.NewestEventTime, OldestEventTime: &lf.OldestEventTime, LogFiles: []digestFile{lf}}
	prevSig := "null"
	if p != nil {
		alg := "SHA-256"
		d.PreviousDigestS3Bucket, d.PreviousDigestS3Object = &w.trailBkt, &p.object
		d.PreviousDigestHashValue, d.PreviousDigestHashAlgorithm, d.PreviousDigestSignature = &p.hash, &alg, &p.sig
		prevSig = p.sig
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	data := d.DigestEndTime + "\n" + w.trailBkt + "/" + obj + "\n" + hex.EncodeToString(sum[:]) + "\n" + prevSig
	h := sha256.Sum256([]byte(data))
	sig, err := rsa.SignPKCS1v15(nil, sg.key, crypto.SHA256, h[:])
	if err != nil {
		return nil, fmt.Errorf("signing %s: %w", obj, err)
	}
	sigHex := hex.EncodeToString(sig)
	prev[region] = &digestLink{end: d.DigestEndTime, object: obj, hash: hex.EncodeToString(sum[:]), sig: sigHex}
	zipped, err := gz(w.opt, raw)
	if err != nil {
		return nil, err
	}
	return []output{{path: obj, data: zipped}, {path: obj + ".sig", data: []byte(sigHex)}}, nil
}
