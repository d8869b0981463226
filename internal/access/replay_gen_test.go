package access

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/trail"
)

var (
	sessionRe   = regexp.MustCompile(`(assumed-role/[^/"]+/)([^"]+)"`)
	principalRe = regexp.MustCompile(`("principalId":"ARO[A-Z0-9]+:)([^"]+)"`)
	eventIDRe   = regexp.MustCompile(`("eventID":")([^"]+)"`)
)

// writeReplayArchive writes the embedded demo to dir and adds to its log
// archive replicas-1 copies of every CloudTrail log file, each with the
// role sessions renamed (NAME.rN), new event ids, and an S3 object call
// (GetObject or PutObject on a bucket of the account, under one of a few
// key prefixes) after every fourth record. It returns the number of
// records written to the copies.
func writeReplayArchive(dir string, replicas int) (int, error) {
	if _, err := demo.WriteEmbedded(dir); err != nil {
		return 0, err
	}
	snap, err := snapshot.Open(filepath.Join(dir, "snapshot"))
	if err != nil {
		return 0, err
	}
	byAccount := map[string][]string{}
	for name, b := range bucketIndex(snap) {
		byAccount[b[0]] = append(byAccount[b[0]], name)
	}
	for _, l := range byAccount {
		slices.Sort(l)
	}
	logs, err := trail.OpenLocal(filepath.Join(dir, "logarchive"))
	if err != nil {
		return 0, err
	}
	objs, err := trail.ListAll(context.Background(), logs, &trail.Filter{}, trail.KindLog)
	if err != nil {
		return 0, err
	}
	prefixes := []string{"data/", "reports/", "confidential/", "tmp/"}
	total := 0
	for _, o := range objs {
		rc, err := logs.Open(context.Background(), o.Key)
		if err != nil {
			return 0, err
		}
		var raws [][]byte
		d := trail.NewDecoder(rc)
		for {
			rec, err := d.Next()
			if err != nil {
				break
			}
			raws = append(raws, bytes.Clone(rec.Raw))
		}
		rc.Close()
		for r := 1; r < replicas; r++ {
			var out bytes.Buffer
			out.WriteString(`{"Records":[`)
			n := 0
			add := func(b []byte) {
				if n > 0 {
					out.WriteByte(',')
				}
				out.Write(b)
				n++
			}
			suffix := ".r" + strconv.Itoa(r)
			for i, raw := range raws {
				b := sessionRe.ReplaceAll(raw, []byte(`${1}${2}`+suffix+`"`))
				b = principalRe.ReplaceAll(b, []byte(`${1}${2}`+suffix+`"`))
				b = eventIDRe.ReplaceAll(b, []byte(`${1}${2}`+suffix+`"`))
				add(b)
				if i%4 != 3 {
					continue
				}
				if s3, ok := objectCall(b, byAccount, prefixes[(i/4+r)%len(prefixes)], r, i); ok {
					add(s3)
				}
			}
			out.WriteString(`]}`)
			total += n
			name := strings.TrimSuffix(o.Key, ".json.gz") + fmt.Sprintf("r%d.json.gz", r)
			if err := writeGz(filepath.Join(dir, "logarchive", filepath.FromSlash(name)), out.Bytes()); err != nil {
				return 0, err
			}
		}
	}
	return total, nil
}

// objectCall turns a record of a role session into an S3 object call on
// a bucket of its account, or reports false.
func objectCall(raw []byte, byAccount map[string][]string, prefix string, r, i int) ([]byte, bool) {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	id, _ := m["userIdentity"].(map[string]any)
	if id == nil || id["type"] != "AssumedRole" || m["eventType"] != "AwsApiCall" {
		return nil, false
	}
	acct, _ := id["accountId"].(string)
	buckets := byAccount[acct]
	if len(buckets) == 0 {
		return nil, false
	}
	bucket := buckets[(r+i)%len(buckets)]
	key := fmt.Sprintf("%s%d/%d.csv", prefix, r%7, i)
	name := "GetObject"
	if i%3 == 0 {
		name = "PutObject"
	}
	m["eventSource"], m["eventName"] = "s3.amazonaws.com", name
	m["eventID"] = fmt.Sprintf("%v.s3", m["eventID"])
	m["requestParameters"] = map[string]any{"bucketName": bucket, "key": key}
	m["resources"] = []any{
		map[string]any{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::" + bucket + "/" + key},
		map[string]any{"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + bucket},
	}
	m["eventCategory"], m["managementEvent"] = "Data", false
	b, err := json.Marshal(m)
	return b, err == nil
}

func writeGz(path string, b []byte) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// TestWriteReplayBenchArchive writes the benchmark's archive when
// ORGRAIL_BENCH_WRITE=DIR is set: the demo replicated to about
// ORGRAIL_BENCH_RECORDS records (default 1,000,000), for bench/replay.sh.
func TestWriteReplayBenchArchive(t *testing.T) {
	dir := os.Getenv("ORGRAIL_BENCH_WRITE")
	if dir == "" {
		t.Skip("ORGRAIL_BENCH_WRITE not set")
	}
	want := 1_000_000
	if s := os.Getenv("ORGRAIL_BENCH_RECORDS"); s != "" {
		var err error
		if want, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	// One copy has the demo's 1940 records and about 355 object calls.
	n, err := writeReplayArchive(dir, 1+(want+2294)/2295)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records in the copies", n)
}
