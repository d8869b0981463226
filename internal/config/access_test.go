package config

// Access boundary cases, added to the load cases (and so to
// TestEveryCodeTested).
func init() {
	const ous = "ous:\n  - path: Workloads\n  - path: Workloads/Dev\n  - path: Workloads/Prod\n"
	loadCases = append(loadCases,
		struct {
			name  string
			files map[string]string
			want  []string
		}{"access boundaries fine", map[string]string{"a.yaml": twoAccounts + ous +
			"access:\n  boundaries:\n    - name: dev-not-prod\n      from: [Workloads/Dev]\n      to: [Workloads/Prod]\n    - name: only-alpha\n      onlyFrom: [alpha, \"123456789012\"]\n      to: [Root]\n      via: roleTrust\n"}, []string{}},
		struct {
			name  string
			files map[string]string
			want  []string
		}{"access boundary shape", map[string]string{"a.yaml": twoAccounts + ous +
			"access:\n  boundaries:\n    - »name: both\n      from: [alpha]\n      onlyFrom: [beta]\n      to: [beta]\n    - name: v\n      from: [alpha]\n      to: [beta]\n      via: »network\n    - name: »v\n      from: [alpha]\n      to: »[]\n"}, []string{"access-boundary", "access-boundary", "access-boundary", "access-boundary"}},
		struct {
			name  string
			files map[string]string
			want  []string
		}{"access boundary unknown ref", map[string]string{"a.yaml": twoAccounts + ous +
			"access:\n  boundaries:\n    - name: x\n      from: »[Workloads/Qa]\n      to: [Workloads/Prod]\n"}, []string{"access-unknown-ref"}},
	)
}
