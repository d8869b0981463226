package trail

import (
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Digest is a CloudTrail digest file, field names as CloudTrail writes
// them (see "CloudTrail digest file structure" in the CloudTrail guide).
// Fields CloudTrail writes as null are nil.
type Digest struct {
	AWSAccountID                string          `json:"awsAccountId"`
	DigestStartTime             string          `json:"digestStartTime"`
	DigestEndTime               string          `json:"digestEndTime"`
	DigestS3Bucket              string          `json:"digestS3Bucket"`
	DigestS3Object              string          `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string          `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string          `json:"digestSignatureAlgorithm"`
	NewestEventTime             *string         `json:"newestEventTime"`
	OldestEventTime             *string         `json:"oldestEventTime"`
	PreviousDigestS3Bucket      *string         `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      *string         `json:"previousDigestS3Object"`
	PreviousDigestHashValue     *string         `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm *string         `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     *string         `json:"previousDigestSignature"`
	LogFiles                    []DigestLogFile `json:"logFiles"`
}

// DigestLogFile is one log file a digest vouches for. HashValue is the
// hex SHA-256 of the object's bytes as stored (gzip-compressed).
type DigestLogFile struct {
	S3Bucket        string `json:"s3Bucket"`
	S3Object        string `json:"s3Object"`
	HashValue       string `json:"hashValue"`
	HashAlgorithm   string `json:"hashAlgorithm"`
	NewestEventTime string `json:"newestEventTime"`
	OldestEventTime string `json:"oldestEventTime"`
}

// SigningString returns the data CloudTrail signs for a digest file:
//
//	digestEndTime "\n" digestS3Bucket "/" digestS3Object "\n"
//	hex(SHA-256(decompressed digest bytes)) "\n" previousDigestSignature
//
// with "null" for the previous signature of the first digest of a chain.
// raw is the digest file's JSON after gunzip.
func SigningString(d *Digest, raw []byte) string {
	sum := sha256.Sum256(raw)
	prev := "null"
	if d.PreviousDigestSignature != nil {
		prev = *d.PreviousDigestSignature
	}
	return d.DigestEndTime + "\n" + d.DigestS3Bucket + "/" + d.DigestS3Object + "\n" + hex.EncodeToString(sum[:]) + "\n" + prev
}

// SignDigest signs a digest as CloudTrail does: RSA PKCS #1 v1.5 over the
// SHA-256 of SigningString, hex-encoded. The demo archive generator and
// tests use it; raw must be the exact bytes written (before gzip).
func SignDigest(key *rsa.PrivateKey, d *Digest, raw []byte) (string, error) {
	h := sha256.Sum256([]byte(SigningString(d, raw)))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(sig), nil
}

// PublicKey is one of the region's digest-signing keys.
type PublicKey struct {
	Fingerprint string
	Start, End  time.Time
	Key         *rsa.PublicKey
}

// KeySet holds the public keys digests are checked against.
type KeySet struct {
	Keys []PublicKey
}

// Lookup returns the key with the fingerprint valid at t.
func (ks *KeySet) Lookup(fingerprint string, t time.Time) (*PublicKey, error) {
	found := false
	for i := range ks.Keys {
		k := &ks.Keys[i]
		if !strings.EqualFold(k.Fingerprint, fingerprint) {
			continue
		}
		found = true
		if (k.Start.IsZero() || !t.Before(k.Start)) && (k.End.IsZero() || !t.After(k.End)) {
			return k, nil
		}
	}
	if found {
		return nil, fmt.Errorf("public key %s is not valid at %s", fingerprint, t.Format(time.RFC3339))
	}
	return nil, fmt.Errorf("no public key with fingerprint %s", fingerprint)
}

// KeyFingerprint returns the lower-case hex MD5 of a DER public key, the
// fingerprint orgrail's demo keys use.
func KeyFingerprint(der []byte) string {
	s := md5.Sum(der)
	return hex.EncodeToString(s[:])
}

// PublicKeysJSON renders keys in the ListPublicKeys shape, for the demo
// generator and tests: Value is the PKCS #1 DER key, base64.
func PublicKeysJSON(keys ...PublicKey) ([]byte, error) {
	type entry struct {
		Value             string
		ValidityStartTime string
		ValidityEndTime   string
		Fingerprint       string
	}
	var doc struct{ PublicKeyList []entry }
	doc.PublicKeyList = []entry{}
	for _, k := range keys {
		der := x509.MarshalPKCS1PublicKey(k.Key)
		fp := k.Fingerprint
		if fp == "" {
			fp = KeyFingerprint(der)
		}
		doc.PublicKeyList = append(doc.PublicKeyList, entry{
			Value: base64.StdEncoding.EncodeToString(der), Fingerprint: fp,
			ValidityStartTime: k.Start.UTC().Format(time.RFC3339), ValidityEndTime: k.End.UTC().Format(time.RFC3339),
		})
	}
	return json.MarshalIndent(doc, "", "  ")
}

// LoadPublicKeys reads a ListPublicKeys-shaped JSON file.
func LoadPublicKeys(path string) (*KeySet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ks, err := ParsePublicKeys(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ks, nil
}

// ParsePublicKeys reads {"PublicKeyList":[{"Value","ValidityStartTime",
// "ValidityEndTime","Fingerprint"}]}. Value is base64 DER, PKCS #1 or
// PKIX; times are RFC 3339 or epoch seconds.
func ParsePublicKeys(b []byte) (*KeySet, error) {
	var doc struct {
		PublicKeyList []struct {
			Value             string          `json:"Value"`
			ValidityStartTime json.RawMessage `json:"ValidityStartTime"`
			ValidityEndTime   json.RawMessage `json:"ValidityEndTime"`
			Fingerprint       string          `json:"Fingerprint"`
		} `json:"PublicKeyList"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("public keys: %w", err)
	}
	if doc.PublicKeyList == nil {
		return nil, errors.New("public keys: no PublicKeyList")
	}
	ks := &KeySet{}
	for i, e := range doc.PublicKeyList {
		der, err := base64.StdEncoding.DecodeString(e.Value)
		if err != nil {
			return nil, fmt.Errorf("PublicKeyList[%d].Value: %w", i, err)
		}
		key, err := parseRSAPublicKey(der)
		if err != nil {
			return nil, fmt.Errorf("PublicKeyList[%d].Value: %w", i, err)
		}
		k := PublicKey{Fingerprint: e.Fingerprint, Key: key}
		if k.Start, err = parseKeyTime(e.ValidityStartTime); err != nil {
			return nil, fmt.Errorf("PublicKeyList[%d].ValidityStartTime: %w", i, err)
		}
		if k.End, err = parseKeyTime(e.ValidityEndTime); err != nil {
			return nil, fmt.Errorf("PublicKeyList[%d].ValidityEndTime: %w", i, err)
		}
		if k.Fingerprint == "" {
			k.Fingerprint = KeyFingerprint(der)
		}
		ks.Keys = append(ks.Keys, k)
	}
	return ks, nil
}

func parseRSAPublicKey(der []byte) (*rsa.PublicKey, error) {
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("not an RSA public key in PKCS #1 or PKIX DER")
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("not an RSA public key (%T)", k)
	}
	return rk, nil
}

func parseKeyTime(raw json.RawMessage) (time.Time, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return time.Time{}, nil
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return time.Time{}, err
		}
		return time.Parse(time.RFC3339, str)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s is neither RFC 3339 nor epoch seconds", s)
	}
	return time.Unix(int64(f), 0).UTC(), nil
}

// verifySignature checks a digest's hex signature with the key.
func verifySignature(k *rsa.PublicKey, d *Digest, raw []byte, sigHex string) error {
	sig, err := hex.DecodeString(strings.TrimSpace(sigHex))
	if err != nil {
		return fmt.Errorf("signature is not hex: %w", err)
	}
	h := sha256.Sum256([]byte(SigningString(d, raw)))
	if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig); err != nil {
		return errors.New("signature does not match")
	}
	return nil
}
