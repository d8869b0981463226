package config

import (
	"encoding/json"
	"testing"
)

// Identity section cases, added to the load cases (and so to
// TestEveryCodeTested).
func init() {
	const ous = "ous:\n  - path: Workloads\n  - path: Workloads/Prod\n"
	add := func(name string, files map[string]string, want ...string) {
		loadCases = append(loadCases, struct {
			name  string
			files map[string]string
			want  []string
		}{name, files, want})
	}
	add("identity fine", map[string]string{"a.yaml": twoAccounts + ous + identityFine, "admin-inline.json": `{"Version": "2012-10-17", "Statement": []}`})
	add("identity permission set problems", map[string]string{"a.yaml": twoAccounts + ous + `identity:
  permissionSets:
    - name: »Has Space
    - name: Ok
      sessionDuration: »PT13H
      managedPolicies: [»arn:aws:iam::123456789012:policy/Mine]
      customerManagedPolicies:
        - name: Good
          path: »team
      permissionsBoundary:
        »managedPolicy: arn:aws:iam::aws:policy/PowerUserAccess
        customerManagedPolicy: {name: B}
    - name: »Ok
`, "x.json": "{}"}, "identity-permission-set", "identity-permission-set", "identity-permission-set", "identity-permission-set", "identity-permission-set", "identity-permission-set")
	add("identity assignment problems", map[string]string{"a.yaml": twoAccounts + ous + `identity:
  region: »mars-1
  manage: »all
  permissionSets:
    - name: Admin
      inlinePolicy: »nope.json
  assignments:
    - permissionSet: »Admn
      groups: [Platform]
      accounts: [»gamma]
      ous: [»Workloads/Dev]
    - »»permissionSet: Admin
`}, "bad-region", "ou-bad-manage", "policy-file-missing", "identity-assignment", "unknown-account", "unknown-ou", "identity-assignment", "identity-assignment")
	const sec = "security:\n  auditAccount: beta\n"
	add("identity roles fine", map[string]string{"a.yaml": twoAccounts + sec + `identity:
  roles:
    - name: SecurityAudit
      description: Read-only for the security team.
      managedPolicies: [arn:aws:iam::aws:policy/SecurityAudit]
      trust: {account: beta, role: Responders, mfa: true, mfaMaxAgeSeconds: 3600, sourceIdentity: ["*@example.com"]}
    - name: Deployer
      inlinePolicy: deploy.json
      maxSessionDuration: 7200
`, "deploy.json": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`})
	add("identity role problems", map[string]string{"a.yaml": twoAccounts + sec + `identity:
  roles:
    - name: »Has Space
      managedPolicies: [»arn:aws:iam::123456789012:policy/Mine]
      maxSessionDuration: »60
    - »name: NoPermissions
    - name: Trusting
      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      trust: {account: »alpha, role: »"arn:aws:iam::1:role/x", mfaMaxAgeSeconds: »-1, sourceIdentity: [»"a b"]}
    - name: »Trusting
      inlinePolicy: »missing.json
`}, "identity-role", "identity-role", "identity-role", "identity-role", "identity-role-trust", "identity-role-trust", "identity-role-trust", "identity-role-trust", "identity-role", "policy-file-missing")
	add("identity roles without a security account", map[string]string{"a.yaml": twoAccounts + `identity:
  roles:
    - name: Audit
      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      trust: »{mfa: true}
`}, "identity-role-trust")
}

const identityFine = `identity:
  region: eu-west-1
  permissionSets:
    - name: Admin
      description: Full access, for the platform team.
      sessionDuration: PT1H30M
      relayState: https://console.aws.amazon.com/
      managedPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
      customerManagedPolicies: [{name: DenyBilling, path: /guard/}]
      inlinePolicy: admin-inline.json
      permissionsBoundary:
        customerManagedPolicy: {name: Boundary}
      tags: {Owner: platform}
  assignments:
    - permissionSet: Admin
      groups: [Platform]
      users: [akiko.sato]
      accounts: [alpha, "123456789012"]
      ous: [Workloads/Prod, Root]
`

func TestIdentityLoaded(t *testing.T) {
	dir, _ := writeCase(t, map[string]string{"a.yaml": twoAccounts + "ous:\n  - path: Workloads\n  - path: Workloads/Prod\n" + identityFine,
		"admin-inline.json": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}\n"}, nil)
	c, diags, err := Load(dir)
	if err != nil || len(diags) > 0 {
		t.Fatal(err, diags)
	}
	ps := c.Identity.PermissionSet("Admin")
	if ps == nil || string(ps.InlineContent) != `{"Version":"2012-10-17","Statement":[]}` || ps.PermissionsBoundary.String() != "/Boundary" {
		t.Fatalf("got %+v", ps)
	}
	// The identity section survives the JSON round trip a plan's Desired
	// makes (apply reads the configuration from it).
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Identity.PermissionSet("Admin"); got == nil || string(got.InlineContent) != string(ps.InlineContent) || len(back.Identity.Assignments) != 1 {
		t.Fatalf("round trip lost the identity section: %s", b)
	}
}

func TestValidSession(t *testing.T) {
	for d, want := range map[string]bool{"PT1H": true, "PT12H": true, "PT90M": true, "PT1H30M": true, "PT59M": false, "PT12H1M": false, "PT": false, "P1D": false, "PT0H": false} {
		if validSession(d) != want {
			t.Errorf("validSession(%q) = %v", d, !want)
		}
	}
}
