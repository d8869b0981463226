package findings

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/severity"
	_ "modernc.org/sqlite"
)

func sampleReport() *Report {
	at := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	m := Mappings{ConfigRule: "S3_BUCKET_VERSIONING_ENABLED", SecurityHub: "S3.14", NistCsf: "PR.DS", CIS: "2.1.4"}
	fs := []Finding{
		{RuleID: "s3.bucket-versioning", Title: "Versioning", Status: Failed, Severity: severity.Low, Account: "111111111111",
			AccountName: "prod", OU: "Workloads/Prod", Region: "us-east-1", ResourceArn: "arn:aws:s3:::b1", ResourceType: "AWS::S3::Bucket",
			Message: "=HYPERLINK(\"x\")", Mappings: m},
		{RuleID: "s3.bucket-versioning", Title: "Versioning", Status: Passed, Severity: severity.Low, Account: "222222222222",
			OU: "Workloads/Dev", Region: "us-east-1", ResourceArn: "arn:aws:s3:::b2", ResourceType: "AWS::S3::Bucket", Mappings: m},
		{RuleID: "iam.root-mfa-enabled", Title: "Root MFA", Status: Failed, Severity: severity.Critical, Account: "222222222222",
			OU: "Workloads/Dev", Region: "global", ResourceArn: "arn:aws:iam::222222222222:root", ResourceType: "AWS::::Account",
			Muted: true, MuteReason: "break-glass <b>", MuteExpires: "2027-01-01", Mappings: Mappings{CIS: "1.5", NistCsf: "PR.AA"}},
		{RuleID: "guardduty.enabled", Title: "GuardDuty", Status: Error, Severity: severity.High, Account: "111111111111",
			Region: "eu-west-1", ResourceArn: "arn:aws:iam::111111111111:root", Message: "not collected"},
	}
	for i := range fs {
		fs[i].ID = StableID(fs[i].RuleID, fs[i].Account, fs[i].Region, fs[i].ResourceArn)
	}
	return &Report{OrgID: "o-abc", Partition: "aws", SnapshotAt: at, GeneratedAt: at.Add(time.Hour), Findings: fs,
		Rules: map[string]RuleInfo{"s3.bucket-versioning": {Rationale: "keeps versions", Remediation: "enable it"}}}
}

func TestASFFHasRequiredAttributes(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, output.ASFF, sampleReport(), RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		for _, k := range ASFFRequired {
			if v, ok := d[k]; !ok || v == "" || v == nil {
				t.Errorf("%v lacks %s", d["Id"], k)
			}
		}
		if d["SchemaVersion"] != "2018-10-08" {
			t.Errorf("SchemaVersion = %v", d["SchemaVersion"])
		}
		if c := d["Compliance"].(map[string]any); c["Status"] == "" {
			t.Error("no Compliance.Status")
		}
	}
	if docs[2]["Workflow"].(map[string]any)["Status"] != "SUPPRESSED" {
		t.Errorf("muted finding not suppressed: %v", docs[2]["Workflow"])
	}
	if _, err := toSDK(ToASFF(sampleReport())[0]); err != nil {
		t.Fatalf("ASFF does not convert to the SDK type: %v", err)
	}
}

func TestOCSFHasRequiredAttributes(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, output.OCSF, sampleReport(), RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		for _, k := range OCSFRequired {
			if _, ok := d[k]; !ok {
				t.Errorf("lacks %s", k)
			}
		}
		if d["class_uid"] != float64(2003) || d["type_uid"] != float64(200301) || d["category_uid"] != float64(2) {
			t.Errorf("class = %v type = %v", d["class_uid"], d["type_uid"])
		}
		c := d["compliance"].(map[string]any)
		if len(c["standards"].([]any)) == 0 {
			t.Error("compliance.standards is empty")
		}
		fi := d["finding_info"].(map[string]any)
		if fi["uid"] == "" || fi["title"] == "" {
			t.Error("finding_info lacks uid or title")
		}
	}
	if docs[0]["compliance"].(map[string]any)["status_id"] != float64(3) {
		t.Errorf("failed finding status_id = %v", docs[0]["compliance"])
	}
}

func TestSARIFListsFailuresAndErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, output.SARIF, sampleReport(), RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var log SARIFLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs[0].Results) != 3 || len(log.Runs[0].Tool.Driver.Rules) != 3 {
		t.Fatalf("results %d rules %d", len(log.Runs[0].Results), len(log.Runs[0].Tool.Driver.Rules))
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, output.CSV, sampleReport(), RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || recs[0][1] != "ruleId" || !strings.HasPrefix(recs[1][11], "'=") {
		t.Fatalf("csv = %q", recs[:2])
	}
}

// TestCSVDefusesTabAndCarriageReturn covers the two leading characters
// OWASP's "CSV Injection" page lists besides = + - @: a tab and a
// carriage return, which some spreadsheets skip before the formula sign.
func TestCSVDefusesTabAndCarriageReturn(t *testing.T) {
	r := sampleReport()
	r.Findings[0].Message = "\t=HYPERLINK(\"http://x\")"
	r.Findings[0].ResourceArn = "\r@SUM(1)"
	r.Findings[0].Title = "plain title"
	var buf bytes.Buffer
	if err := Render(&buf, output.CSV, r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := recs[1]
	if got[11] != "'\t=HYPERLINK(\"http://x\")" || got[9] != "'\r@SUM(1)" || got[2] != "plain title" {
		t.Fatalf("csv row = %q", got)
	}
}

func TestHTMLEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, output.HTML, sampleReport(), RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if strings.Contains(s, "<b>") || !strings.Contains(s, "&lt;b&gt;") || !strings.Contains(s, "Workloads/Prod") {
		t.Fatal("HTML does not escape or lacks the OU summary")
	}
}

func TestSummary(t *testing.T) {
	s := Summarize(sampleReport().Findings)
	if s.Total.Failed != 1 || s.Total.Muted != 1 || s.Total.Passed != 1 || s.Total.Error != 1 {
		t.Fatalf("total = %+v", s.Total)
	}
	var cis *FrameworkSummary
	for i := range s.Frameworks {
		if s.Frameworks[i].Name == CIS {
			cis = &s.Frameworks[i]
		}
	}
	if cis == nil || cis.ControlsFailing != 1 || len(cis.Controls) != 2 || cis.Controls[0].ID != "1.5" {
		t.Fatalf("cis = %+v", cis)
	}
	if len(s.OUs) != 3 || len(s.Accounts) != 2 {
		t.Fatalf("ous %d accounts %d", len(s.OUs), len(s.Accounts))
	}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, s, 1); err != nil || !strings.Contains(buf.String(), "Least compliant 1 of 2") {
		t.Fatalf("summary: %v\n%s", err, buf.String())
	}
}

func TestControlOrder(t *testing.T) {
	for _, c := range [][2]string{{"1.2", "1.10"}, {"EC2.2", "EC2.10"}, {"2.1.1", "2.2.1"}, {"DE.CM", "PR.AA"}} {
		if !controlLess(c[0], c[1]) || controlLess(c[1], c[0]) {
			t.Errorf("%s < %s wrong", c[0], c[1])
		}
	}
}

func TestDiff(t *testing.T) {
	prev := sampleReport().Findings
	cur := sampleReport().Findings
	cur[0].Status = Passed          // fixed
	cur[1].Status = Failed          // new
	cur = append(cur[:3:3], cur[3]) // root MFA still open (muted)
	d := Diff(prev, cur)
	if d.New != 1 || d.Fixed != 1 || d.StillOpen != 1 {
		t.Fatalf("diff = %+v", d)
	}
	gone := Diff(prev, nil)
	if gone.Fixed != 2 {
		t.Fatalf("resources gone should count as fixed: %+v", gone)
	}
}

func TestFailing(t *testing.T) {
	fs := sampleReport().Findings
	if !Failing(fs, severity.Low) || Failing(fs, severity.High) || Failing(fs, severity.None) {
		t.Fatal("fail-on threshold wrong: the only unmuted failure is low; the critical one is muted")
	}
}

// storeSchema is the store's runs, findings and finding_docs tables, as
// internal/store creates them (the history functions only use these).
const storeSchema = `CREATE TABLE runs (id INTEGER PRIMARY KEY, org_id TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'audit',
	started_at INTEGER NOT NULL, finished_at INTEGER, status TEXT NOT NULL DEFAULT 'running', source TEXT, summary TEXT);
CREATE TABLE findings (run_id INTEGER NOT NULL, finding_id TEXT NOT NULL, rule_id TEXT NOT NULL, status TEXT NOT NULL,
	severity TEXT NOT NULL, account TEXT, region TEXT, resource_arn TEXT, muted INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL,
	PRIMARY KEY (run_id, finding_id));
CREATE TABLE finding_docs (run_id INTEGER NOT NULL, rule_id TEXT NOT NULL, findings INTEGER NOT NULL,
	format INTEGER NOT NULL DEFAULT 1, data BLOB NOT NULL, PRIMARY KEY (run_id, rule_id));`

func TestHistoryRoundTrip(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, storeSchema); err != nil {
		t.Fatal(err)
	}
	r := sampleReport()
	id1, err := SaveRun(ctx, db, r, "snap", "ok", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r.Findings[0].Status = Passed
	id2, err := SaveRun(ctx, db, r, "snap", "ok", time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	runs, err := Runs(ctx, db, "o-abc", 0)
	if err != nil || len(runs) != 2 || runs[0].ID != id2 {
		t.Fatalf("runs = %+v %v", runs, err)
	}
	a, _ := LoadRun(ctx, db, id1)
	b, _ := LoadRun(ctx, db, id2)
	if len(a) != 4 || Diff(a, b).Fixed != 1 {
		t.Fatalf("loaded %d, diff %+v", len(a), Diff(a, b))
	}
}

// TestHistoryLoadsEveryField: a stored run loads back equal to the
// report, field for field, although the data column no longer repeats
// the columns; a row written by an earlier version (the whole finding in
// data) loads the same.
func TestHistoryLoadsEveryField(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, storeSchema); err != nil {
		t.Fatal(err)
	}
	r := sampleReport()
	r.Findings[1].Muted, r.Findings[1].MuteReason, r.Findings[1].MuteExpires = true, "accepted risk", "2027-01-01"
	id, err := SaveRun(ctx, db, r, "snap", "ok", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var data string
	if err := db.QueryRowContext(ctx, `SELECT data FROM findings WHERE run_id = ? AND finding_id = ?`, id, r.Findings[0].ID).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(data, r.Findings[0].ID) || strings.Contains(data, `"ruleId"`) {
		t.Fatalf("data repeats the columns: %s", data)
	}
	got, err := LoadRun(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(r.Findings)
	Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("loaded\n%+v\nwant\n%+v", got, want)
	}
	// The earlier layout: the whole finding in data.
	old, _ := json.Marshal(r.Findings[0])
	if _, err := db.ExecContext(ctx, `UPDATE findings SET data = ? WHERE run_id = ? AND finding_id = ?`, string(old), id, r.Findings[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, err = LoadRun(ctx, db, id); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("earlier layout loaded %+v, %v", got, err)
	}
}

// TestHTMLInJapanese: with Lang ja the report's labels, statuses and
// severities come from the Japanese catalog and the page says lang="ja";
// values are still escaped.
func TestHTMLInJapanese(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, output.HTML, sampleReport(), RenderOptions{Lang: i18n.Ja}); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, want := range []string{`<html lang="ja">`, i18n.T(i18n.Ja, "html.by_framework"), i18n.T(i18n.Ja, "header.REMEDIATION"),
		i18n.T(i18n.Ja, "status.FAILED"), "&lt;b&gt;"} {
		if !strings.Contains(s, want) {
			t.Errorf("Japanese HTML lacks %q", want)
		}
	}
	if strings.Contains(s, "By framework") || strings.Contains(s, "<b>") {
		t.Error("Japanese HTML keeps an English heading or an unescaped value")
	}
}
