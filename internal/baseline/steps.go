package baseline

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Step kinds.
const (
	KindStackSet   = "stackset"
	KindTrail      = "org-trail"
	KindAdmin      = "service-admin"
	KindAutoEnable = "auto-enable"
	KindAggregator = "config-aggregator"
	KindAnalyzer   = "access-analyzer"
	KindHubPolicy  = "securityhub-policy"
	// KindRootFeatures turns on IAM's centralized root access features
	// in the management account; KindRootCredentials removes one member
	// account's root user credentials through sts:AssumeRoot.
	KindRootFeatures    = "root-access"
	KindRootCredentials = "root-credentials"
	// KindMembers (standalone mode) makes the listed accounts members of
	// the Audit account's GuardDuty or Security Hub by invitation.
	KindMembers = "service-members"
)

// States Observe reports besides fingerprints.
const (
	StateAbsent  = "absent"
	StatePresent = "present"
	StateOn      = "on"
	StateOff     = "off"
	// StateUnknown is a root-credentials step's version when the
	// account's root credentials could not be read (root sessions off).
	StateUnknown = "unknown"
)

// AdminServices are the security services whose own API designates the
// delegated administrator (EnableOrganizationAdminAccount) and turns on
// auto-enable (UpdateOrganizationConfiguration), region by region.
var AdminServices = []string{"guardduty", "securityhub", "inspector", "macie"}

// Step is one change that brings the baseline's organization-level
// objects to the configuration. Steps are plain data: apply executes
// them (Apply), Observe tells whether one is still to do.
type Step struct {
	// Key identifies the step, e.g. "stackset:orgrail-account-baseline".
	Key     string `json:"key"`
	Kind    string `json:"kind"`
	Address string `json:"address"`
	// Service is the security service of admin and auto-enable steps.
	Service string `json:"service,omitempty"`
	// Account is the account id the step acts in or designates.
	Account string   `json:"account,omitempty"`
	Regions []string `json:"regions,omitempty"`
	// Name is the trail, aggregator or analyzer name.
	Name string `json:"name,omitempty"`
	// Standards are the Security Hub standards of a securityhub-policy
	// step (fsbp, cis, ...); Target the root it is associated with.
	Standards []string `json:"standards,omitempty"`
	// Members are the member accounts of a service-members step.
	Members []string `json:"members,omitempty"`
	// Emails are the members' email addresses (GuardDuty's CreateMembers
	// wants one), by account id.
	Emails   map[string]string `json:"emails,omitempty"`
	Target   string            `json:"target,omitempty"`
	StackSet *StackSetSpec     `json:"stackSet,omitempty"`
	Trail    *TrailState       `json:"trail,omitempty"`
	// Version is the observed state the step was planned against and
	// Result the state once it is done (see Observe).
	Version   string   `json:"version"`
	Result    string   `json:"result"`
	DependsOn []string `json:"dependsOn,omitempty"`
}

// StackSetSpec is a service-managed StackSet and where it deploys.
type StackSetSpec struct {
	Template Template `json:"template"`
	// SelfManaged (standalone mode): the StackSet is administered from
	// the Admin account with the AWSCloudFormationStackSetAdministrationRole
	// and AWSCloudFormationStackSetExecutionRole roles, and deploys to
	// Accounts.
	SelfManaged bool   `json:"selfManaged,omitempty"`
	Admin       string `json:"admin,omitempty"`
	// OUs are the organizational unit (or root) ids deployed to; with
	// Accounts set, only those accounts of the OUs.
	OUs        []string `json:"ous"`
	Accounts   []string `json:"accounts,omitempty"`
	AutoDeploy bool     `json:"autoDeploy,omitempty"`
	Regions    []string `json:"regions"`
}

// State returns the StackSetState the spec leaves.
func (s *StackSetSpec) State() StackSetState {
	t := s.OUs
	if len(s.Accounts) > 0 {
		t = s.Accounts
	}
	return StackSetState{Hash: s.Template.Hash(), AutoDeploy: s.AutoDeploy, Targets: slices.Clone(t), Regions: slices.Clone(s.Regions)}
}

// Observe returns the current state of what a step changes: its Version
// while it is still to do, its Result once done, anything else when the
// object changed since the step was planned.
func Observe(step *Step, st *State) string {
	if st == nil {
		st = &State{}
	}
	switch step.Kind {
	case KindStackSet:
		ss, ok := st.StackSets[step.Name]
		if !ok {
			return StateAbsent
		}
		return ss.Fingerprint()
	case KindTrail:
		t, ok := st.Trails[step.Name]
		if !ok {
			return StateAbsent
		}
		return t.Fingerprint()
	case KindAdmin:
		return adminsFingerprint(st, step.Service, step.Regions)
	case KindAutoEnable:
		for _, r := range step.Regions {
			if !st.AutoEnable[RegionKey(step.Service, r)] {
				return StateOff
			}
		}
		return StateOn
	case KindAggregator:
		return presence(slices.Contains(st.Aggregators, step.Name))
	case KindAnalyzer:
		return presence(slices.Contains(st.Analyzers, step.Name))
	case KindHubPolicy:
		if f, ok := st.HubPolicies[step.Name]; ok {
			return f
		}
		return StateAbsent
	case KindRootFeatures:
		return FeaturesFingerprint(st.RootFeatures)
	case KindRootCredentials:
		if r, ok := st.RootCredentials[step.Account]; ok {
			return r.Fingerprint()
		}
		return StateUnknown
	case KindMembers:
		return membersFingerprint(st, step.Service, step.Regions, step.Members)
	}
	return ""
}

func presence(ok bool) string {
	if ok {
		return StatePresent
	}
	return StateAbsent
}

// adminsFingerprint names each region's administrator of a service.
func adminsFingerprint(st *State, service string, regions []string) string {
	parts := make([]string, 0, len(regions))
	for _, r := range regions {
		id := st.Admins[RegionKey(service, r)]
		if id == "" {
			id = "none"
		}
		parts = append(parts, r+"="+id)
	}
	sort.Strings(parts)
	return "admins:" + digest(strings.Join(parts, ","))
}

// wantAdmins is the fingerprint of every region administered by account.
func wantAdmins(service, account string, regions []string) string {
	st := &State{Admins: map[string]string{}}
	for _, r := range regions {
		st.Admins[RegionKey(service, r)] = account
	}
	return adminsFingerprint(st, service, regions)
}

// Effect records in st what a done step changed, so that later steps
// and a re-plan see it without reading AWS again.
func Effect(st *State, step *Step) {
	switch step.Kind {
	case KindStackSet:
		if st.StackSets == nil {
			st.StackSets = map[string]StackSetState{}
		}
		st.StackSets[step.Name] = step.StackSet.State()
	case KindTrail:
		if st.Trails == nil {
			st.Trails = map[string]TrailState{}
		}
		st.Trails[step.Name] = *step.Trail
	case KindAdmin:
		if st.Admins == nil {
			st.Admins = map[string]string{}
		}
		for _, r := range step.Regions {
			st.Admins[RegionKey(step.Service, r)] = step.Account
		}
	case KindAutoEnable:
		if st.AutoEnable == nil {
			st.AutoEnable = map[string]bool{}
		}
		for _, r := range step.Regions {
			st.AutoEnable[RegionKey(step.Service, r)] = true
		}
	case KindAggregator:
		if !slices.Contains(st.Aggregators, step.Name) {
			st.Aggregators = append(st.Aggregators, step.Name)
		}
	case KindAnalyzer:
		if !slices.Contains(st.Analyzers, step.Name) {
			st.Analyzers = append(st.Analyzers, step.Name)
		}
	case KindHubPolicy:
		if st.HubPolicies == nil {
			st.HubPolicies = map[string]string{}
		}
		st.HubPolicies[step.Name] = step.Result
	case KindRootFeatures:
		st.RootFeatures = slices.Clone(RootFeatures)
	case KindRootCredentials:
		if st.RootCredentials == nil {
			st.RootCredentials = map[string]RootCredentials{}
		}
		st.RootCredentials[step.Account] = RootCredentials{}
	case KindMembers:
		if st.Members == nil {
			st.Members = map[string][]string{}
		}
		for _, r := range step.Regions {
			k := RegionKey(step.Service, r)
			st.Members[k] = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(st.Members[k]), step.Members...))))
		}
	}
}

// String renders a step for messages.
func (s Step) String() string { return fmt.Sprintf("%s %s", s.Kind, s.Address) }
