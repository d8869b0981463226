package trail

import (
	"bytes"
	"compress/gzip"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testArchive writes a Log Archive in the organization-trail layout, with
// signed digest files, for tests and benchmarks.
type testArchive struct {
	Dir      string
	OrgID    string
	Bucket   string
	Key      *rsa.PrivateKey
	KeysFile string
	rng      *rand.Rand
	// last digest per chain: its object key and signature.
	prev map[string][2]string
	seq  int
}

var testKey *rsa.PrivateKey

func newTestArchive(t testing.TB, dir string) *testArchive {
	t.Helper()
	if testKey == nil {
		k, err := rsa.GenerateKey(crand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		testKey = k
	}
	a := &testArchive{Dir: dir, OrgID: "o-test12345", Bucket: "log-archive", Key: testKey,
		rng: rand.New(rand.NewPCG(1, 2)), prev: map[string][2]string{}}
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	doc, err := PublicKeysJSON(PublicKey{Key: &testKey.PublicKey, Start: start, End: start.AddDate(20, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	a.KeysFile = filepath.Join(dir, "public-keys.json")
	writeFile(t, a.KeysFile, doc)
	return a
}

func writeFile(t testing.TB, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

var eventNames = []string{"DescribeInstances", "GetObject", "ListBuckets", "AssumeRole", "GetCallerIdentity",
	"DescribeSecurityGroups", "PutObject", "CreateAccessKey", "AuthorizeSecurityGroupIngress", "StopLogging"}

// record returns one synthetic CloudTrail record.
func (a *testArchive) record(account, region string, t time.Time) string {
	a.seq++
	name := eventNames[a.rng.IntN(len(eventNames))]
	src := map[string]string{"GetObject": "s3", "PutObject": "s3", "ListBuckets": "s3", "AssumeRole": "sts",
		"GetCallerIdentity": "sts", "CreateAccessKey": "iam", "StopLogging": "cloudtrail"}[name]
	if src == "" {
		src = "ec2"
	}
	return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:dev","arn":"arn:aws:sts::%[1]s:assumed-role/Dev/user%[2]d","accountId":"%[1]s","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::%[1]s:role/Dev"},"attributes":{"creationDate":"%[3]s","mfaAuthenticated":"false"}}},"eventTime":"%[3]s","eventSource":"%[4]s.amazonaws.com","eventName":"%[5]s","awsRegion":"%[6]s","sourceIPAddress":"198.51.100.%[7]d","userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64","requestParameters":{"groupId":"sg-%08[2]x","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}}]}},"responseElements":null,"requestID":"req-%[2]d","eventID":"ev-%[1]s-%[2]d","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"%[1]s","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%[4]s.%[6]s.amazonaws.com"}}`,
		account, a.seq, t.UTC().Format(time.RFC3339), src, name, region, a.seq%250)
}

// logKey is where CloudTrail delivers a log file.
func (a *testArchive) logKey(account, region string, t time.Time, n int) string {
	return fmt.Sprintf("AWSLogs/%s/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%04d.json.gz", a.OrgID, account, region,
		t.Format("2006/01/02"), account, region, t.Format("20060102T1504Z"), n)
}

// writeHour writes files log files of records each, delivered within the
// hour starting at h, then the digest for that hour. It returns the keys
// of the log files.
func (a *testArchive) writeHour(t testing.TB, account, region string, h time.Time, files, records int, digest bool) []string {
	t.Helper()
	var keys []string
	var lfs []DigestLogFile
	for f := 0; f < files; f++ {
		deliver := h.Add(time.Duration(f+1) * time.Hour / time.Duration(files+1))
		var recs []string
		for r := 0; r < records; r++ {
			recs = append(recs, a.record(account, region, deliver.Add(-time.Duration(records-r)*time.Second)))
		}
		body := gzipBytes([]byte(`{"Records":[` + strings.Join(recs, ",") + `]}`))
		key := a.logKey(account, region, deliver, f)
		writeFile(t, filepath.Join(a.Dir, filepath.FromSlash(key)), body)
		sum := sha256.Sum256(body)
		lfs = append(lfs, DigestLogFile{S3Bucket: a.Bucket, S3Object: key, HashValue: hex.EncodeToString(sum[:]), HashAlgorithm: "SHA-256"})
		keys = append(keys, key)
	}
	if digest {
		a.writeDigest(t, account, region, h, h.Add(time.Hour), lfs)
	}
	return keys
}

// writeDigest writes and signs one digest file, chaining it to the last.
func (a *testArchive) writeDigest(t testing.TB, account, region string, start, end time.Time, lfs []DigestLogFile) string {
	t.Helper()
	key := fmt.Sprintf("AWSLogs/%s/%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_org-trail_%s_%s.json.gz", a.OrgID, account, region,
		end.Format("2006/01/02"), account, region, region, end.Format("20060102T150405Z"))
	fp := KeyFingerprint(mustPKCS1(a.Key))
	d := Digest{AWSAccountID: account, DigestStartTime: start.Format(time.RFC3339), DigestEndTime: end.Format(time.RFC3339),
		DigestS3Bucket: a.Bucket, DigestS3Object: key, DigestPublicKeyFingerprint: fp, DigestSignatureAlgorithm: "SHA256withRSA",
		LogFiles: lfs}
	if d.LogFiles == nil {
		d.LogFiles = []DigestLogFile{}
	}
	chain := account + "/" + region
	if p, ok := a.prev[chain]; ok {
		prevKey, prevSig := p[0], p[1]
		prevRaw := readGz(t, filepath.Join(a.Dir, filepath.FromSlash(prevKey)))
		sum := sha256.Sum256(prevRaw)
		h, alg := hex.EncodeToString(sum[:]), "SHA-256"
		b := a.Bucket
		d.PreviousDigestS3Bucket, d.PreviousDigestS3Object = &b, &prevKey
		d.PreviousDigestHashValue, d.PreviousDigestHashAlgorithm, d.PreviousDigestSignature = &h, &alg, &prevSig
	}
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := SignDigest(a.Key, &d, raw)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(a.Dir, filepath.FromSlash(key))
	writeFile(t, p, gzipBytes(raw))
	writeFile(t, p+".sig", []byte(sig+"\n"))
	a.prev[chain] = [2]string{key, sig}
	return key
}

func mustPKCS1(k *rsa.PrivateKey) []byte {
	b, _ := PublicKeysJSON(PublicKey{Key: &k.PublicKey})
	var doc struct{ PublicKeyList []struct{ Value []byte } }
	json.Unmarshal(b, &doc)
	return doc.PublicKeyList[0].Value
}

func readGz(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
