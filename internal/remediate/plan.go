// Package remediate turns FAILED findings into a plan of AWS API calls
// for the fixes that are safe to automate, and applies a plan through an
// aws.Config per account. A plan is a plain value: printing it changes
// nothing; only Apply calls AWS.
package remediate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Action names, as rules name them in their Fix field.
const (
	S3AccountPAB     = "s3-account-public-access-block"
	EBSDefault       = "ebs-default-encryption"
	PasswordPolicy   = "iam-password-policy"
	StartLogging     = "cloudtrail-start-logging"
	GuardDutyEnable  = "guardduty-enable"
	ConfigEnable     = "config-enable"
	SecurityHubOn    = "securityhub-enable"
	CloseDefaultSG   = "ec2-close-default-sg"
	defaultAPIRegion = "us-east-1"
)

// Actions lists every action the planner knows, with what it does.
var Actions = map[string]string{
	S3AccountPAB:    "turn on all four S3 Block Public Access settings for the account",
	EBSDefault:      "enable EBS encryption by default in the region",
	PasswordPolicy:  "set the account password policy (length 14, all character classes, 90 days, reuse 24)",
	StartLogging:    "start logging on the stopped trail",
	GuardDutyEnable: "create (or re-enable) the GuardDuty detector in the region",
	ConfigEnable:    "start the AWS Config recorder in the region",
	SecurityHubOn:   "enable Security Hub with the default standards in the region",
	CloseDefaultSG:  "remove every inbound and outbound rule of the default security group",
}

// Step is one API call in one account and region.
type Step struct {
	Action    string         `json:"action"`
	Account   string         `json:"account"`
	Region    string         `json:"region"`
	Service   string         `json:"service"`
	Operation string         `json:"operation"`
	Params    map[string]any `json:"params"`
	Resource  string         `json:"resource"`
	// Findings are the ids of the findings the step fixes.
	Findings []string `json:"findings"`
	RuleIDs  []string `json:"rules"`
}

// Skip is a failing finding the plan leaves alone, and why.
type Skip struct {
	FindingID string `json:"findingId"`
	RuleID    string `json:"ruleId"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	Resource  string `json:"resource"`
	Reason    string `json:"reason"`
}

// Plan is the ordered list of steps and the failures left alone.
type Plan struct {
	Steps   []Step `json:"steps"`
	Skipped []Skip `json:"skipped"`
}

// Options filter what is planned.
type Options struct {
	Rules    []string // only these rule ids (empty: all)
	Accounts []string // only these accounts (empty: all)
	// SecurityHubAdmin is the Security Hub administrator account: a
	// member that enables Security Hub is then added as its member.
	SecurityHubAdmin string
}

// Fixes maps a rule id to the action that fixes it (from the rules'
// Fix field).
type Fixes map[string]string

// Build plans the fixes for the unmuted FAILED findings. snap supplies
// details some steps need (the default security group's rules); it may
// be nil, in which case those steps are skipped.
func Build(fs []findings.Finding, fixes Fixes, snap *snapshot.Snapshot, opt Options) *Plan {
	p := &Plan{Steps: []Step{}, Skipped: []Skip{}}
	index := map[string]int{}
	for i := range fs {
		f := &fs[i]
		if f.Status != findings.Failed || f.Muted || !selected(opt.Rules, f.RuleID) || !selected(opt.Accounts, f.Account) {
			continue
		}
		action := fixes[f.RuleID]
		if action == "" {
			continue
		}
		steps, why := plan(action, f, snap, opt)
		if why != "" {
			p.Skipped = append(p.Skipped, Skip{FindingID: f.ID, RuleID: f.RuleID, Account: f.Account, Region: f.Region,
				Resource: f.ResourceArn, Reason: why})
			continue
		}
		for _, s := range steps {
			k := s.Account + "|" + s.Region + "|" + s.Operation + "|" + s.Resource
			if j, ok := index[k]; ok {
				p.Steps[j].Findings = append(p.Steps[j].Findings, f.ID)
				if !contains(p.Steps[j].RuleIDs, f.RuleID) {
					p.Steps[j].RuleIDs = append(p.Steps[j].RuleIDs, f.RuleID)
				}
				continue
			}
			s.Findings, s.RuleIDs = []string{f.ID}, []string{f.RuleID}
			index[k] = len(p.Steps)
			p.Steps = append(p.Steps, s)
		}
	}
	sort.SliceStable(p.Steps, func(i, j int) bool {
		a, b := p.Steps[i], p.Steps[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Region < b.Region
	})
	return p
}

func selected(list []string, s string) bool { return len(list) == 0 || contains(list, s) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func region(f *findings.Finding) string {
	if f.Region == "" || f.Region == snapshot.Global {
		return defaultAPIRegion
	}
	return f.Region
}

// plan returns the steps of one action for one finding, or why none.
func plan(action string, f *findings.Finding, snap *snapshot.Snapshot, opt Options) ([]Step, string) {
	step := func(service, op string, params map[string]any) Step {
		return Step{Action: action, Account: f.Account, Region: region(f), Service: service, Operation: op,
			Params: params, Resource: f.ResourceArn}
	}
	switch action {
	case S3AccountPAB:
		return []Step{step("s3control", "PutPublicAccessBlock", map[string]any{"AccountId": f.Account,
			"PublicAccessBlockConfiguration": map[string]any{"BlockPublicAcls": true, "IgnorePublicAcls": true,
				"BlockPublicPolicy": true, "RestrictPublicBuckets": true}})}, ""
	case EBSDefault:
		return []Step{step("ec2", "EnableEbsEncryptionByDefault", map[string]any{})}, ""
	case PasswordPolicy:
		return []Step{step("iam", "UpdateAccountPasswordPolicy", map[string]any{"MinimumPasswordLength": 14,
			"RequireSymbols": true, "RequireNumbers": true, "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
			"AllowUsersToChangePassword": true, "MaxPasswordAge": 90, "PasswordReusePrevention": 24})}, ""
	case StartLogging:
		if !strings.Contains(f.ResourceArn, ":trail/") {
			return nil, "the finding does not name a trail"
		}
		return []Step{step("cloudtrail", "StartLogging", map[string]any{"Name": f.ResourceArn})}, ""
	case GuardDutyEnable:
		if strings.Contains(f.Message, "administered") {
			return nil, "the detector is enabled but reports to another administrator: fix the membership from the Audit account"
		}
		if i := strings.Index(f.ResourceArn, ":detector/"); i >= 0 {
			return []Step{step("guardduty", "UpdateDetector", map[string]any{"DetectorId": f.ResourceArn[i+len(":detector/"):], "Enable": true})}, ""
		}
		return []Step{step("guardduty", "CreateDetector", map[string]any{"Enable": true})}, ""
	case SecurityHubOn:
		if strings.Contains(f.Message, "administered") {
			return nil, "Security Hub is enabled but reports to another administrator: fix the membership from the Audit account"
		}
		steps := []Step{step("securityhub", "EnableSecurityHub", map[string]any{"EnableDefaultStandards": true})}
		if admin := opt.SecurityHubAdmin; admin != "" && admin != f.Account {
			m := step("securityhub", "CreateMembers", map[string]any{"AccountDetails": []map[string]any{{"AccountId": f.Account}}})
			m.Account = admin
			steps = append(steps, m)
		}
		return steps, ""
	case ConfigEnable:
		if !strings.Contains(f.Message, "not recording") {
			return nil, "the recorder is missing or incomplete: create it with the landing zone baseline (it needs a delivery channel)"
		}
		return []Step{step("configservice", "StartConfigurationRecorder", map[string]any{"ConfigurationRecorderName": recorderName(f.Message)})}, ""
	case CloseDefaultSG:
		return closeDefaultSG(f, snap, step)
	}
	return nil, "unknown action " + action
}

// recorderName reads the recorder name from "recorder NAME is not recording".
func recorderName(msg string) string {
	if i := strings.Index(msg, "recorder "); i >= 0 {
		rest := msg[i+len("recorder "):]
		if j := strings.Index(rest, " "); j > 0 {
			return rest[:j]
		}
	}
	return "default"
}

func closeDefaultSG(f *findings.Finding, snap *snapshot.Snapshot, step func(string, string, map[string]any) Step) ([]Step, string) {
	if snap == nil {
		return nil, "no snapshot to read the group's rules from"
	}
	i := strings.Index(f.ResourceArn, ":security-group/")
	if i < 0 {
		return nil, "the finding does not name a security group"
	}
	id := f.ResourceArn[i+len(":security-group/"):]
	sf, err := snap.Service(f.Account, f.Region, "ec2")
	if err != nil {
		return nil, fmt.Sprintf("reading the group's rules: %v", err)
	}
	var out ec2.DescribeSecurityGroupsOutput
	if ok, err := sf.Get("DescribeSecurityGroups", &out); !ok || err != nil {
		return nil, "the snapshot has no DescribeSecurityGroups"
	}
	var steps []Step
	for _, g := range out.SecurityGroups {
		if g.GroupId == nil || *g.GroupId != id {
			continue
		}
		if len(g.IpPermissions) > 0 {
			steps = append(steps, step("ec2", "RevokeSecurityGroupIngress", map[string]any{"GroupId": id, "IpPermissions": strip(g.IpPermissions)}))
		}
		if len(g.IpPermissionsEgress) > 0 {
			steps = append(steps, step("ec2", "RevokeSecurityGroupEgress", map[string]any{"GroupId": id, "IpPermissions": strip(g.IpPermissionsEgress)}))
		}
	}
	if len(steps) == 0 {
		return nil, "the snapshot shows no rules on " + id
	}
	return steps, ""
}

// strip keeps the permissions as the revoke calls take them.
func strip(ps []ec2types.IpPermission) []ec2types.IpPermission {
	return append([]ec2types.IpPermission(nil), ps...)
}
