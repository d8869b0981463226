package access_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/trail"
)

// TestReplayDecisionsMatchSimulate replays the demo archive with two
// more copies of it (role sessions renamed, S3 object calls under
// several key prefixes) and checks the decision replay gave every
// replayed call — from its cache or afresh — against the engine deciding
// the record's own request as `policy simulate --snapshot` does, before
// and after the proposal. The proposals include policies under which
// session names and object keys matter (a Resource pattern on a key
// prefix, an RCP naming one session), so that collapsing them in the
// cache would show up as a difference.
func TestReplayDecisionsMatchSimulate(t *testing.T) {
	dir := t.TempDir()
	if _, err := access.WriteReplayArchive(dir, 3); err != nil {
		t.Fatal(err)
	}
	src, err := orgsnap.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	root := src.Snap.Org.Roots[0].Id
	tokyo, regionID := regionSCP(t, src, []string{"ap-northeast-1"})
	var sessions []string
	for _, id := range src.Snap.Org.AccountIDs() {
		sessions = append(sessions, `"arn:aws:sts::`+id+`:assumed-role/AWSReservedSSO_ReadOnly_9b2e7c41d05f3a18/taro.yamada@kumofoods.example.r1"`)
	}
	compile := func(name, doc string) authz.Named {
		pol, err := policy.Compile(name, []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return authz.Named{ID: name, Policy: pol}
	}
	cases := []struct {
		name    string
		prop    access.Proposal
		keys    bool // object keys must matter
		session bool // session names must matter
	}{
		{name: "tokyo", prop: access.Proposal{Policy: tokyo, Type: org.SCP, Target: root, Replace: regionID}},
		{name: "object keys", keys: true, prop: access.Proposal{Type: org.SCP, Target: root, Policy: compile("keys",
			`{"Version":"2012-10-17","Statement":[{"Sid":"NoConfidential","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*/confidential/*"},
			{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::*/reports/2/*"}]}`)}},
		{name: "session names", session: true, prop: access.Proposal{Type: org.RCP, Target: root, Policy: compile("session",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":[`+strings.Join(sessions, ",")+`]},"Action":"*","Resource":"*"}]}`)}},
		{name: "userid", prop: access.Proposal{Type: org.SCP, Target: root, Policy: compile("userid",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:userid":"*:ben.ortiz*.r2"}}}]}`)}},
	}
	logs, err := trail.OpenLocal(filepath.Join(dir, "logarchive"))
	if err != nil {
		t.Fatal(err)
	}
	eng := authz.New()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rp := access.NewReplayer(src, authz.New(), tc.prop)
			fresh := access.NewReplayer(src, authz.New(), tc.prop)
			var mu sync.Mutex
			compared, differ, changed := 0, 0, 0
			var objects, renamed int
			access.Observe(rp, func(rec *trail.Record, d [2]authz.Decision) {
				mu.Lock()
				defer mu.Unlock()
				_, _, q, ok := access.ReplayInputs(fresh, rec)
				if !ok {
					t.Errorf("%s: replayed, but no request", trail.Text(rec.EventID))
					return
				}
				if strings.Contains(q.Resource, ":s3:::") && strings.Contains(q.Resource, "/") {
					objects++
				}
				if strings.Contains(q.Principal, ".r") {
					renamed++
				}
				for i := range d {
					sim := simulateInput(t, src, q)
					if i == 1 {
						propose(sim, tc.prop, root)
					}
					compared++
					if got := eng.Decide(sim); got != d[i] {
						differ++
						if differ < 5 {
							t.Errorf("%s %s %s (%d): replay %v, simulate %v", q.Principal, q.Action, q.Resource, i, d[i], got)
						}
					}
				}
				if (d[0] == authz.Allowed) != (d[1] == authz.Allowed) {
					changed++
				}
			})
			res, err := access.Replay(context.Background(), logs, rp, trail.IngestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if compared != 2*int(res.Replayed) || differ > 0 {
				t.Errorf("%d decisions compared for %d replayed calls, %d differ", compared, res.Replayed, differ)
			}
			if objects < 500 || renamed < 1000 {
				t.Errorf("only %d object calls, %d renamed sessions", objects, renamed)
			}
			if (tc.keys || tc.session) && changed == 0 {
				t.Errorf("the proposal changed no decision")
			}
			t.Logf("%d records, %d replayed, %d decided afresh, %d changed", res.Records, res.Replayed, res.Decided, changed)
		})
	}
}

// simulateInput builds the request as `policy simulate --snapshot` does.
func simulateInput(t *testing.T, src *orgsnap.Source, q access.ReplayRequest) *authz.Input {
	t.Helper()
	sub, _ := authz.ParsePrincipal(q.Principal, "")
	sim := &authz.Input{Principal: sub, Action: q.Action, Resource: q.Resource, Context: authz.NewContext(q.Context)}
	if err := src.Fill(sim); err != nil {
		t.Fatal(err)
	}
	return sim
}

// propose attaches the proposal at the root, in place of the policy it
// replaces.
func propose(in *authz.Input, prop access.Proposal, root string) {
	levels := &in.SCPs
	if prop.Type == org.RCP {
		levels = &in.RCPs
	}
	out := make([]authz.Level, len(*levels))
	copy(out, *levels)
	for l := range out {
		if out[l].ID != root {
			continue
		}
		var keep []authz.Named
		for _, p := range out[l].Policies {
			if prop.Replace == "" || !strings.HasPrefix(p.ID, prop.Replace+" ") {
				keep = append(keep, p)
			}
		}
		out[l].Policies = append(keep, prop.Policy)
	}
	*levels = out
}
