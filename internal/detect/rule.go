// Package detect holds orgrail's detections: the built-in pack (embedded
// YAML), user detections in the same format, Sigma rules for CloudTrail,
// and the compiled Engine that runs all of them over EventBridge events in
// one pass.
package detect

import (
	"time"

	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/sigma"
)

// Sources of a rule, as shown in the detection's source field.
const (
	SourceBuiltin = "builtin" // the embedded pack
	SourceCustom  = "custom"  // a user's orgrail YAML detection
	SourceSigma   = "sigma"   // a Sigma rule
)

// Rule is one detection: from the built-in pack, a user's YAML file, or a
// Sigma rule. Rules are immutable once compiled into an Engine.
type Rule struct {
	ID          string
	Title       string
	Description string
	Severity    severity.Level
	// NistCSF is the NIST CSF 2.0 function or category, e.g. "DE.CM".
	NistCSF string
	// Source is SourceBuiltin, SourceCustom or SourceSigma.
	Source string
	// Author is the rule's author; always set for Sigma rules, whose
	// licence requires the author be shown with every match.
	Author string
	// Fields are the envelope field paths (e.g. "detail.requestParameters.groupId")
	// worth showing beside a hit. Hit.Values holds their values.
	Fields []string
	// References and Tags are informational (ATT&CK tags for Sigma rules).
	References []string
	Tags       []string
	// Suppression, when set, collapses repeated hits (see Suppressor).
	Suppression *Suppression
	// File is where the rule was loaded from ("" for the built-in pack).
	File string

	// Pattern is the EventBridge event pattern (JSON) of a pattern rule.
	Pattern []byte
	// NeedsOrgAccounts is set when the pattern names ${orgAccounts};
	// such a rule only runs when Compile is given the organization's accounts.
	NeedsOrgAccounts bool

	sigma *sigma.Rule // set for Sigma rules and orgrail rules written in Sigma
}

// Suppression collapses repeated hits of one rule: a hit whose key values
// equal those of a hit reported less than Window earlier is suppressed.
type Suppression struct {
	// Key lists envelope field paths; empty means the rule alone is the key.
	Key []string
	// Window is how long a reported hit silences its repeats.
	Window time.Duration
}

// Hit is one rule firing on one event.
type Hit struct {
	Rule *Rule
	// Values are the event's values of Rule.Fields, in the same order;
	// several values of one field (an array) are joined with ", ".
	Values []string
	// Key is the suppression key ("" when the rule has no Suppression).
	Key string
}
