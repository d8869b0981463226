package collect

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigSnapshotCannotWriteOutsideOut feeds AWS Config snapshot
// files whose awsAccountId and awsRegion climb out of the output
// directory. Nothing may be written outside --out, and each bad file
// is a gap naming the bad value.
func TestConfigSnapshotCannotWriteOutsideOut(t *testing.T) {
	base := t.TempDir()
	archive := filepath.Join(base, "archive")
	out := filepath.Join(base, "a", "b", "out")
	item := func(account, region, id string) string {
		return `{"configurationItemVersion":"1.3","configurationItemCaptureTime":"2026-11-20T00:00:00.000Z",` +
			`"configurationItemStatus":"OK","awsAccountId":"` + account + `","awsRegion":"` + region + `",` +
			`"resourceType":"AWS::SQS::Queue","resourceId":"` + id + `","resourceName":"q",` +
			`"configuration":{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/` + acct + `/q"},"supplementaryConfiguration":{}}`
	}
	doc := `{"fileVersion":"1.0","configSnapshotId":"x","configurationItems":[` +
		item("../../../escaped", "eu-west-1", "q1") + `,` +
		item(acct, "../../../../escaped-region", "q2") + `,` +
		item(acct, "eu-west-1", "q3") + `]}`
	p := filepath.Join(archive, "AWSLogs", acct, "Config", "eu-west-1", "2026", "11", "20", "ConfigSnapshot",
		acct+"_Config_eu-west-1_ConfigSnapshot_20261120T000000Z_x.json.gz")
	writeGzip(t, p, doc)
	// A delivery path whose account directory is not an account id.
	writeGzip(t, filepath.Join(archive, "AWSLogs", "not-an-id", "Config", "eu-west-1", "2026", "11", "20", "ConfigSnapshot", "x.json.gz"),
		`{"configurationItems":[]}`)
	res, err := FromConfigSnapshots(context.Background(), archive, ConfigOptions{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	var outside []string
	filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && !strings.HasPrefix(p, out+string(filepath.Separator)) && !strings.HasPrefix(p, archive+string(filepath.Separator)) {
			outside = append(outside, p)
		}
		if err == nil && fi.IsDir() && strings.Contains(fi.Name(), "escaped") {
			outside = append(outside, p)
		}
		return nil
	})
	if len(outside) > 0 {
		t.Fatalf("written outside --out: %v", outside)
	}
	var msgs []string
	for _, g := range res.Manifest.Gaps {
		msgs = append(msgs, g.Error)
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "awsAccountId") || !strings.Contains(all, `"not-an-id"`) {
		t.Fatalf("gaps do not name the bad values: %q", all)
	}
	for _, c := range res.Manifest.Coverage {
		if c.Account != acct {
			t.Errorf("coverage lists account %q", c.Account)
		}
	}
}
