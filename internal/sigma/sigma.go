// Package sigma loads Sigma detection rules for AWS CloudTrail and
// evaluates them over the fields extracted from an EventBridge envelope.
package sigma

// Rule is one parsed Sigma rule.
type Rule struct {
	ID, Title, Author, Level, Description string
	References, Tags                      []string
	File                                  string
}
