package access_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/demo"
)

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

// demoSource opens the embedded demo organization, written once per
// test binary.
func demoSource(t testing.TB) *orgsnap.Source {
	t.Helper()
	demoOnce.Do(func() {
		if demoDir, demoErr = mkdirTemp(); demoErr == nil {
			_, demoErr = demo.WriteEmbedded(demoDir)
		}
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	src, err := orgsnap.Open(demoDir)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// plantedAccess is the access section of the demo's planted.json.
type plantedAccess struct {
	Analysis, Kind, Principal, Account, ResourceArn, From string
	Boundaries                                            []string
}

func readPlanted(t *testing.T) []plantedAccess {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(demoDir, "planted.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Access []plantedAccess }
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Access) == 0 {
		t.Fatal("planted.json has no access section")
	}
	return p.Access
}

func compareSets(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(got)
	sort.Strings(want)
	g, w := map[string]bool{}, map[string]bool{}
	for _, x := range got {
		g[x] = true
	}
	for _, x := range want {
		w[x] = true
	}
	for x := range g {
		if !w[x] {
			t.Errorf("%s: unexpected %s", what, x)
		}
	}
	for x := range w {
		if !g[x] {
			t.Errorf("%s: planted but not found: %s", what, x)
		}
	}
}

// TestExternalDemo: on the demo organization, external access is exactly
// what planted.json lists, plus the GitHub Actions deploy roles (OIDC
// trust, each pinned to one repository but decided by an identity
// provider outside the organization), which are part of the baseline.
// The public-read bucket of loyalty-prod is not external: the
// data-perimeter RCP on Workloads denies principals outside the
// organization.
func TestExternalDemo(t *testing.T) {
	src := demoSource(t)
	res, err := access.External(src, authz.New())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("policy error: %v", e)
	}
	var got, want []string
	deploy := 0
	for _, g := range res.Grants {
		if g.Kind == access.KindFederated && strings.HasSuffix(g.ResourceArn, "-deploy") && strings.HasSuffix(g.Principal, "/token.actions.githubusercontent.com") {
			deploy++
			continue
		}
		got = append(got, string(g.Kind)+" "+g.Principal+" "+g.ResourceArn)
	}
	for _, p := range readPlanted(t) {
		if p.Analysis == "external" {
			want = append(want, p.Kind+" "+p.Principal+" "+p.ResourceArn)
		}
	}
	compareSets(t, "external access", got, want)
	if deploy != 9 {
		t.Errorf("%d GitHub Actions deploy roles, want 9 (3 systems × dev, staging, prod)", deploy)
	}
	rep := res.Report(src.Snap)
	for _, f := range rep.Findings {
		if !strings.HasPrefix(f.ResourceType, "AWS::") || f.Message == "" || !strings.Contains(f.Message, "granted by ") {
			t.Errorf("finding without Access Analyzer type or statement: %+v", f)
		}
		if f.ResourceType == access.TypeS3AccessPoint && !strings.Contains(f.Message, "#VendorReadsExports, bucket/kumo-ci-artifacts-") {
			t.Errorf("access point finding does not name both the access point and the bucket statement: %s", f.Message)
		}
	}
	// ci-runners names the vendor too, but its network origin is a VPC.
	if res.VPCOnly != 1 {
		t.Errorf("%d VPC-only access points, want 1 (shared-services ci-runners)", res.VPCOnly)
	}
	doc, err := os.ReadFile("../../docs/access.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("On the demo (%d findings,", len(rep.Findings)); !strings.Contains(string(doc), want) {
		t.Errorf("docs/access.md does not say %q", want)
	}
}

// TestInternalDemo: the boundaries of demo.DemoBoundaries are broken by
// exactly the planted internal access, and the baseline edges
// (management and audit roles in every member) are in the graph.
func TestInternalDemo(t *testing.T) {
	src := demoSource(t)
	g, err := access.Internal(src, authz.New())
	if err != nil {
		t.Fatal(err)
	}
	var bs []access.Boundary
	for _, b := range demo.DemoBoundaries() {
		bs = append(bs, access.Boundary{Name: b.Name, From: b.From, OnlyFrom: b.OnlyFrom, To: b.To, Via: b.Via})
	}
	vs, unknown := g.Check(src.Snap.Org, bs)
	if len(unknown) > 0 {
		t.Errorf("unknown references: %v", unknown)
	}
	o := src.Snap.Org
	var got, want []string
	for _, v := range vs {
		got = append(got, v.Boundary+" "+v.Edge.From+" "+v.Edge.ResourceArn)
	}
	for _, p := range readPlanted(t) {
		if p.Analysis != "internal" {
			continue
		}
		for _, b := range p.Boundaries {
			if p.From != "*" {
				want = append(want, b+" "+p.From+" "+p.ResourceArn)
				continue
			}
			for _, id := range o.AccountIDs() { // open to every member: the dev accounts break dev-not-prod
				if strings.HasPrefix(o.OUPath(id), "Workloads/Dev") {
					want = append(want, b+" "+id+" "+p.ResourceArn)
				}
			}
		}
	}
	compareSets(t, "boundary violations", got, want)
	mgmt, audit := 0, 0
	for _, e := range g.Edges {
		switch {
		case e.From == o.MasterAccountId && strings.HasSuffix(e.ResourceArn, ":role/OrganizationAccountAccessRole"):
			mgmt++
		case o.Name(e.From) == "audit" && strings.HasSuffix(e.ResourceArn, ":role/KumoSecurityAudit"):
			audit++
		}
	}
	if mgmt != 15 || audit != 15 {
		t.Errorf("baseline edges: %d from management, %d from audit, want 15 each (every active member)", mgmt, audit)
	}
}

// TestAdminChainsDemo: on the demo organization, the member accounts
// that can become an administrator of another member account, and the
// roles trusting a whole other member account without conditions, are
// exactly the planted ones. The management account and the audit account
// (a hub: Security Hub's delegated administrator) are left out as
// sources; OrganizationAccountAccessRole and KumoSecurityAudit are theirs.
func TestAdminChainsDemo(t *testing.T) {
	src := demoSource(t)
	eng := authz.New()
	g, err := access.Internal(src, eng)
	if err != nil {
		t.Fatal(err)
	}
	o := src.Snap.Org
	hubs := access.AccountIDs(o, []string{"audit"})
	chains, err := access.AdminChains(src, eng, g, hubs)
	if err != nil {
		t.Fatal(err)
	}
	var got, want, gotRoots, wantRoots []string
	for _, c := range chains {
		got = append(got, c.From+" "+c.RoleArn)
		if c.Path[len(c.Path)-1] != c.RoleArn || c.Admin == "" {
			t.Errorf("chain %+v: path must end at the administrator role, with a reason", c)
		}
	}
	for _, e := range access.RootTrusts(src, g, hubs) {
		gotRoots = append(gotRoots, e.Principal+" "+e.ResourceArn)
	}
	for _, p := range readPlanted(t) {
		switch p.Kind {
		case "chainToAdmin":
			want = append(want, p.From+" "+p.ResourceArn)
		case "rootTrust":
			wantRoots = append(wantRoots, p.Principal+" "+p.ResourceArn)
		}
	}
	if len(want) == 0 || len(wantRoots) == 0 {
		t.Fatal("planted.json plants no chainToAdmin or rootTrust access")
	}
	compareSets(t, "chains to an administrator", got, want)
	compareSets(t, "unconditioned account trusts", gotRoots, wantRoots)
	for _, c := range chains {
		if strings.HasSuffix(c.RoleArn, "/payments-deployer") && len(c.Path) != 2 {
			t.Errorf("payments-dev reaches payments-deployer through payments-hotfix: path %v", c.Path)
		}
	}
	rep := access.ChainReport(src.Snap, chains, access.RootTrusts(src, g, hubs))
	if len(rep.Findings) != len(got)+len(gotRoots) {
		t.Errorf("%d findings for %d chains and %d trusts", len(rep.Findings), len(got), len(gotRoots))
	}
}
