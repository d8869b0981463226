package rules

import (
	"fmt"
	"time"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
)

// Ctx is what a check sees: the rule, the account and region being
// evaluated, the organization, the shared facts and the account's data.
type Ctx struct {
	run     *run
	rule    *Rule
	Account *org.Account // nil for organization rules
	Region  string       // a region, or snapshot.Global
	v       *view
	out     []findings.Finding
}

// Org returns the organization.
func (c *Ctx) Org() *org.Organization { return c.run.org }

// Now returns the reference time of the audit: when the snapshot was
// taken, so that ages (of keys, of passwords) are those at collection.
func (c *Ctx) Now() time.Time { return c.run.now }

// Partition returns the organization's partition.
func (c *Ctx) Partition() string { return c.run.partition }

// accountID returns the account being evaluated, or "" for org rules.
func (c *Ctx) accountID() string {
	if c.Account == nil {
		return ""
	}
	return c.Account.Id
}

// accountArn is the resource of account-level and regional settings:
// the account's root principal ARN.
func (c *Ctx) accountArn() string {
	if c.Account == nil || c.rule.Scope == ScopeOrg {
		return c.run.orgArn()
	}
	return fmt.Sprintf("arn:%s:iam::%s:root", c.run.partition, c.Account.Id)
}

// arn builds an ARN in the organization's partition.
func (c *Ctx) arn(service, region, account, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", c.run.partition, service, region, account, resource)
}

// Pass records a PASSED finding on resource (the account when empty).
func (c *Ctx) Pass(resource, format string, a ...any) {
	c.emit(findings.Passed, resource, format, a...)
}

// Fail records a FAILED finding.
func (c *Ctx) Fail(resource, format string, a ...any) {
	c.emit(findings.Failed, resource, format, a...)
}

// NA records a NOT_APPLICABLE finding.
func (c *Ctx) NA(resource, format string, a ...any) {
	c.emit(findings.NotApplicable, resource, format, a...)
}

// Err records an ERROR finding: the data needed was missing or unreadable.
func (c *Ctx) Err(resource string, err error) { c.emit(findings.Error, resource, "%v", err) }

// Check records PASSED or FAILED depending on ok.
func (c *Ctx) Check(ok bool, resource, pass, fail string) {
	if ok {
		c.Pass(resource, "%s", pass)
	} else {
		c.Fail(resource, "%s", fail)
	}
}

func (c *Ctx) emit(st findings.Status, resource, format string, a ...any) {
	rtype := c.rule.ResourceType
	if resource == "" {
		// The finding is about the account (or the organization) itself.
		resource, rtype = c.accountArn(), typeAccount
		if c.rule.Scope == ScopeOrg {
			rtype = "AWS::Organizations::Organization"
		}
	}
	c.out = append(c.out, findings.Finding{
		RuleID: c.rule.ID, Status: st, Account: c.accountID(), Region: c.Region,
		ResourceArn: resource, ResourceType: rtype, Message: fmt.Sprintf(format, a...),
	})
}

// emitIn records a finding in another region than the context's, for
// global data that belongs to a region (a bucket, a trail).
func (c *Ctx) emitIn(region string, st findings.Status, resource, format string, a ...any) {
	saved := c.Region
	c.Region = region
	c.emit(st, resource, format, a...)
	c.Region = saved
}

// regions returns the regions evaluated for the current account.
func (c *Ctx) regions() []string { return c.run.regionsOf(c.accountID()) }

// viewOf returns a view on another account, for organization rules.
func (c *Ctx) viewOf(account string) *view {
	if c.v != nil && c.v.account == account {
		return c.v
	}
	v := c.run.view(account)
	v.rule = c.rule
	return v
}
