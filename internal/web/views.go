package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/org"
)

// TreeView is the OU tree with open failures per account.
type TreeView struct {
	OpenByAccount map[string]int
}

func (s *Server) treeView(_ *http.Request, d *Data, _ *Page) (any, error) {
	return buildTree(d), nil
}

func buildTree(d *Data) *TreeView {
	v := &TreeView{OpenByAccount: map[string]int{}}
	for i := range d.Report.Findings {
		if f := &d.Report.Findings[i]; f.Open() {
			v.OpenByAccount[f.Account]++
		}
	}
	return v
}

// PolicyView is one policy with its text and targets.
type PolicyView struct {
	Policy  *org.Policy
	Text    string
	Targets []Target
	Sim     *SimForm
}

// Target is a policy's attachment point.
type Target struct {
	ID, Name, Kind string
}

func (s *Server) policyView(r *http.Request, d *Data, _ *Page) (any, error) {
	return buildPolicy(d, r.PathValue("id"))
}

func buildPolicy(d *Data, id string) (*PolicyView, error) {
	p := d.Org.Policy(id)
	if p == nil {
		return nil, errNotFound
	}
	v := &PolicyView{Policy: p, Text: p.Content}
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(p.Content), "", "  ") == nil {
		v.Text = buf.String()
	}
	for _, t := range p.Targets {
		v.Targets = append(v.Targets, Target{ID: t, Name: d.Org.Name(t), Kind: org.TargetKind(t)})
	}
	if p.Type == org.SCP || p.Type == org.RCP {
		v.Sim = &SimForm{Resource: "*"}
		v.Sim.Action = firstAction(p.Content)
		for _, t := range p.Targets {
			if as := d.Org.AccountsUnder(t); len(as) > 0 {
				v.Sim.Principal = "arn:aws:iam::" + as[0].Id + ":role/Example"
				break
			}
		}
	}
	return v, nil
}

// firstAction picks an action a policy names, to prefill the simulator.
func firstAction(doc string) string {
	var p struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return ""
	}
	var sts []map[string]json.RawMessage
	if json.Unmarshal(p.Statement, &sts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(p.Statement, &one) != nil {
			return ""
		}
		sts = append(sts, one)
	}
	for _, st := range sts {
		for _, k := range []string{"Action", "NotAction"} {
			var one string
			if json.Unmarshal(st[k], &one) == nil && one != "" && !strings.Contains(one, "*") {
				return one
			}
			var many []string
			if json.Unmarshal(st[k], &many) == nil {
				for _, a := range many {
					if !strings.Contains(a, "*") {
						return a
					}
				}
			}
		}
	}
	return ""
}

// ComplianceView is the heatmap, the trend and the framework totals.
type ComplianceView struct {
	Heat    *Heatmap
	Trend   *Series
	Summary *findings.Summary
}

func (s *Server) complianceView(r *http.Request, d *Data, p *Page) (any, error) {
	return s.l.compliance(r.Context(), d, p.T)
}

// AccountView is one account's page.
type AccountView struct {
	Account    *org.Account
	OU         string
	Owner, Env string
	Counts     findings.Counts
	Open       []findings.Finding
	Detections []*notify.TriageItem
	SCPs, RCPs []org.Level
	// LevelNames names each level of SCPs (root, OUs, the account).
	LevelNames []string
}

func (s *Server) accountView(r *http.Request, d *Data, _ *Page) (any, error) {
	return buildAccount(d, r.PathValue("id"))
}

func buildAccount(d *Data, id string) (*AccountView, error) {
	a := d.Account(id)
	if a == nil {
		return nil, errNotFound
	}
	v := &AccountView{Account: a, OU: d.Org.OUPath(a.Id), Owner: a.Tags["Owner"], Env: a.Tags["Environment"],
		SCPs: d.Org.PoliciesInForce(a.Id, org.SCP), RCPs: d.Org.PoliciesInForce(a.Id, org.RCP)}
	for _, l := range v.SCPs {
		v.LevelNames = append(v.LevelNames, d.Org.Name(l.Target))
	}
	for i := range d.Report.Findings {
		f := &d.Report.Findings[i]
		if f.Account != a.Id {
			continue
		}
		v.Counts.Add(f)
		if f.Open() {
			v.Open = append(v.Open, *f)
		}
	}
	sortBySeverity(v.Open)
	for _, it := range d.Triage {
		if it.Event.Account == a.Id && len(v.Detections) < 25 {
			v.Detections = append(v.Detections, it)
		}
	}
	return v, nil
}

func sortBySeverity(fs []findings.Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity > fs[j].Severity })
}

// FindingsView is the filtered findings list.
type FindingsView struct {
	Filter   FindingFilter
	Rows     []findings.Finding
	Total    int
	Shown    int
	Accounts []*org.Account
	Statuses []string
	Levels   []string
	Fworks   []string
}

// FindingFilter is the findings page's query.
type FindingFilter struct {
	Status, Severity, Account, Rule, Framework string
}

// maxRows bounds a findings page.
const maxRows = 500

func (s *Server) findingsView(r *http.Request, d *Data, _ *Page) (any, error) {
	q := r.URL.Query()
	f := FindingFilter{Status: q.Get("status"), Severity: q.Get("severity"), Account: q.Get("account"),
		Rule: strings.TrimSpace(q.Get("rule")), Framework: q.Get("framework")}
	if _, ok := q["status"]; !ok {
		f.Status = string(findings.Failed)
	}
	return filterFindings(d, f, maxRows)
}

func filterFindings(d *Data, f FindingFilter, limit int) (*FindingsView, error) {
	v := &FindingsView{Filter: f, Statuses: []string{"FAILED", "PASSED", "NOT_APPLICABLE", "ERROR", "MUTED"},
		Levels: []string{"informational", "low", "medium", "high", "critical"}, Fworks: findings.Frameworks}
	for i := range d.Org.Accounts {
		v.Accounts = append(v.Accounts, &d.Org.Accounts[i])
	}
	sort.Slice(v.Accounts, func(i, j int) bool { return v.Accounts[i].Name < v.Accounts[j].Name })
	minLvl, ok := minSeverity(f.Severity)
	if !ok {
		return v, badRequest{"severity " + strconv.Quote(f.Severity) + ": want informational, low, medium, high or critical"}
	}
	if f.Framework != "" && !findings.ValidFramework(f.Framework) {
		return v, badRequest{"framework " + strconv.Quote(f.Framework) + ": want cis, fsbp, nist-csf or control-tower"}
	}
	for i := range d.Report.Findings {
		x := &d.Report.Findings[i]
		switch {
		case f.Status == "MUTED" && !(x.Status == findings.Failed && x.Muted),
			f.Status != "" && f.Status != "MUTED" && (string(x.Status) != f.Status || (x.Status == findings.Failed && x.Muted)),
			x.Severity < minLvl,
			f.Account != "" && x.Account != f.Account,
			f.Rule != "" && !strings.Contains(x.RuleID, f.Rule),
			f.Framework != "" && x.Mappings.Control(f.Framework) == "":
			continue
		}
		v.Total++
		if limit <= 0 || len(v.Rows) < limit {
			v.Rows = append(v.Rows, *x)
		}
	}
	sortBySeverity(v.Rows)
	v.Shown = len(v.Rows)
	return v, nil
}

// FindingView is one finding with its history and the mute form.
type FindingView struct {
	Finding *findings.Finding
	Rule    findings.RuleInfo
	History []HistoryRow
	Today   string
}

// HistoryRow is the finding's state in one stored run.
type HistoryRow struct {
	Run    findings.Run
	Status string
	Muted  bool
}

func (s *Server) findingView(r *http.Request, d *Data, p *Page) (any, error) {
	id := r.PathValue("id")
	var f *findings.Finding
	for i := range d.Report.Findings {
		if d.Report.Findings[i].ID == id {
			f = &d.Report.Findings[i]
		}
	}
	if f == nil {
		return nil, errNotFound
	}
	v := &FindingView{Finding: f, Rule: d.Report.Rules[f.RuleID], Today: d.LoadedAt.Format("2006-01-02")}
	if r.URL.Query().Get("muted") != "" {
		p.Flash = p.T("mute.done") + " " + MuteFile
	}
	if s.opt.Source.Store == nil {
		return v, nil
	}
	hist, err := findings.History(ctxOf(r), s.opt.Source.Store.DB(), id, f.RuleID, 60)
	if err != nil {
		return nil, err
	}
	byID := map[int64]findings.Run{}
	for _, run := range d.Runs {
		byID[run.ID] = run
	}
	for _, st := range hist {
		h := HistoryRow{Run: byID[st.RunID], Status: string(st.Status), Muted: st.Muted}
		h.Run.ID = st.RunID
		v.History = append(v.History, h)
	}
	return v, nil
}
