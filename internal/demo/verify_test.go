package demo

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func gunzipFile(t *testing.T, p string) []byte {
	t.Helper()
	fh, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return b
}

// loadPublicKey reads public-keys.json as a verifier would.
func loadPublicKey(t *testing.T, dir string) (*rsa.PublicKey, string) {
	b, err := os.ReadFile(filepath.Join(dir, LogArchiveDir, PublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		PublicKeyList []struct{ Value, Fingerprint string }
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.PublicKeyList) != 1 {
		t.Fatalf("public-keys.json: %v %s", err, b)
	}
	der, err := base64.StdEncoding.DecodeString(doc.PublicKeyList[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(der)
	if hex.EncodeToString(sum[:]) != doc.PublicKeyList[0].Fingerprint {
		t.Fatalf("fingerprint is not the MD5 of the DER")
	}
	pub, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		t.Fatal(err)
	}
	return pub, doc.PublicKeyList[0].Fingerprint
}

// TestDigestsVerify checks every digest: signature over the documented
// data-to-sign, the chain, and the hashes of the log files it lists; and
// that every log file is covered by exactly one digest.
func TestDigestsVerify(t *testing.T) {
	verifyDigests(t, defaultDir)
}

// verifyDigests checks the CloudTrail digests of the tree under dir
// against its public-keys.json.
func verifyDigests(t *testing.T, dir string) {
	t.Helper()
	root := filepath.Join(dir, LogArchiveDir)
	pub, fp := loadPublicKey(t, dir)
	chains := map[string][]string{}
	logs := map[string]bool{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.Contains(rel, "/CloudTrail-Digest/") && strings.HasSuffix(rel, ".json.gz"):
			parts := strings.Split(rel, "/")
			key := parts[2] + "/" + parts[4]
			chains[key] = append(chains[key], rel)
		case strings.Contains(rel, "/CloudTrail/"):
			logs[rel] = false
		}
		return nil
	})
	if len(chains) == 0 || len(logs) == 0 {
		t.Fatal("no digests or logs")
	}
	for key, files := range chains {
		sort.Slice(files, func(i, j int) bool {
			return files[i][strings.LastIndex(files[i], "_"):] < files[j][strings.LastIndex(files[j], "_"):]
		})
		prevSig, prevHash := "", ""
		for i, rel := range files {
			raw := gunzipFile(t, filepath.Join(root, rel))
			var d digest
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			if d.DigestS3Object != rel || d.DigestPublicKeyFingerprint != fp || d.DigestSignatureAlgorithm != "SHA256withRSA" {
				t.Fatalf("%s: bad header %+v", rel, d)
			}
			sum := sha256.Sum256(raw)
			prev := "null"
			if i == 0 {
				if d.PreviousDigestSignature != nil {
					t.Errorf("%s: first digest of %s has a previous signature", rel, key)
				}
			} else {
				if d.PreviousDigestSignature == nil || *d.PreviousDigestSignature != prevSig || *d.PreviousDigestHashValue != prevHash {
					t.Errorf("%s: chain broken", rel)
				} else {
					prev = *d.PreviousDigestSignature
				}
			}
			sigHex, err := os.ReadFile(filepath.Join(root, rel+".sig"))
			if err != nil {
				t.Fatal(err)
			}
			sig, _ := hex.DecodeString(string(sigHex))
			data := d.DigestEndTime + "\n" + d.DigestS3Bucket + "/" + d.DigestS3Object + "\n" + hex.EncodeToString(sum[:]) + "\n" + prev
			h := sha256.Sum256([]byte(data))
			if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig); err != nil {
				t.Errorf("%s: signature does not verify: %v", rel, err)
			}
			for _, lf := range d.LogFiles {
				b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(lf.S3Object)))
				if err != nil {
					t.Errorf("%s lists missing %s", rel, lf.S3Object)
					continue
				}
				s := sha256.Sum256(b)
				if hex.EncodeToString(s[:]) != lf.HashValue {
					t.Errorf("%s: hash of %s differs", rel, lf.S3Object)
				}
				if logs[lf.S3Object] {
					t.Errorf("%s listed twice", lf.S3Object)
				}
				logs[lf.S3Object] = true
			}
			prevSig, prevHash = string(sigHex), hex.EncodeToString(sum[:])
		}
	}
	for l, seen := range logs {
		if !seen {
			t.Errorf("log file %s is in no digest", l)
		}
	}
}

// TestTamperedDigestFails makes sure the verification above can fail.
func TestTamperedDigestFails(t *testing.T) {
	pub, _ := loadPublicKey(t, defaultDir)
	k, err := signingKey()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("a"))
	sig, _ := rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:])
	h2 := sha256.Sum256([]byte("b"))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, h2[:], sig) == nil {
		t.Fatal("a signature over other data verified")
	}
	if !bytes.Equal(x509.MarshalPKCS1PublicKey(pub), x509.MarshalPKCS1PublicKey(&k.PublicKey)) {
		t.Fatal("public-keys.json does not hold the demo key")
	}
}
