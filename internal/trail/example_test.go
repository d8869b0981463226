package trail_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/orgrail/orgrail/internal/trail"
)

// A Decoder yields one record at a time from a CloudTrail log file, and
// AppendEnvelope wraps it into the EventBridge event that detections
// match.
func ExampleDecoder() {
	log := `{"Records":[{"eventVersion":"1.09","eventID":"e-1","eventTime":"2026-01-01T00:00:00Z",
	"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1",
	"recipientAccountId":"111122223333","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"}}]}`
	d := trail.NewDecoder(strings.NewReader(log))
	for {
		rec, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		env := trail.AppendEnvelope(nil, rec)
		fmt.Println(trail.Text(rec.EventName), rec.Principal())
		fmt.Println(string(env[:strings.Index(string(env), `"detail":`)]))
	}
	// Output:
	// StopLogging arn:aws:iam::111122223333:root
	// {"version":"0","id":"e-1","detail-type":"AWS API Call via CloudTrail","source":"aws.cloudtrail","account":"111122223333","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],
}
