package findings

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// Importer is the part of the Security Hub client the import uses.
type Importer interface {
	BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, opts ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error)
}

// batchSize is BatchImportFindings' limit per call.
const batchSize = 100

// ImportToSecurityHub sends the report's findings as ASFF to Security
// Hub, grouped by region (a finding's ProductArn names its region), in
// batches of 100. region, when set, sends everything to that region;
// productAccount, when set, is the importing account whose default
// product the findings come from (the Audit account importing for its
// members). clientFor returns the client of a region. It returns how
// many findings were imported and an error naming the first rejected
// finding, if any.
func ImportToSecurityHub(ctx context.Context, r *Report, region, productAccount string, clientFor func(region string) Importer) (int, error) {
	byRegion := map[string][]shtypes.AwsSecurityFinding{}
	for _, a := range ToASFF(r) {
		if region != "" {
			a.Region = region
		}
		acct := a.AwsAccountId
		if productAccount != "" {
			acct = productAccount
		}
		a.ProductArn = "arn:" + partitionOr(r.Partition) + ":securityhub:" + a.Region + ":" + acct + ":product/" + acct + "/default"
		sf, err := toSDK(a)
		if err != nil {
			return 0, err
		}
		byRegion[a.Region] = append(byRegion[a.Region], sf)
	}
	regions := make([]string, 0, len(byRegion))
	for k := range byRegion {
		regions = append(regions, k)
	}
	sort.Strings(regions)
	n := 0
	for _, reg := range regions {
		c := clientFor(reg)
		fs := byRegion[reg]
		for start := 0; start < len(fs); start += batchSize {
			end := min(start+batchSize, len(fs))
			out, err := c.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: fs[start:end]})
			if err != nil {
				return n, fmt.Errorf("BatchImportFindings in %s: %w", reg, err)
			}
			n += int(derefInt32(out.SuccessCount))
			if out.FailedCount != nil && *out.FailedCount > 0 && len(out.FailedFindings) > 0 {
				ff := out.FailedFindings[0]
				return n, fmt.Errorf("Security Hub rejected %d findings in %s; first %s: %s %s", *out.FailedCount, reg,
					deref(ff.Id), deref(ff.ErrorCode), deref(ff.ErrorMessage))
			}
		}
	}
	return n, nil
}

// toSDK converts an ASFF finding to the SDK type; the field names are
// the same, so JSON carries it across.
func toSDK(a ASFFFinding) (shtypes.AwsSecurityFinding, error) {
	var sf shtypes.AwsSecurityFinding
	b, err := json.Marshal(a)
	if err != nil {
		return sf, err
	}
	if err := json.Unmarshal(b, &sf); err != nil {
		return sf, fmt.Errorf("finding %s: %w", a.Id, err)
	}
	return sf, nil
}

func partitionOr(p string) string {
	if p == "" {
		return "aws"
	}
	return p
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt32(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}
