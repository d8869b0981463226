package vending

import (
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// Baseline states of an account in `orgrail account list`.
const (
	BaselineDone    = "done"    // applied and verified by account create
	BaselinePending = "pending" // account create is waiting on it
	BaselineFailed  = "failed"
	BaselineUnknown = "unknown" // not vended by orgrail; not tracked here
)

// Listed is one account of `orgrail account list`.
type Listed struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	OU       string `json:"ou"`
	Status   string `json:"status"`
	Owner    string `json:"owner"`
	Env      string `json:"env"`
	System   string `json:"system"`
	Baseline string `json:"baseline"`
	// Vended is the account factory's run status (done, running,
	// failed), "" for accounts it did not make.
	Vended string `json:"vended,omitempty"`
	// VPC is the standard VPC the factory built, "" when none.
	VPC string `json:"vpc,omitempty"`
}

// List joins the organization's accounts with the configuration and the
// factory's journal: owner, env and system come from the account's tags
// (the keys Tags uses), else from its entry in the configuration; the
// baseline state from the journal. baseline, when not nil, answers for
// accounts the journal does not know.
func List(o *org.Organization, c *config.Config, vended map[string]Vended, baseline func(accountID string) string) []Listed {
	var out []Listed
	for _, a := range o.Accounts {
		l := Listed{ID: a.Id, Name: a.Name, Email: a.Email, OU: o.OUPath(a.Id), Status: a.Status, Baseline: BaselineUnknown}
		l.Owner = tagOr(a.Tags, c, a.Name, "Owner")
		l.Env = tagOr(a.Tags, c, a.Name, "Environment", "Env")
		l.System = tagOr(a.Tags, c, a.Name, "System")
		v, ok := vended[a.Id]
		if !ok {
			v, ok = vended[strings.ToLower(a.Email)]
		}
		switch {
		case ok:
			l.Vended = v.Status
			if v.Baseline != "" {
				l.Baseline = v.Baseline
			}
			if v.Report != nil && v.Report.VPC != nil {
				l.VPC = v.Report.VPC.ID + " " + v.Report.VPC.CIDR
			}
		case baseline != nil:
			l.Baseline = baseline(a.Id)
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].OU != out[j].OU {
			return out[i].OU < out[j].OU
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// tagOr returns the tag whose key is one of names (any case), else the
// matching field of the account's configuration entry.
func tagOr(tags map[string]string, c *config.Config, name string, names ...string) string {
	for k, v := range tags {
		for _, n := range names {
			if strings.EqualFold(k, n) && v != "" {
				return v
			}
		}
	}
	if c == nil {
		return ""
	}
	a := c.Account(name)
	if a == nil {
		return ""
	}
	switch names[0] {
	case "Owner":
		return a.Owner
	case "Environment":
		return a.Environment
	}
	return a.System
}
