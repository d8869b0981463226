package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLargeConfig writes a configuration with n accounts spread over
// Workloads sub-OUs, and a handful of SCPs attached to every OU.
func writeLargeConfig(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("ous:\n  - path: Workloads\n")
	for i := range 20 {
		fmt.Fprintf(&sb, "  - path: Workloads/Team%02d\n", i)
	}
	sb.WriteString("accounts:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  - name: acct-%05d\n    id: \"%012d\"\n    email: aws+acct-%05d@example.com\n    ou: Workloads/Team%02d\n    owner: team-%02d\n    environment: prod\n    system: sys-%d\n    tags: {CostCenter: CC-%d}\n",
			i, 100000000000+i, i, i%20, i%20, i%7, i%13)
	}
	sb.WriteString("policies:\n")
	for i := range 4 {
		fmt.Fprintf(&sb, "  - name: scp-%d\n    type: SERVICE_CONTROL_POLICY\n    file: p.json\n    targets: [Root, Workloads]\n", i)
	}
	sb.WriteString("standards:\n  allowedRegions: [us-east-1, eu-west-1]\n")
	if err := os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte(doc), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkLoad sweeps configuration sizes; compare ns/op between
// sizes to see how validation scales with the number of accounts.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		dir := writeLargeConfig(b, n)
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			for b.Loop() {
				_, diags, err := Load(dir)
				if err != nil || len(diags) != 0 {
					b.Fatal(err, diags)
				}
			}
		})
	}
}
