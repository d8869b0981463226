package authz

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/orgrail/orgrail/internal/policy/awsdata"
)

// Validator checks that a request names things AWS has: an action of
// the embedded AWS table (unless AllowUnknown), a resource that is "*"
// or a well-formed ARN, and 12-digit account ids. A decision about a
// misspelt action is a confident answer to a question nobody asked, so
// `policy simulate` refuses it. Action verdicts are kept per distinct
// action, so a batch of a million requests over a few actions looks
// each up once.
type Validator struct {
	// AllowUnknown accepts actions of known services that the table
	// does not list yet (AWS adds actions every week).
	AllowUnknown bool

	actions sync.Map // action → error (nil when known)
	n       atomic.Int64
}

type verdict struct{ err error }

// Check validates one request.
func (v *Validator) Check(in *Input) error {
	if err := v.action(in.Action); err != nil {
		return err
	}
	if err := CheckARN(in.Resource); err != nil {
		return fmt.Errorf("resource: %w", err)
	}
	if a := in.ResourceAccount; a != "" && !isAccountID(a) {
		return fmt.Errorf("resource account %q: an account id is 12 digits", quoteShort(a))
	}
	return nil
}

func (v *Validator) action(a string) error {
	if got, ok := v.actions.Load(a); ok {
		return got.(verdict).err
	}
	err := checkAction(a, v.AllowUnknown)
	if v.n.Add(1) < 1<<16 { // bounded: a hostile file cannot grow it without end
		v.actions.Store(a, verdict{err})
	}
	return err
}

func checkAction(a string, allowUnknown bool) error {
	prefix, name, ok := strings.Cut(a, ":")
	if !ok || prefix == "" || name == "" || strings.ContainsAny(a, " *?") {
		return fmt.Errorf("action %q: want one action as service:Name, such as s3:GetObject", quoteShort(a))
	}
	svc, ok := awsdata.Lookup(prefix)
	if !ok {
		if awsdata.Err() != nil {
			return nil // no table to check against
		}
		return fmt.Errorf("action %q: unknown service prefix %q%s", quoteShort(a), quoteShort(prefix), didYouMean(prefix, awsdata.Prefixes(), ""))
	}
	if _, ok := svc.Action(name); ok || allowUnknown {
		return nil
	}
	return fmt.Errorf("action %q: %s has no action %q in the embedded AWS table%s (--allow-unknown accepts actions newer than the table)",
		quoteShort(a), svc.Prefix, quoteShort(name), didYouMean(name, svc.Actions(), svc.Prefix+":"))
}

// CheckARN accepts "*" or an ARN arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE
// with a known partition, a service, an empty or 12-digit (or "aws")
// account and a resource part.
func CheckARN(s string) error {
	if s == "*" || s == "" {
		return nil
	}
	var p [6]string
	rest := s
	for i := 0; i < 5; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return fmt.Errorf("%q is not an ARN (arn:partition:service:region:account:resource) or *", quoteShort(s))
		}
		p[i], rest = rest[:j], rest[j+1:]
	}
	p[5] = rest
	if p[0] != "arn" {
		return fmt.Errorf("%q is not an ARN (arn:partition:service:region:account:resource) or *", quoteShort(s))
	}
	switch p[1] {
	case "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc":
	default:
		return fmt.Errorf("%q: unknown partition %q", quoteShort(s), quoteShort(p[1]))
	}
	if p[2] == "" || p[5] == "" {
		return fmt.Errorf("%q: an ARN needs a service and a resource", quoteShort(s))
	}
	if acct := p[4]; acct != "" && acct != "aws" && !isAccountID(acct) && !strings.ContainsAny(acct, "*?") {
		return fmt.Errorf("%q: account %q is not 12 digits", quoteShort(s), quoteShort(acct))
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quoteShort keeps at most 200 bytes of user input for an error.
func quoteShort(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// didYouMean names the candidate nearest to s (edit distance, case
// folded), when one is near enough to be a likely typo.
func didYouMean(s string, candidates []string, prefix string) string {
	ls := strings.ToLower(s)
	if len(ls) > 200 {
		return ""
	}
	best, bestD := "", len(ls)/2+2
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if d := len(lc) - len(ls); d > bestD || -d > bestD {
			continue
		}
		if d := editDistance(ls, lc); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s%s?)", prefix, best)
}

// editDistance is the Levenshtein distance of two strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
