// Package notify routes detections to the people who must see them:
// it decides by configuration which channels (Slack, Teams, webhooks,
// SNS, e-mail) and which lane (automatic or triage) a detection goes to,
// records every delivery in a durable outbox before sending it, retries
// with backoff until the channel answers, and never sends one detection
// twice to the same channel.
//
// The package also runs orgrail's continuous modes: Watch polls a Log
// Archive and/or consumes an SQS queue, and Handler serves the same
// pipeline as an AWS Lambda function with its state in DynamoDB.
package notify

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/orgrail/orgrail/internal/severity"
)

// Event is one detection as notify sees it: the contract's detection
// fields plus the strings of the record worth showing and the raw record.
// Every string that comes from the record is attacker-controllable and is
// escaped by each channel before it reaches a message.
type Event struct {
	DetectionID string         `json:"detectionId"`
	Title       string         `json:"title"`
	Severity    severity.Level `json:"severity"`
	NistCSF     string         `json:"nistCsf,omitempty"`
	EventID     string         `json:"eventId"`
	EventTime   time.Time      `json:"eventTime"`
	Account     string         `json:"account"`
	AccountName string         `json:"accountName,omitempty"`
	OU          string         `json:"ou,omitempty"`
	Region      string         `json:"region,omitempty"`
	Principal   string         `json:"principal,omitempty"`
	EventName   string         `json:"eventName,omitempty"`
	EventSource string         `json:"eventSource,omitempty"`
	SourceIP    string         `json:"sourceIp,omitempty"`
	UserAgent   string         `json:"userAgent,omitempty"`
	ErrorCode   string         `json:"errorCode,omitempty"`
	Error       string         `json:"errorMessage,omitempty"`
	Resources   []string       `json:"resources,omitempty"`
	Source      string         `json:"source,omitempty"`
	Author      string         `json:"author,omitempty"`
	// FindingID is set for events that carry a finding (GuardDuty,
	// Security Hub, Config) rather than a CloudTrail record; it is the
	// dedupe key when EventID is empty.
	FindingID string `json:"findingId,omitempty"`
	// Link points at the event in the AWS console. Submit drops a link
	// that is not an https:// URL of the console; ConsoleLink builds one
	// when it is empty.
	Link string `json:"link,omitempty"`
	// Raw is the record (or EventBridge event) the detection fired on.
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Key returns the event's dedupe key: the detection id with the
// CloudTrail eventID, or with the finding id when there is no eventID.
// A re-read archive or a redelivered queue message yields the same key.
func (e *Event) Key() string {
	id := e.EventID
	if id == "" {
		id = "finding:" + e.FindingID
	}
	return e.DetectionID + "/" + id
}

// Validate reports an event that cannot be routed: without a detection id,
// or without both an eventID and a finding id.
func (e *Event) Validate() error {
	if e.DetectionID == "" {
		return fmt.Errorf("event %q: no detection id", e.EventID)
	}
	if e.EventID == "" && e.FindingID == "" {
		return fmt.Errorf("detection %s: event has neither eventId nor findingId", e.DetectionID)
	}
	return nil
}

// ConsoleLink returns the event's link: Link when it is an https:// URL
// of the AWS console (a link from input pointing anywhere else is
// ignored), else the CloudTrail event history page of the event in its
// region. The event id is path-escaped so that a crafted id cannot
// change the link's target.
func (e *Event) ConsoleLink() string {
	if e.Link != "" && consoleURL(e.Link) {
		return e.Link
	}
	if e.EventID == "" || !regionName.MatchString(e.Region) {
		return ""
	}
	host := "console.aws.amazon.com"
	switch {
	case len(e.Region) > 3 && e.Region[:3] == "cn-":
		host = "console.amazonaws.cn"
	case len(e.Region) > 7 && e.Region[:7] == "us-gov-":
		host = "console.amazonaws-us-gov.com"
	}
	return fmt.Sprintf("https://%s.%s/cloudtrailv2/home?region=%s#/events/%s", e.Region, host, e.Region, url.PathEscape(e.EventID))
}

// withSafeLink returns the event with Link emptied unless it is an
// https:// URL of the AWS console, for bodies that carry the event
// itself (an outbox message recorded before links were checked).
func (e Event) withSafeLink() Event {
	if e.Link != "" && !consoleURL(e.Link) {
		e.Link = ""
	}
	return e
}

// regionName is what a region must look like to be put in a link's host.
var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
