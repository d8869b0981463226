package apply_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/store"
)

// crashConfig is a small landing zone: OUs two deep, accounts created and moved, SCPs and an
// RCP attached, tags.
const crashConfig = `organization:
  id: %s
  managementAccount: management
ous:
  - path: Core
  - path: Apps
    tags: {Tier: apps}
  - path: Apps/Prod
  - path: Apps/Dev
accounts:
  - {name: management, id: "%s", email: m@example.com, ou: Root}
  - {name: logs, email: logs@example.com, ou: Core, tags: {Owner: sec}}
  - {name: shop-prod, email: shop-prod@example.com, ou: Apps/Prod}
  - {name: shop-dev, email: shop-dev@example.com, ou: Apps/Dev, tags: {Owner: shop}}
policies:
  - name: deny-leave
    type: SERVICE_CONTROL_POLICY
    file: deny-leave.json
    targets: [Root]
  - name: deny-s3-delete
    type: SERVICE_CONTROL_POLICY
    description: no bucket deletion in prod
    file: deny-s3.json
    targets: [Apps/Prod, shop-dev]
  - name: tls
    type: RESOURCE_CONTROL_POLICY
    file: tls.json
    targets: [Apps]
`

func writeCrashConfig(t *testing.T, orgID, mgmt string) string {
	dir := t.TempDir()
	files := map[string]string{
		"lz.yaml":         fmt.Sprintf(crashConfig, orgID, mgmt),
		"deny-leave.json": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`,
		"deny-s3.json":    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`,
		"tls.json":        `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`,
	}
	for n, s := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// applyKilledAt runs `orgrail apply PLAN` and SIGKILLs it as soon as
// its journal has made n transitions (a step counts 1 once started, 2
// once done). The test holds the
// store's write lock between looks at the journal, so the binary waits
// on its next journal write while the test counts: the kill lands at
// that journal step, however fast or slow the machine. It reports
// whether the kill happened (apply may finish first when n is larger
// than the journal).
func applyKilledAt(t *testing.T, m *moto, state, planFile string, n int) bool {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, state) // creates the schema the binary expects
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cmd := m.orgrailCmd(t, ctx, state, "apply", planFile, "--rate-limit", "0", "--quiet")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			t.Fatal(err)
		}
		var rows int
		if err := conn.QueryRowContext(ctx, `SELECT COALESCE(sum(CASE status WHEN 'done' THEN 2 ELSE 1 END), 0) FROM apply_steps`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows >= n {
			cmd.Process.Signal(syscall.SIGKILL) // the apply this test started
			<-done
			conn.ExecContext(ctx, "ROLLBACK")
			return true
		}
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("apply ended with %v before journal step %d\n%s", err, n, stderr.String())
			}
			return false
		case <-time.After(time.Millisecond):
		}
	}
}

// TestMotoCrashResume kills the built binary with SIGKILL at a random
// journal step, 20 times on fresh organizations, and applies again: the
// end state is always the configuration (plan finds nothing to do) with
// no duplicate OU, account or policy.
func TestMotoCrashResume(t *testing.T) {
	if testing.Short() {
		t.Skip("20 apply runs against moto")
	}
	m := startMoto(t)
	rng := rand.New(rand.NewPCG(14, 2026))
	killed := 0
	for run := range 20 {
		m.reset(t)
		orgID, mgmt := m.createOrganization(t)
		dir := writeCrashConfig(t, orgID, mgmt)
		tmp := t.TempDir()
		state, planFile := filepath.Join(tmp, "state.db"), filepath.Join(tmp, "lz.plan")
		if r := m.orgrail(t, state, "plan", "--config", dir, "--out", planFile); r.code != 4 {
			t.Fatalf("run %d: plan exit %d\n%s", run, r.code, r.stderr)
		}
		n := 1 + rng.IntN(2*planLength(t, planFile)) // two journal transitions per step
		if applyKilledAt(t, m, state, planFile, n) {
			killed++
		}
		if r := m.orgrail(t, state, "apply", planFile, "--rate-limit", "0", "--quiet"); r.code != 0 {
			t.Fatalf("run %d (killed at journal step %d): resumed apply exit %d\n%s%s", run, n, r.code, r.stdout, r.stderr)
		}
		if r := m.orgrail(t, state, "plan", "--config", dir); r.code != 0 {
			t.Fatalf("run %d (killed at journal step %d): plan after resume exit %d\n%s", run, n, r.code, r.stdout)
		}
		checkNoDuplicates(t, m, fmt.Sprintf("run %d", run))
	}
	if killed < 20 {
		t.Errorf("only %d of 20 runs were killed before apply finished", killed)
	}
}

// planLength returns the number of changes in a plan file.
func planLength(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p plan.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return len(p.Changes)
}

// checkNoDuplicates reads the organization with the SDK and fails on two
// OUs of one name under one parent, two accounts with one email, or two
// policies of one type and name.
func checkNoDuplicates(t *testing.T, m *moto, where string) {
	t.Helper()
	o, err := collect.Discover(context.Background(), m.sdkConfig())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	check := func(k string) {
		if seen[k] {
			t.Errorf("%s: duplicate %s", where, k)
		}
		seen[k] = true
	}
	for _, u := range o.OrganizationalUnits {
		check("ou " + u.ParentId + "/" + u.Name)
	}
	for _, a := range o.Accounts {
		check("account " + strings.ToLower(a.Email))
	}
	for _, p := range o.Policies {
		check("policy " + p.Type + "/" + p.Name)
	}
}
