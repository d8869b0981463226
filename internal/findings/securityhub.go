package findings

import (
	"context"
	"encoding/json"
	"errors"
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

// ImportOptions says where and how the findings are imported.
type ImportOptions struct {
	// Region, when set, sends every finding to that region; by default
	// each goes to its own region (the home region for global ones).
	Region string
	// OnlyAccount, when set, imports only that account's findings (the
	// Audit account importing its own); the others are skipped.
	OnlyAccount string
	// ClientFor returns a Security Hub client signed with the credentials
	// of account, in region, or an error when the account cannot be
	// reached (its role cannot be assumed).
	ClientFor func(account, region string) (Importer, error)
}

// ImportResult counts what an import did.
type ImportResult struct {
	Imported int // accepted by Security Hub
	Skipped  int // findings of other accounts, with OnlyAccount
	Failed   int // rejected, or of accounts that could not be reached
}

// ImportToSecurityHub sends the report's findings as ASFF to Security
// Hub, in batches of 100, per account and region. Each finding is
// imported by its own account into that account's default product: with
// the default product ARN, AWS accepts a finding only from the account
// that is its AwsAccountId. An account that cannot be reached or rejects
// findings does not stop the others; the error names each one.
func ImportToSecurityHub(ctx context.Context, r *Report, opt ImportOptions) (ImportResult, error) {
	type key struct{ account, region string }
	groups := map[key][]shtypes.AwsSecurityFinding{}
	var res ImportResult
	for _, a := range ToASFF(r) {
		if opt.OnlyAccount != "" && a.AwsAccountId != opt.OnlyAccount {
			res.Skipped++
			continue
		}
		if opt.Region != "" {
			a.Region = opt.Region
			for i := range a.Resources {
				a.Resources[i].Region = opt.Region
			}
		}
		a.ProductArn = DefaultProductARN(partitionOr(r.Partition), a.Region, a.AwsAccountId)
		sf, err := toSDK(a)
		if err != nil {
			return res, err
		}
		k := key{a.AwsAccountId, a.Region}
		groups[k] = append(groups[k], sf)
	}
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].account != keys[j].account {
			return keys[i].account < keys[j].account
		}
		return keys[i].region < keys[j].region
	})
	var errs []error
	for _, k := range keys {
		fs := groups[k]
		c, err := opt.ClientFor(k.account, k.region)
		if err != nil {
			res.Failed += len(fs)
			errs = append(errs, fmt.Errorf("account %s, %s: %w", k.account, k.region, err))
			continue
		}
		if err := importBatches(ctx, c, fs, &res); err != nil {
			errs = append(errs, fmt.Errorf("account %s, %s: %w", k.account, k.region, err))
		}
	}
	return res, errors.Join(errs...)
}

// DefaultProductARN is the ARN of an account's default Security Hub
// product in a region, the product of findings the account imports itself.
func DefaultProductARN(partition, region, account string) string {
	return "arn:" + partition + ":securityhub:" + region + ":" + account + ":product/" + account + "/default"
}

// importBatches imports findings in batches of 100 with one client. A
// batch with rejected findings does not stop the next; the error names
// the first rejection.
func importBatches(ctx context.Context, c Importer, fs []shtypes.AwsSecurityFinding, res *ImportResult) error {
	var first error
	for start := 0; start < len(fs); start += batchSize {
		end := min(start+batchSize, len(fs))
		out, err := c.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: fs[start:end]})
		if err != nil {
			res.Failed += len(fs) - start
			return errors.Join(first, fmt.Errorf("BatchImportFindings: %w", err))
		}
		res.Imported += int(derefInt32(out.SuccessCount))
		n := int(derefInt32(out.FailedCount))
		res.Failed += n
		if n > 0 && first == nil {
			first = fmt.Errorf("Security Hub rejected %d findings", n)
			if len(out.FailedFindings) > 0 {
				ff := out.FailedFindings[0]
				first = fmt.Errorf("Security Hub rejected findings; first %s: %s %s",
					deref(ff.Id), deref(ff.ErrorCode), deref(ff.ErrorMessage))
			}
		}
	}
	return first
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
