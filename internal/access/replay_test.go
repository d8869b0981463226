package access_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/trail"
)

// regionSCP returns the demo's region-allow-list SCP with its allowed
// regions replaced (nil keeps them).
func regionSCP(t testing.TB, src *orgsnap.Source, regions []string) (authz.Named, string) {
	t.Helper()
	for _, p := range src.Snap.Org.Policies {
		if p.Name != "region-allow-list" {
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(p.Content), &doc); err != nil {
			t.Fatal(err)
		}
		if regions != nil {
			st := doc["Statement"].([]any)[0].(map[string]any)
			st["Condition"].(map[string]any)["StringNotEquals"].(map[string]any)["aws:RequestedRegion"] = regions
		}
		b, _ := json.Marshal(doc)
		pol, err := policy.Compile("proposed", b)
		if err != nil {
			t.Fatal(err)
		}
		return authz.Named{ID: "proposed", Policy: pol}, p.Id
	}
	t.Fatal("no region-allow-list in the demo")
	return authz.Named{}, ""
}

func replayDemo(t *testing.T, prop access.Proposal) *access.ReplayResult {
	t.Helper()
	src := demoSource(t)
	logs, err := trail.OpenLocal(filepath.Join(demoDir, "logarchive"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := access.Replay(context.Background(), logs, access.NewReplayer(src, authz.New(), prop), trail.IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.FileErrors) > 0 {
		t.Fatalf("file errors: %v", res.FileErrors)
	}
	return res
}

// TestReplayDemoRegionSCP replays the demo's archive against its own
// region SCP: in place of itself nothing changes; narrowed to Tokyo
// (the example) it denies the calls made in us-east-1 and
// us-west-2 by member accounts' principals other than the break-glass
// role, to services the SCP does not exempt, and nothing else.
func TestReplayDemoRegionSCP(t *testing.T) {
	src := demoSource(t)
	root := src.Snap.Org.Roots[0].Id
	same, id := regionSCP(t, src, nil)
	res := replayDemo(t, access.Proposal{Policy: same, Type: org.SCP, Target: root, Replace: id})
	if len(res.NewlyDenied)+len(res.NewlyAllowed) != 0 {
		t.Errorf("the SCP in place of itself changed %d/%d groups", len(res.NewlyDenied), len(res.NewlyAllowed))
	}
	if res.Records != 1940 || res.Replayed < 1800 {
		t.Errorf("%d records, %d replayed", res.Records, res.Replayed)
	}
	if res.NotReplayed[access.SkipNotAPICall] != 3 {
		t.Errorf("not replayed: %v (the 3 console sign-ins are not API calls)", res.NotReplayed)
	}

	tokyo, _ := regionSCP(t, src, []string{"ap-northeast-1"})
	res = replayDemo(t, access.Proposal{Policy: tokyo, Type: org.SCP, Target: root, Replace: id})
	if len(res.NewlyDenied) == 0 || len(res.NewlyAllowed) != 0 {
		t.Fatalf("Tokyo only: %d newly denied groups, %d newly allowed", len(res.NewlyDenied), len(res.NewlyAllowed))
	}
	mgmt := src.Snap.Org.MasterAccountId
	calls := 0
	for _, c := range res.NewlyDenied {
		calls += c.Calls
		if c.Account == mgmt || strings.Contains(c.Principal, "KumoBreakGlass") {
			t.Errorf("SCPs do not apply to %s in %s", c.Principal, c.Account)
		}
		if c.Statement != "proposed#DenyOutsideAllowedRegions" {
			t.Errorf("%s %s: statement %q", c.Principal, c.Action, c.Statement)
		}
		svc, _, _ := strings.Cut(c.Action, ":")
		switch svc {
		case "iam", "sts", "organizations", "support", "cloudfront", "route53":
			t.Errorf("%s is exempt from the region SCP", c.Action)
		}
	}
	t.Logf("Tokyo only: %d calls newly denied in %d groups", calls, len(res.NewlyDenied))
}

// TestReplayMatchesSimulate: every replayed request, decided as
// `policy simulate --snapshot` decides it (orgsnap.Fill with the
// request's principal, action, resource and context), gets the decision
// the replay gave it, before and after the proposal.
func TestReplayMatchesSimulate(t *testing.T) {
	src := demoSource(t)
	root := src.Snap.Org.Roots[0].Id
	tokyo, id := regionSCP(t, src, []string{"ap-northeast-1"})
	prop := access.Proposal{Policy: tokyo, Type: org.SCP, Target: root, Replace: id}
	rp := access.NewReplayer(src, authz.New(), prop)
	eng := authz.New()
	logs, err := trail.OpenLocal(filepath.Join(demoDir, "logarchive"))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := trail.ListAll(context.Background(), logs, &trail.Filter{}, trail.KindLog)
	if err != nil {
		t.Fatal(err)
	}
	compared, differ := 0, 0
	for _, o := range objs {
		rc, err := logs.Open(context.Background(), o.Key)
		if err != nil {
			t.Fatal(err)
		}
		d := trail.NewDecoder(rc)
		for {
			rec, err := d.Next()
			if err != nil {
				break
			}
			before, after, q, ok := access.ReplayInputs(rp, rec)
			if !ok {
				continue
			}
			for i, in := range []*authz.Input{before, after} {
				sim := &authz.Input{Principal: in.Principal, Action: q.Action, Resource: q.Resource, ResourceAccount: in.ResourceAccount, Context: authz.NewContext(q.Context)}
				if err := src.Fill(sim); err != nil {
					t.Fatal(err)
				}
				if i == 1 {
					for l := range sim.SCPs {
						if sim.SCPs[l].ID == root {
							var keep []authz.Named
							for _, p := range sim.SCPs[l].Policies {
								if !strings.HasPrefix(p.ID, id+" ") {
									keep = append(keep, p)
								}
							}
							sim.SCPs[l].Policies = append(keep, tokyo)
						}
					}
				}
				compared++
				if eng.Decide(sim) != eng.Decide(in) {
					differ++
					if differ < 5 {
						t.Errorf("%s %s %s: replay %v, simulate %v", q.Principal, q.Action, q.Resource, eng.Decide(in), eng.Decide(sim))
					}
				}
			}
		}
		rc.Close()
	}
	if compared < 3000 || differ > 0 {
		t.Errorf("%d decisions compared, %d differ", compared, differ)
	}
}
