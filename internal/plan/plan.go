// Package plan decides what must change in an AWS Organization for it to
// match a landing-zone configuration. Plan compares the desired state
// (internal/config) with the current one (internal/org, from a snapshot
// or a live discovery) and returns a Plan: plain data, ordered typed
// changes with their dependencies and the version of the object each was
// planned against. It talks to no AWS API; internal/apply executes it.
package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/catalog"
	"github.com/orgrail/orgrail/internal/diag"
)

// FormatVersion is the version of the Plan JSON document.
const FormatVersion = 1

// Kind is the kind of object a change acts on.
type Kind string

// Object kinds.
const (
	KindPolicyType    Kind = "policy-type"
	KindTrustedAccess Kind = "trusted-access"
	KindOU            Kind = "ou"
	KindAccount       Kind = "account"
	KindPolicy        Kind = "policy"
	KindAttachment    Kind = "attachment"
	KindDelegatedAdm  Kind = "delegated-admin"
	KindContact       Kind = "alternate-contact"
)

// Action is what a change does.
type Action string

// Actions. Symbol gives the character a rendered plan shows for each.
const (
	Create     Action = "create"
	Update     Action = "update"
	Delete     Action = "delete"
	Move       Action = "move"
	Tag        Action = "tag"
	Attach     Action = "attach"
	Detach     Action = "detach"
	Enable     Action = "enable"
	Invite     Action = "invite"
	Close      Action = "close"
	Register   Action = "register"
	Deregister Action = "deregister"
	Rename     Action = "rename"
	Disable    Action = "disable"
)

// Symbol returns the Terraform-style marker of an action: + adds, ~
// changes in place, - removes, ± replaces a relation (move).
func (a Action) Symbol() string {
	switch a {
	case Create, Attach, Enable, Invite, Register:
		return "+"
	case Delete, Detach, Close, Deregister, Disable:
		return "-"
	case Move:
		return "±"
	}
	return "~"
}

// Plan is an ordered list of changes that takes an organization to its
// configuration. Changes are in an order that respects DependsOn.
type Plan struct {
	FormatVersion int    `json:"formatVersion"`
	OrgID         string `json:"organizationId"`
	ManagementID  string `json:"managementAccountId"`
	RootID        string `json:"rootId"`
	// ConfigDir is the configuration the plan was made from.
	ConfigDir string   `json:"configDir,omitempty"`
	Options   Options  `json:"options"`
	Changes   []Change `json:"changes"`
	// Expectations are the guardrail expectations decided before and
	// after the plan.
	Expectations []Expectation `json:"expectations,omitempty"`
	Diagnostics  diag.List     `json:"diagnostics,omitempty"`
	// Desired is the configuration the plan realises, kept so that apply
	// can record what it made true and drift can compare against it.
	Desired json.RawMessage `json:"desired,omitempty"`
}

// Options are the permissions a plan is made with: without them the
// corresponding changes are left out and reported as diagnostics.
type Options struct {
	AllowDelete           bool `json:"allowDelete,omitempty"`
	AllowClose            bool `json:"allowClose,omitempty"`
	AllowGuardrailRemoval bool `json:"allowGuardrailRemoval,omitempty"`
	AllowProtectedMove    bool `json:"allowProtectedMove,omitempty"`
}

// Change is one typed change to one object.
type Change struct {
	// Key identifies the change within the plan, e.g. "ou:Workloads/Prod".
	Key    string `json:"key"`
	Kind   Kind   `json:"kind"`
	Action Action `json:"action"`
	// Address is the object as a person reads it.
	Address string `json:"address"`
	Ref     Ref    `json:"ref"`
	// Before and After are the touched attributes, for display.
	Before *Attrs `json:"before,omitempty"`
	After  *Attrs `json:"after,omitempty"`
	// Version is the state of the touched attributes the change was
	// planned against (see Observe); Result is the state once done.
	Version   string   `json:"version"`
	Result    string   `json:"result"`
	DependsOn []string `json:"dependsOn,omitempty"`
	// Lint holds the policy linter's findings on a created or updated
	// policy document.
	Lint diag.List `json:"lint,omitempty"`
	// Expectations lists the guardrail expectations whose decision this
	// SCP/RCP change takes part in changing.
	Expectations []string `json:"expectations,omitempty"`
	// Baseline is the baseline step a KindBaseline change executes.
	Baseline *baseline.Step `json:"baseline,omitempty"`
	// Catalog is the Service Catalog step a KindCatalog change executes.
	Catalog *catalog.Step `json:"catalog,omitempty"`
}

// Ref names what a change acts on, by configuration reference and by
// AWS id where the object exists.
type Ref struct {
	OU         string `json:"ou,omitempty"` // OU path
	Account    string `json:"account,omitempty"`
	AccountID  string `json:"accountId,omitempty"`
	Email      string `json:"email,omitempty"`
	PolicyType string `json:"policyType,omitempty"`
	Policy     string `json:"policy,omitempty"`
	// Target is a policy target: Root, an OU path or an account name.
	Target  string `json:"target,omitempty"`
	Service string `json:"service,omitempty"`
	// ContactType is BILLING, OPERATIONS or SECURITY (KindContact).
	ContactType string `json:"contactType,omitempty"`
	// PermissionSet, PrincipalType, Principal (display name) and
	// PrincipalID name Identity Center objects.
	PermissionSet string `json:"permissionSet,omitempty"`
	PrincipalType string `json:"principalType,omitempty"`
	Principal     string `json:"principal,omitempty"`
	PrincipalID   string `json:"principalId,omitempty"`
	// ID is the AWS id of the object when it exists at plan time.
	ID string `json:"id,omitempty"`
}

// Attrs are an object's attributes a change touches.
type Attrs struct {
	Name        string            `json:"name,omitempty"`
	Parent      string            `json:"parent,omitempty"`
	Description string            `json:"description,omitempty"`
	Content     string            `json:"content,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Email       string            `json:"email,omitempty"`
	Account     string            `json:"account,omitempty"`
	// SessionDuration and RelayState are a permission set's.
	SessionDuration string `json:"sessionDuration,omitempty"`
	RelayState      string `json:"relayState,omitempty"`
	// Contact is an alternate contact (KindContact).
	Contact *Contact `json:"contact,omitempty"`
}

// Contact is an alternate contact as a change shows it.
type Contact struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Expectation is one guardrail expectation decided on the organization as
// it is and as the plan leaves it.
type Expectation struct {
	Name   string `json:"name"`
	Expect string `json:"expect"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Changed reports whether the plan flips the expectation's decision.
func (e Expectation) Changed() bool { return e.Before != e.After }

// Met reports whether the decision after the plan is the expected one.
func (e Expectation) Met() bool { return e.After == e.Expect }

// Summary counts changes by their effect.
type Summary struct {
	Add, Change, Remove int
}

// Summary counts the plan's changes as a rendered plan reports them.
func (p *Plan) Summary() Summary {
	var s Summary
	for _, c := range p.Changes {
		switch c.Action.Symbol() {
		case "+":
			s.Add++
		case "-":
			s.Remove++
		default:
			s.Change++
		}
	}
	return s
}

// Empty reports whether the plan has nothing to do.
func (p *Plan) Empty() bool { return len(p.Changes) == 0 }

// ID is a digest of the plan's changes and target organization: the same
// plan gets the same id, which keys apply's journal.
func (p *Plan) ID() string {
	b, _ := json.Marshal(struct {
		Org     string
		Changes []Change
	}{p.OrgID, p.Changes})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// Change returns the change with the given key, or nil.
func (p *Plan) Change(key string) *Change {
	for i := range p.Changes {
		if p.Changes[i].Key == key {
			return &p.Changes[i]
		}
	}
	return nil
}
