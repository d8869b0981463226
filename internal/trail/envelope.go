package trail

import "bytes"

// Detail types of the EventBridge events CloudTrail emits.
const (
	DetailTypeAPICall = "AWS API Call via CloudTrail"
	DetailTypeSignIn  = "AWS Console Sign In via CloudTrail"
)

var signinSource = []byte("signin.amazonaws.com")

// DetailType returns the EventBridge detail-type of a record.
func (r *Record) DetailType() string {
	if len(r.detailType) > 0 {
		return Text(r.detailType)
	}
	if bytes.Equal(r.EventSource, signinSource) {
		return DetailTypeSignIn
	}
	return DetailTypeAPICall
}

// Service returns the first label of eventSource ("ec2" for
// ec2.amazonaws.com), the part EventBridge puts after "aws.".
func (r *Record) Service() []byte {
	if i := bytes.IndexByte(r.EventSource, '.'); i >= 0 {
		return r.EventSource[:i]
	}
	return r.EventSource
}

// AppendEnvelope appends the EventBridge event that carries the record,
// built by concatenation around the unchanged record bytes:
//
//	{"version":"0","id":…,"detail-type":…,"source":"aws.<service>",
//	 "account":…,"time":…,"region":…,"resources":[],"detail":<record>}
//
// The field values are the record's own JSON string contents, so the
// result is valid JSON whenever the record is. A record that arrived as
// an EventBridge event is returned as it came.
func AppendEnvelope(dst []byte, r *Record) []byte {
	if r.Envelope != nil {
		return append(dst, r.Envelope...)
	}
	dst = append(dst, `{"version":"0","id":"`...)
	dst = append(dst, r.EventID...)
	dst = append(dst, `","detail-type":"`...)
	dst = append(dst, r.DetailType()...)
	dst = append(dst, `","source":"aws.`...)
	dst = append(dst, r.Service()...)
	dst = append(dst, `","account":"`...)
	dst = append(dst, r.Account()...)
	dst = append(dst, `","time":"`...)
	dst = append(dst, r.EventTime...)
	dst = append(dst, `","region":"`...)
	dst = append(dst, r.AWSRegion...)
	dst = append(dst, `","resources":[],"detail":`...)
	dst = append(dst, r.Raw...)
	return append(dst, '}')
}
