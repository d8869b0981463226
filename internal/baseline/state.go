package baseline

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
)

// State is what the baseline's organization-level objects look like now,
// as Read finds them in AWS (or as a test or snapshot sets them). A nil
// map means nothing of that kind exists.
type State struct {
	// StackSets by name.
	StackSets map[string]StackSetState `json:"stackSets,omitempty"`
	// Trails by name, as the management account's home region lists them.
	Trails map[string]TrailState `json:"trails,omitempty"`
	// Admins maps a service (guardduty, securityhub, inspector, macie)
	// and region, "service/region", to its delegated administrator
	// account id as the service itself reports it.
	Admins map[string]string `json:"admins,omitempty"`
	// AutoEnable holds "service/region" keys whose organization
	// configuration enables new accounts automatically.
	AutoEnable map[string]bool `json:"autoEnable,omitempty"`
	// Aggregators are the Config aggregator names in the Audit account.
	Aggregators []string `json:"aggregators,omitempty"`
	// Analyzers are the organization analyzers (name) in the Audit
	// account's home region.
	Analyzers []string `json:"analyzers,omitempty"`
	// HubPolicies maps a Security Hub configuration policy's name (in
	// the Audit account's home region) to HubFingerprint of its
	// standards.
	HubPolicies map[string]string `json:"hubPolicies,omitempty"`
	// RootFeatures are IAM's enabled centralized root access features
	// (ListOrganizationsFeatures): RootCredentialsManagement,
	// RootSessions.
	RootFeatures []string `json:"rootFeatures,omitempty"`
	// RootCredentials maps a member account id to the root user
	// credentials a root session found there (absent: not read).
	RootCredentials map[string]RootCredentials `json:"rootCredentials,omitempty"`
	// Members maps "service/region" to the accounts enabled as members
	// of the Audit account by invitation (standalone mode).
	Members map[string][]string `json:"members,omitempty"`
}

// HubFingerprint digests the set of Security Hub standards of a
// configuration policy, given as orgrail's names (fsbp, cis, ...).
func HubFingerprint(standards []string) string {
	s := slices.Clone(standards)
	sort.Strings(s)
	return "securityhub:" + digest(strings.Join(slices.Compact(s), ","))
}

// StackSetState is one StackSet and where its instances are.
type StackSetState struct {
	// Hash is the Template.Hash of the deployed template and parameters.
	Hash       string   `json:"hash"`
	AutoDeploy bool     `json:"autoDeploy,omitempty"`
	Targets    []string `json:"targets,omitempty"` // OU ids or account ids deployed to
	Regions    []string `json:"regions,omitempty"`
}

// TrailState is the part of a trail the baseline sets.
type TrailState struct {
	Bucket         string `json:"bucket"`
	KMSKey         string `json:"kmsKey,omitempty"`
	Organization   bool   `json:"organization"`
	MultiRegion    bool   `json:"multiRegion"`
	GlobalEvents   bool   `json:"globalEvents"`
	FileValidation bool   `json:"fileValidation"`
	Logging        bool   `json:"logging"`
}

// Fingerprint digests a StackSet's state.
func (s StackSetState) Fingerprint() string {
	t, r := slices.Clone(s.Targets), slices.Clone(s.Regions)
	sort.Strings(t)
	sort.Strings(r)
	auto := "manual"
	if s.AutoDeploy {
		auto = "auto"
	}
	return "stackset:" + digest(s.Hash+"|"+auto+"|"+strings.Join(t, ",")+"|"+strings.Join(r, ","))
}

// Fingerprint digests a trail's state.
func (t TrailState) Fingerprint() string {
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	return "trail:" + digest(t.Bucket+"|"+t.KMSKey+"|"+b(t.Organization)+b(t.MultiRegion)+b(t.GlobalEvents)+b(t.FileValidation)+b(t.Logging))
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

// RegionKey is the key of State.Admins and State.AutoEnable.
func RegionKey(service, region string) string { return service + "/" + region }
