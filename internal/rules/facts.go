package rules

import (
	"errors"
	"github.com/orgrail/orgrail/internal/identity"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgrail/orgrail/internal/org"
)

// Service principals of the security services' delegated administration.
const (
	spGuardDuty      = "guardduty.amazonaws.com"
	spSecurityHub    = "securityhub.amazonaws.com"
	spAccessAnalyzer = "access-analyzer.amazonaws.com"
	spConfig         = "config.amazonaws.com"
	spConfigMulti    = "config-multiaccountsetup.amazonaws.com"
	spCloudTrail     = "cloudtrail.amazonaws.com"
	spIAM            = "iam.amazonaws.com"
)

// facts are what the organization as a whole says, computed once per
// audit: the security accounts, the organization trail, the
// organization analyzers. Member-account checks consult them so that an
// organization-level setting satisfies the member's check.
type facts struct {
	mgmt       string
	audit      string
	logArchive string

	orgTrails    []*trailInfo
	orgTrailsErr error

	// orgAnalyzers maps a region to whether an active organization
	// analyzer exists there (in the delegated administrator or the
	// management account).
	orgAnalyzers    map[string]bool
	orgAnalyzersErr error

	logArchiveBuckets    map[string]bool
	logArchiveBucketsErr error

	// center is the organization's IAM Identity Center (nil when it
	// has none).
	center    *identity.Center
	centerErr error
}

// trailInfo is a trail with its status and event selectors.
type trailInfo struct {
	cttypes.Trail
	Logging    bool
	StatusErr  error
	MgmtEvents bool // read and write management events
	SelErr     error
}

// owner returns the account id in a trail ARN.
func (t *trailInfo) owner() string { return arnAccount(aws(t.TrailARN)) }

func gatherFacts(r *run, opt Options) *facts {
	o := r.org
	f := &facts{mgmt: o.MasterAccountId}
	f.audit = resolveAccount(o, opt.AuditAccount)
	if f.audit == "" {
		f.audit = inferAudit(o)
	}
	if f.audit == "" {
		f.audit = accountByName(o, "audit", "security", "securitytooling")
	}
	f.logArchive = resolveAccount(o, opt.LogArchiveAccount)
	if f.logArchive == "" {
		f.logArchive = accountByName(o, "logarchive", "log", "logging")
	}
	if f.mgmt != "" {
		mv := r.view(f.mgmt)
		trails, err := trailsOf(mv, r.regionsOf(f.mgmt))
		f.orgTrailsErr = err
		for _, t := range trails {
			if boolv(t.IsOrganizationTrail) && t.owner() == f.mgmt {
				f.orgTrails = append(f.orgTrails, t)
			}
		}
	} else {
		f.orgTrailsErr = errors.New("the organization has no management account in org.json")
	}
	f.orgAnalyzers, f.orgAnalyzersErr = orgAnalyzers(r, o)
	if r.snap != nil {
		f.center, f.centerErr = identity.Load(r.snap)
	}
	if f.logArchive != "" {
		lv := r.view(f.logArchive)
		out, err := get[s3.ListBucketsOutput](lv, "global", "s3", "ListBuckets")
		f.logArchiveBucketsErr = err
		if err == nil {
			f.logArchiveBuckets = map[string]bool{}
			for _, b := range out.Buckets {
				f.logArchiveBuckets[aws(b.Name)] = true
			}
		}
	}
	return f
}

func orgAnalyzers(r *run, o *org.Organization) (map[string]bool, error) {
	owners := []string{}
	if id := o.DelegatedAdminFor(spAccessAnalyzer); id != "" {
		owners = append(owners, id)
	}
	if o.MasterAccountId != "" {
		owners = append(owners, o.MasterAccountId)
	}
	out := map[string]bool{}
	var firstErr error
	for _, id := range owners {
		v := r.view(id)
		for _, region := range r.regionsOf(id) {
			la, err := get[listAnalyzersOutput](v, region, "accessanalyzer", "ListAnalyzers")
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			for _, a := range la.Analyzers {
				// Only external-access analyzers count (IAM.28); an
				// ORGANIZATION_UNUSED_ACCESS analyzer does not.
				if a.Type == "ORGANIZATION" && a.Status == "ACTIVE" {
					out[region] = true
				}
			}
		}
	}
	return out, firstErr
}

// trailsOf returns every trail an account sees (its own and shadow
// trails, organization trails included) with status and selectors,
// keyed by ARN. It fails only when no region's CloudTrail data exists.
func trailsOf(v *view, regions []string) (map[string]*trailInfo, error) {
	trails := map[string]*trailInfo{}
	var lastErr error
	found := false
	for _, region := range regions {
		dt, err := get[cloudtrail.DescribeTrailsOutput](v, region, "cloudtrail", "DescribeTrails")
		if err != nil {
			lastErr = err
			continue
		}
		found = true
		for _, t := range dt.TrailList {
			arn := aws(t.TrailARN)
			if arn == "" || trails[arn] != nil {
				continue
			}
			trails[arn] = &trailInfo{Trail: t}
		}
	}
	if !found {
		if lastErr == nil {
			lastErr = errors.New("no region collected for CloudTrail")
		}
		return nil, lastErr
	}
	for arn, t := range trails {
		order := append([]string{aws(t.HomeRegion)}, regions...)
		t.StatusErr, t.SelErr = errors.New("trail status not collected"), errors.New("event selectors not collected")
		for _, region := range order {
			if region == "" {
				continue
			}
			if st, err := getRes[cloudtrail.GetTrailStatusOutput](v, region, "cloudtrail", "GetTrailStatus", arn); err == nil {
				t.Logging, t.StatusErr = st.IsLogging != nil && *st.IsLogging, nil
				break
			}
		}
		for _, region := range order {
			if region == "" {
				continue
			}
			if es, err := getRes[cloudtrail.GetEventSelectorsOutput](v, region, "cloudtrail", "GetEventSelectors", arn); err == nil {
				t.MgmtEvents, t.SelErr = managementEvents(es), nil
				break
			}
		}
	}
	return trails, nil
}

// managementEvents reports whether the selectors log read and write
// management events.
func managementEvents(es *cloudtrail.GetEventSelectorsOutput) bool {
	for _, s := range es.EventSelectors {
		if (s.IncludeManagementEvents == nil || *s.IncludeManagementEvents) && s.ReadWriteType == cttypes.ReadWriteTypeAll {
			return true
		}
	}
	for _, a := range es.AdvancedEventSelectors {
		mgmt, readOnly := false, false
		for _, fs := range a.FieldSelectors {
			field := aws(fs.Field)
			if field == "eventCategory" && contains(fs.Equals, "Management") {
				mgmt = true
			}
			if field == "readOnly" && len(fs.Equals) > 0 {
				readOnly = true
			}
		}
		if mgmt && !readOnly {
			return true
		}
	}
	return false
}

// sortedTrails returns trails ordered by ARN.
func sortedTrails(m map[string]*trailInfo) []*trailInfo {
	out := make([]*trailInfo, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return aws(out[i].TrailARN) < aws(out[j].TrailARN) })
	return out
}

// resolveAccount finds an account by id or name (case-insensitive).
func resolveAccount(o *org.Organization, s string) string {
	if s == "" {
		return ""
	}
	if a := o.Account(s); a != nil {
		return a.Id
	}
	for _, a := range o.Accounts {
		if strings.EqualFold(a.Name, s) {
			return a.Id
		}
	}
	return ""
}

// accountByName finds an account whose name, lower-cased without
// spaces, dashes and underscores, equals one of names.
func accountByName(o *org.Organization, names ...string) string {
	for _, n := range names {
		for _, a := range o.Accounts {
			if normName(a.Name) == n {
				return a.Id
			}
		}
	}
	return ""
}

func normName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// listAnalyzersOutput is ListAnalyzers' output as far as the rules read
// it. The SDK type's Configuration is a union that encoding/json cannot
// decode, so the analyzers are read through this narrower shape.
type listAnalyzersOutput struct {
	Analyzers []struct {
		Arn    *string
		Name   *string
		Status string
		Type   string
	}
}

// inferAudit returns the account that is delegated administrator of
// most of the security services (GuardDuty, Security Hub, Config, IAM
// Access Analyzer), ties going to the earlier service. The management
// account is never inferred: AWS advises against making it a delegated
// administrator, and taking one service's administrator as the Audit
// account would make that service's delegated-admin check pass by
// definition.
func inferAudit(o *org.Organization) string {
	votes, best := map[string]int{}, ""
	for _, sp := range []string{spGuardDuty, spSecurityHub, spConfig, spAccessAnalyzer} {
		id := o.DelegatedAdminFor(sp)
		if id == "" || id == o.MasterAccountId {
			continue
		}
		votes[id]++
		if best == "" || votes[id] > votes[best] {
			best = id
		}
	}
	return best
}
