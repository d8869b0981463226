package vending

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/orgrail/orgrail/internal/output"
)

// Step statuses of a report.
const (
	StatusDone    = "done"    // made by this run
	StatusAlready = "already" // found done (an earlier run, or AWS did it)
	StatusPending = "pending" // waits on something outside the factory
	StatusFailed  = "failed"
)

// StepResult is what happened to one step.
type StepResult struct {
	Step     string `json:"step"`
	Status   string `json:"status"`
	ObjectID string `json:"objectId,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Error    string `json:"error,omitempty"`
}

// SubnetReport is one subnet of the standard VPC.
type SubnetReport struct {
	Tier string `json:"tier"`
	AZ   string `json:"az"`
	ID   string `json:"id"`
	CIDR string `json:"cidr"`
}

// VPCReport is the standard VPC as built.
type VPCReport struct {
	ID              string         `json:"id"`
	Region          string         `json:"region"`
	CIDR            string         `json:"cidr"`
	AZs             []string       `json:"azs"`
	Subnets         []SubnetReport `json:"subnets"`
	InternetGateway string         `json:"internetGateway,omitempty"`
	NAT             string         `json:"nat"`
	NATGateways     []string       `json:"natGateways,omitempty"`
	FlowLogs        string         `json:"flowLogs"`
}

// Report is the vending report: the account, its VPC, each step, what
// was applied and what still needs a person.
type Report struct {
	Name      string            `json:"name"`
	Email     string            `json:"email"`
	AccountID string            `json:"accountId,omitempty"`
	OU        string            `json:"ou"`
	Tags      map[string]string `json:"tags"`
	VPC       *VPCReport        `json:"vpc,omitempty"`
	// Regions are the enabled Regions whose default VPC was checked.
	Regions []string     `json:"regions,omitempty"`
	Steps   []StepResult `json:"steps"`
	// Applied says in words what the account now has.
	Applied []string `json:"applied"`
	// Pending lists steps waiting on something outside the factory
	// (e.g. "baseline").
	Pending []string `json:"pending"`
	// NeedsPerson lists what the factory cannot do and a person must.
	NeedsPerson []string `json:"needsPerson"`
	// Complete is true when every step is done and nothing is pending.
	Complete bool `json:"complete"`
	// Waits counts the status polls spent waiting on AWS (CreateAccount,
	// NAT gateways).
	Waits int `json:"waits"`
}

func (r *Report) add(s StepResult) {
	r.Steps = append(r.Steps, s)
}

func (r *Report) needs(s string) {
	r.NeedsPerson = append(r.NeedsPerson, s)
}

// finish derives Applied, Pending, NeedsPerson and Complete from the steps.
func (r *Report) finish() {
	r.Applied, r.Pending = []string{}, []string{}
	failed := false
	deleted := 0
	for _, s := range r.Steps {
		switch {
		case s.Status == StatusFailed:
			failed = true
		case s.Status == StatusPending:
			r.Pending = append(r.Pending, s.Step)
		case s.Step == "account":
			r.Applied = append(r.Applied, "account "+s.ObjectID+" created")
		case s.Step == "ou":
			r.Applied = append(r.Applied, "in OU "+r.OU)
		case s.Step == "tags":
			r.Applied = append(r.Applied, "tagged "+tagList(r.Tags))
		case s.Step == "contacts" && s.Detail != "none configured":
			r.Applied = append(r.Applied, "alternate contacts "+s.Detail)
		case s.Step == "contacts":
			r.NeedsPerson = append(r.NeedsPerson, "alternate contacts: none configured (standards.alternateContacts); set them in the console or configure them and run again")
		case s.Step == "baseline":
			r.Applied = append(r.Applied, "baseline applied and verified: "+s.Detail)
		case strings.HasPrefix(s.Step, "default-vpc/") && s.Detail != "none":
			deleted++
		}
	}
	if r.VPC != nil {
		r.Applied = append(r.Applied, fmt.Sprintf("standard VPC %s %s in %s: %d subnets over %d zones, NAT %s, flow logs to %s",
			r.VPC.ID, r.VPC.CIDR, r.VPC.Region, len(r.VPC.Subnets), len(r.VPC.AZs), r.VPC.NAT, r.VPC.FlowLogs))
	}
	if len(r.Regions) > 0 {
		r.Applied = append(r.Applied, fmt.Sprintf("no default VPC in the %d enabled Regions (%d deleted by this or an earlier run)", len(r.Regions), deleted))
	}
	if r.AccountID != "" {
		r.NeedsPerson = append(r.NeedsPerson,
			"root user: the account was created without root credentials; keep it so (centralized root access) or secure it with MFA through password recovery",
			"hand the account to its owner "+r.Tags[ownerKey(r.Tags)]+" (access through IAM Identity Center)")
	}
	r.NeedsPerson = slices.Compact(r.NeedsPerson)
	r.Complete = !failed && len(r.Pending) == 0 && r.AccountID != ""
}

func ownerKey(tags map[string]string) string {
	for k := range tags {
		if strings.EqualFold(k, "owner") {
			return k
		}
	}
	return "Owner"
}

func tagList(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ", ")
}

// baseline applies and verifies the security baseline through the
// hook, or records the step as pending when there is none.
func (r *run) baseline(ctx context.Context) error {
	const key = "baseline"
	if r.opts.Baseline == nil {
		const why = "orgrail's baseline (internal/baseline) is not available in this build; apply the security baseline and run account create again"
		r.rep.add(StepResult{Step: key, Status: StatusPending, Detail: why})
		r.rep.needs("baseline: pending; " + why)
		r.progress("baseline: pending")
		return r.j.set(ctx, key, entry{status: stepPending, detail: why})
	}
	_, err := r.do(ctx, key, func(ctx context.Context) (outcome, error) {
		res, err := r.opts.Baseline(ctx, r.accountID)
		if err != nil {
			return outcome{}, err
		}
		if !res.Verified {
			return outcome{}, fmt.Errorf("the baseline was applied but not verified: %s", res.Detail)
		}
		return outcome{detail: strings.Join(res.Applied, ", ")}, nil
	})
	return err
}

// WriteTable renders the report for people.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "Account %s (%s) %s in %s\n", r.Name, r.Email, orDash(r.AccountID), r.OU)
	if v := r.VPC; v != nil {
		fmt.Fprintf(w, "VPC %s %s in %s, NAT %s, flow logs to %s\n", v.ID, v.CIDR, v.Region, v.NAT, v.FlowLogs)
	}
	t := output.NewTable(w, "STEP", "STATUS", "ID", "DETAIL")
	for _, s := range r.Steps {
		d := s.Detail
		if s.Error != "" {
			d = s.Error
		}
		t.Row(s.Step, s.Status, s.ObjectID, d)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	for _, title := range []struct {
		name  string
		items []string
	}{{"Applied", r.Applied}, {"Pending", r.Pending}, {"Needs a person", r.NeedsPerson}} {
		if len(title.items) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s:\n", title.name)
		for _, it := range title.items {
			fmt.Fprintf(w, "  - %s\n", it)
		}
	}
	state := "complete"
	if !r.Complete {
		state = "incomplete (run the same command again to finish)"
		if len(r.Pending) > 0 {
			state = "incomplete: pending " + strings.Join(r.Pending, ", ")
		}
	}
	_, err := fmt.Fprintf(w, "Vending %s.\n", state)
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
