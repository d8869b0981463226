package rules

import (
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// docCase is one outcome AWS's documentation of a Config managed rule
// or Security Hub control states, replayed on the fixture organization:
// the fixture is changed as the case describes and the rule's outcome
// for the resource must be the one the text gives. These cases are the
// independent oracle of the built-in rules (see awsdocs_cases*_test.go):
// each cites the page and quotes the sentence it relies on.
type docCase struct {
	Rule string // orgrail rule id
	// Source is the page and Quote the sentence of AWS's documentation
	// the expected outcome comes from.
	Source, Quote string
	Name          string
	Mutate        func(f *fx)
	// Account and Resource narrow the findings judged (acctW and any
	// resource when empty; Resource is a substring of the ARN).
	Account, Resource string
	Want              findings.Status
}

// docCases gathers the cases of every family (registered from the
// awsdocs_cases_*_test.go files).
var docCases []docCase

func addDocCases(cs ...docCase) { docCases = append(docCases, cs...) }

// outcome condenses a rule's findings on one account (and resource) into
// one status: any FAILED wins, then ERROR, then PASSED, then
// NOT_APPLICABLE.
func outcome(fs []findings.Finding, rule, account, resource string) findings.Status {
	seen := map[findings.Status]bool{}
	for _, f := range fs {
		if f.RuleID != rule || f.Account != account || (resource != "" && !strings.Contains(f.ResourceArn, resource)) {
			continue
		}
		seen[f.Status] = true
	}
	for _, st := range []findings.Status{findings.Failed, findings.Error, findings.Passed, findings.NotApplicable} {
		if seen[st] {
			return st
		}
	}
	return "NONE"
}

// docRulePrefix narrows TestDocumentedOutcomes to the rules whose id
// starts with it, for a quick run while writing cases.
var docRulePrefix = flag.String("doc-rule", "", "replay only the documented cases of rules whose id starts with this prefix")

// TestDocumentedOutcomes replays every documented outcome and reports
// the share orgrail agrees with; any disagreement fails the test.
func TestDocumentedOutcomes(t *testing.T) {
	agree, replayed, perRule := 0, 0, map[string]int{}
	var disagree []string
	for _, dc := range docCases {
		if *docRulePrefix != "" && !strings.HasPrefix(dc.Rule, *docRulePrefix) {
			continue
		}
		replayed++
		f := newFx()
		if dc.Mutate != nil {
			dc.Mutate(f)
		}
		// Only the case's rule runs: rules judge independently, and
		// evaluating all of them per case made this the package's
		// slowest test by far.
		r, ok := Lookup(dc.Rule)
		if !ok {
			t.Errorf("%s / %s: no such rule", dc.Rule, dc.Name)
			continue
		}
		res, err := Audit(f.write(t), Options{Rules: []*Rule{r}, Standards: testStandards, Now: fxNow})
		if err != nil {
			t.Fatal(err)
		}
		acct := nonEmpty(dc.Account, acctW)
		got := outcome(res.Report.Findings, dc.Rule, acct, dc.Resource)
		perRule[dc.Rule]++
		if got == dc.Want {
			agree++
			continue
		}
		disagree = append(disagree, fmt.Sprintf("%s / %s: got %s, AWS says %s (%s: %q)", dc.Rule, dc.Name, got, dc.Want, dc.Source, dc.Quote))
	}
	t.Logf("documented rule outcomes: orgrail agrees with %d of %d (%.1f %%) over %d rules",
		agree, replayed, 100*float64(agree)/float64(max(replayed, 1)), len(perRule))
	for _, d := range disagree {
		t.Error(d)
	}
	var few []string
	for id, n := range perRule {
		if n < 3 {
			few = append(few, id)
		}
	}
	sort.Strings(few)
	if len(few) > 0 && *docRulePrefix == "" {
		t.Errorf("rules with fewer than three documented cases: %v", few)
	}
}

// TestDocCasesCiteAWS: every case names an AWS documentation page and
// quotes it.
func TestDocCasesCiteAWS(t *testing.T) {
	for _, dc := range docCases {
		if !strings.HasPrefix(dc.Source, "https://docs.aws.amazon.com/") || len(dc.Quote) < 20 || dc.Name == "" {
			t.Errorf("%s / %s: cite an AWS documentation page and quote it", dc.Rule, dc.Name)
		}
		if _, ok := Lookup(dc.Rule); !ok {
			t.Errorf("%s: no such built-in rule", dc.Rule)
		}
	}
}

// Shared mutations of the documented cases.

func setBucketPolicy(f *fx, account, bucket, doc string, public bool) {
	res[s3.GetBucketPolicyOutput](f, account, "global", "s3", "GetBucketPolicy", bucket).Policy = awsv2.String(doc)
	res[s3.GetBucketPolicyStatusOutput](f, account, "global", "s3", "GetBucketPolicyStatus", bucket).PolicyStatus =
		&s3types.PolicyStatus{IsPublic: awsv2.Bool(public)}
}

func bucketPolicyWith(bucket, action, condition string) string {
	c := ""
	if condition != "" {
		c = `,"Condition":` + condition
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"` + action +
		`","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"]` + c + `}]}`
}

func setLambdaPolicy(f *fx, doc string) {
	f.setRes(acctW, region1, "lambda", "GetPolicy", "fn", &lambda.GetPolicyOutput{Policy: awsv2.String(doc)})
}
