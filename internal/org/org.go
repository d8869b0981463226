// Package org models an AWS Organization as orgrail sees it: the
// organization, its root, the OU tree, accounts, policies of every type
// and their attachments, delegated administrators and trusted services.
//
// Field names follow the AWS Organizations API (Id, Arn, ParentId, ...),
// so org.json reads like the API's own output and the local AWS test
// server can answer from it directly. Policy types are kept as AWS's
// strings: a new type needs no code.
//
// An Organization is a plain value; call Index before using the queries.
// After Index it is safe for concurrent readers.
package org

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Well-known policy types. Any other string AWS adds is kept as is.
const (
	SCP                    = "SERVICE_CONTROL_POLICY"
	RCP                    = "RESOURCE_CONTROL_POLICY"
	TagPolicy              = "TAG_POLICY"
	BackupPolicy           = "BACKUP_POLICY"
	AIOptOutPolicy         = "AISERVICES_OPT_OUT_POLICY"
	DeclarativePolicyEC2   = "DECLARATIVE_POLICY_EC2"
	ChatbotPolicy          = "CHATBOT_POLICY"
	SecurityHubPolicy      = "SECURITYHUB_POLICY"
	FullAWSAccessPolicyID  = "p-FullAWSAccess"
	FullAWSAccessRCPPolicy = "p-RCPFullAWSAccess"
)

// Account statuses as the API reports them.
const (
	StatusActive         = "ACTIVE"
	StatusSuspended      = "SUSPENDED"
	StatusPendingClosure = "PENDING_CLOSURE"
)

// Organization is the whole organization at one point in time.
type Organization struct {
	Id                       string                   `json:"Id"`
	Arn                      string                   `json:"Arn"`
	FeatureSet               string                   `json:"FeatureSet"`
	MasterAccountId          string                   `json:"MasterAccountId"`
	MasterAccountArn         string                   `json:"MasterAccountArn"`
	MasterAccountEmail       string                   `json:"MasterAccountEmail"`
	Roots                    []Root                   `json:"Roots"`
	OrganizationalUnits      []OU                     `json:"OrganizationalUnits"`
	Accounts                 []Account                `json:"Accounts"`
	Policies                 []Policy                 `json:"Policies"`
	DelegatedAdministrators  []DelegatedAdministrator `json:"DelegatedAdministrators"`
	EnabledServicePrincipals []ServicePrincipal       `json:"EnabledServicePrincipals"`

	idx *index
}

// Root is the organization's root container.
type Root struct {
	Id          string              `json:"Id"`
	Arn         string              `json:"Arn"`
	Name        string              `json:"Name"`
	PolicyTypes []PolicyTypeSummary `json:"PolicyTypes"`
}

// PolicyTypeSummary says whether a policy type is enabled on a root.
type PolicyTypeSummary struct {
	Type   string `json:"Type"`
	Status string `json:"Status"`
}

// OU is an organizational unit.
type OU struct {
	Id       string            `json:"Id"`
	Arn      string            `json:"Arn"`
	Name     string            `json:"Name"`
	ParentId string            `json:"ParentId"`
	Tags     map[string]string `json:"Tags,omitempty"`
}

// Account is a member account (or the management account).
type Account struct {
	Id              string            `json:"Id"`
	Arn             string            `json:"Arn"`
	Name            string            `json:"Name"`
	Email           string            `json:"Email"`
	Status          string            `json:"Status"`
	State           string            `json:"State,omitempty"`
	JoinedMethod    string            `json:"JoinedMethod"`
	JoinedTimestamp time.Time         `json:"JoinedTimestamp"`
	ParentId        string            `json:"ParentId"`
	Tags            map[string]string `json:"Tags,omitempty"`
	// AlternateContacts are the account's alternate contacts (Account
	// Management GetAlternateContact). Organizations does not return
	// them: discovery leaves them empty; plan and import fill them from
	// the Account Management API or a snapshot's account service.
	AlternateContacts []AlternateContact `json:"AlternateContacts,omitempty"`
}

// AlternateContact is one alternate contact of an account, with the
// Account Management API's member names.
type AlternateContact struct {
	AlternateContactType string `json:"AlternateContactType"`
	Name                 string `json:"Name"`
	Title                string `json:"Title"`
	EmailAddress         string `json:"EmailAddress"`
	PhoneNumber          string `json:"PhoneNumber"`
}

// Contact returns the account's alternate contact of a type, or nil.
func (a *Account) Contact(typ string) *AlternateContact {
	for i := range a.AlternateContacts {
		if a.AlternateContacts[i].AlternateContactType == typ {
			return &a.AlternateContacts[i]
		}
	}
	return nil
}

// Policy is an organization policy of any type, with its content and the
// targets (root, OU or account ids) it is attached to.
type Policy struct {
	Id          string   `json:"Id"`
	Arn         string   `json:"Arn"`
	Name        string   `json:"Name"`
	Description string   `json:"Description,omitempty"`
	Type        string   `json:"Type"`
	AwsManaged  bool     `json:"AwsManaged"`
	Content     string   `json:"Content"`
	Targets     []string `json:"Targets"`
}

// DelegatedAdministrator is an account registered as delegated
// administrator for one or more service principals.
type DelegatedAdministrator struct {
	AccountId         string   `json:"AccountId"`
	ServicePrincipals []string `json:"ServicePrincipals"`
}

// ServicePrincipal is a service with trusted access to the organization.
type ServicePrincipal struct {
	ServicePrincipal string    `json:"ServicePrincipal"`
	DateEnabled      time.Time `json:"DateEnabled"`
}

// Target kinds, derived from id prefixes.
const (
	KindRoot    = "ROOT"
	KindOU      = "ORGANIZATIONAL_UNIT"
	KindAccount = "ACCOUNT"
)

// TargetKind tells a root, OU or account id apart by its form.
func TargetKind(id string) string {
	switch {
	case strings.HasPrefix(id, "r-"):
		return KindRoot
	case strings.HasPrefix(id, "ou-"):
		return KindOU
	default:
		return KindAccount
	}
}

// Partition returns the AWS partition of the organization's ARN
// ("aws", "aws-cn", "aws-us-gov"); "aws" when it has no ARN.
func (o *Organization) Partition() string {
	if p := strings.SplitN(o.Arn, ":", 3); len(p) == 3 && p[0] == "arn" && p[1] != "" {
		return p[1]
	}
	return "aws"
}

// String is a short description for logs.
func (o *Organization) String() string {
	return fmt.Sprintf("organization %s (%d OUs, %d accounts, %d policies)",
		o.Id, len(o.OrganizationalUnits), len(o.Accounts), len(o.Policies))
}

// sortStrings returns s sorted, for deterministic output.
func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}
