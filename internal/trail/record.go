package trail

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// maxDepth bounds nesting inside one record.
const maxDepth = 512

// Record is one CloudTrail record: its raw JSON bytes, unchanged, and the
// envelope fields picked out of them. Field values are the JSON string
// contents as written (escapes kept), sub-slices of Raw; use Text to read
// one as a Go string. A field that is absent, null or not a string is
// empty.
type Record struct {
	Raw []byte
	// Index is the record's position in its file, from 0.
	Index int

	EventID, EventTime, EventSource, EventName  []byte
	AWSRegion, RecipientAccountID, SourceIPAddr []byte
	ErrorCode, EventType                        []byte
	// UserARN, UserType, PrincipalID, UserAccount and InvokedBy come from
	// userIdentity.
	UserARN, UserType, PrincipalID, UserAccount, InvokedBy []byte
	// Resources is the raw "resources" array, if any.
	Resources []byte
	// RequestParameters is the raw "requestParameters" value, if any.
	RequestParameters []byte
	// TLSDetails is the raw "tlsDetails" value, if any; VPCEndpointID
	// the "vpcEndpointId" string; MFAAuthenticated the string
	// userIdentity.sessionContext.attributes.mfaAuthenticated.
	TLSDetails, VPCEndpointID, MFAAuthenticated []byte
	// Envelope is set when the record arrived as an EventBridge event
	// (JSON Lines of events, an SQS message): the event as received, with
	// Raw its detail.
	Envelope []byte

	detailType []byte

	errAt int
}

func (r *Record) reset(raw []byte, idx int) {
	*r = Record{Raw: raw, Index: idx}
}

// Text returns a field's value as a Go string, decoding JSON escapes.
func Text(b []byte) string {
	for _, c := range b {
		if c == '\\' {
			var s string
			q := make([]byte, 0, len(b)+2)
			q = append(append(append(q, '"'), b...), '"')
			if json.Unmarshal(q, &s) == nil {
				return s
			}
			return string(b)
		}
	}
	return string(b)
}

// Principal returns who acted: the identity's ARN, else the service that
// acted on its behalf, else the identity type.
func (r *Record) Principal() string {
	switch {
	case len(r.UserARN) > 0:
		return Text(r.UserARN)
	case len(r.InvokedBy) > 0:
		return Text(r.InvokedBy)
	case len(r.PrincipalID) > 0:
		return Text(r.PrincipalID)
	}
	return Text(r.UserType)
}

// Account returns the account the record belongs to: recipientAccountId,
// else the identity's account.
func (r *Record) Account() []byte {
	if len(r.RecipientAccountID) > 0 {
		return r.RecipientAccountID
	}
	return r.UserAccount
}

// ResourceARNs returns the ARNs of the record's "resources" array.
func (r *Record) ResourceARNs() []string {
	if len(r.Resources) == 0 {
		return nil
	}
	var rs []struct {
		ARN string `json:"ARN"`
	}
	if json.Unmarshal(r.Resources, &rs) != nil {
		return nil
	}
	out := make([]string, 0, len(rs))
	for _, x := range rs {
		if x.ARN != "" {
			out = append(out, x.ARN)
		}
	}
	return out
}

// ResourceNames returns what the record names as its resources: the ARNs
// of "resources" and the top-level string values of "requestParameters"
// whose names end in Arn, Name, Id or Ids (bucketName, groupId, roleName,
// policyArn, keyId, ...). It decodes JSON and is meant for indexing, not
// for the matching path.
func (r *Record) ResourceNames() []string {
	out := r.ResourceARNs()
	n := len(out)
	if len(r.RequestParameters) == 0 || r.RequestParameters[0] != '{' {
		return out
	}
	var params map[string]json.RawMessage
	if json.Unmarshal(r.RequestParameters, &params) != nil {
		return out
	}
	for k, v := range params {
		lk := strings.ToLower(k)
		if !(strings.HasSuffix(lk, "arn") || strings.HasSuffix(lk, "name") || strings.HasSuffix(lk, "id") || strings.HasSuffix(lk, "ids")) {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil && s != "" {
			out = append(out, s)
		}
	}
	sort.Strings(out[n:])
	return out
}

// parse validates Raw as one JSON object and picks out the fields. It
// stops after the object's closing brace; r.Raw is then cut there. It
// returns errShort when Raw ends before the object does.
func (r *Record) parse() error {
	n, err := r.parseFields(r.Raw)
	r.errAt = n
	if err == nil {
		r.Raw = r.Raw[:n:n]
	}
	return err
}

// parseFields validates the object at the start of b, picking out the
// CloudTrail fields, and returns where it ended.
func (r *Record) parseFields(b []byte) (int, error) {
	p := parser{b: b}
	err := p.objectAt(0, func(key []byte) error {
		var dst *[]byte
		switch string(key) {
		case "eventID":
			dst = &r.EventID
		case "eventTime":
			dst = &r.EventTime
		case "eventSource":
			dst = &r.EventSource
		case "eventName":
			dst = &r.EventName
		case "awsRegion":
			dst = &r.AWSRegion
		case "recipientAccountId":
			dst = &r.RecipientAccountID
		case "sourceIPAddress":
			dst = &r.SourceIPAddr
		case "errorCode":
			dst = &r.ErrorCode
		case "eventType":
			dst = &r.EventType
		case "userIdentity":
			return p.identity(r)
		case "resources":
			return p.span(&r.Resources)
		case "requestParameters":
			return p.span(&r.RequestParameters)
		case "tlsDetails":
			return p.span(&r.TLSDetails)
		case "vpcEndpointId":
			dst = &r.VPCEndpointID
		default:
			return p.value(1)
		}
		return p.stringOrValue(dst)
	})
	return p.i, err
}

// parseEnvelope validates an EventBridge event and fills the record from
// it: Envelope is the event, Raw its detail, and the CloudTrail fields
// come from the detail, falling back on the envelope's id, time, account,
// region, source and detail-type.
func (r *Record) parseEnvelope(b []byte) (int, error) {
	var id, tm, account, region, source, dtype, detail []byte
	p := parser{b: b}
	err := p.objectAt(0, func(key []byte) error {
		switch string(key) {
		case "id":
			return p.stringOrValue(&id)
		case "time":
			return p.stringOrValue(&tm)
		case "account":
			return p.stringOrValue(&account)
		case "region":
			return p.stringOrValue(&region)
		case "source":
			return p.stringOrValue(&source)
		case "detail-type":
			return p.stringOrValue(&dtype)
		case "detail":
			return p.span(&detail)
		}
		return p.value(1)
	})
	if err != nil {
		return p.i, err
	}
	r.Envelope = b[:p.i:p.i]
	r.Raw = detail
	if len(detail) > 0 && detail[0] == '{' {
		if _, err := r.parseFields(detail); err != nil {
			return p.i, err
		}
	}
	fill := func(dst *[]byte, v []byte) {
		if len(*dst) == 0 {
			*dst = v
		}
	}
	fill(&r.EventID, id)
	fill(&r.EventTime, tm)
	fill(&r.RecipientAccountID, account)
	fill(&r.AWSRegion, region)
	fill(&r.EventSource, source)
	fill(&r.EventName, dtype)
	r.detailType = dtype
	return p.i, nil
}

// span validates a value and stores its bytes in dst.
func (p *parser) span(dst *[]byte) error {
	start := p.skipWS()
	if err := p.value(1); err != nil {
		return err
	}
	*dst = p.b[start:p.i:p.i]
	return nil
}

// identity reads the userIdentity object.
func (p *parser) identity(r *Record) error {
	if p.skipWS(); p.i >= len(p.b) {
		return errShort
	}
	if p.b[p.i] != '{' {
		return p.value(1)
	}
	return p.objectAt(1, func(key []byte) error {
		var dst *[]byte
		switch string(key) {
		case "arn":
			dst = &r.UserARN
		case "type":
			dst = &r.UserType
		case "principalId":
			dst = &r.PrincipalID
		case "accountId":
			dst = &r.UserAccount
		case "invokedBy":
			dst = &r.InvokedBy
		case "sessionContext":
			return p.member(2, "attributes", func() error {
				return p.member(3, "mfaAuthenticated", func() error { return p.stringOrValue(&r.MFAAuthenticated) })
			})
		default:
			return p.value(2)
		}
		return p.stringOrValue(dst)
	})
}

// member reads the value at p.i: when it is an object, fn reads its
// member name's value and the others are validated; any other value is
// only validated.
func (p *parser) member(depth int, name string, fn func() error) error {
	if p.skipWS(); p.i >= len(p.b) {
		return errShort
	}
	if p.b[p.i] != '{' {
		return p.value(depth)
	}
	return p.objectAt(depth, func(key []byte) error {
		if string(key) == name {
			return fn()
		}
		return p.value(depth + 1)
	})
}

// parser validates JSON held in memory, RFC 8259 grammar, without
// building values. Running out of bytes is errShort, distinct from a
// syntax error, so that a streaming caller can read more and retry.
type parser struct {
	b []byte
	i int
}

var (
	errSyntax = errors.New("syntax error")
	errShort  = errors.New("unexpected end of input")
)

func (p *parser) errorf(format string, a ...any) error {
	return fmt.Errorf("%w at offset %d: %s", errSyntax, p.i, fmt.Sprintf(format, a...))
}

func (p *parser) skipWS() int {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\n', '\r', '\t':
			p.i++
		default:
			return p.i
		}
	}
	return p.i
}

// stringOrValue stores a string value's contents in dst; other values are
// validated and leave dst empty.
func (p *parser) stringOrValue(dst *[]byte) error {
	if p.skipWS(); p.i < len(p.b) && p.b[p.i] == '"' {
		s, e, err := p.str()
		if err != nil {
			return err
		}
		*dst = p.b[s:e:e]
		return nil
	}
	return p.value(1)
}

// objectAt reads {"k": v, ...} at p.i, calling member after each key and
// colon; member must consume the value.
func (p *parser) objectAt(depth int, member func(key []byte) error) error {
	if p.skipWS(); p.i >= len(p.b) {
		return errShort
	}
	if p.b[p.i] != '{' {
		return p.errorf("want an object")
	}
	p.i++
	if p.skipWS(); p.i >= len(p.b) {
		return errShort
	}
	if p.b[p.i] == '}' {
		p.i++
		return nil
	}
	for {
		if p.skipWS(); p.i >= len(p.b) {
			return errShort
		}
		if p.b[p.i] != '"' {
			return p.errorf("want a member name, found %q", p.b[p.i])
		}
		s, e, err := p.str()
		if err != nil {
			return err
		}
		if p.skipWS(); p.i >= len(p.b) {
			return errShort
		}
		if p.b[p.i] != ':' {
			return p.errorf("want : after member name %q", truncate(p.b[s:e]))
		}
		p.i++
		if err := member(p.b[s:e]); err != nil {
			return err
		}
		if p.skipWS(); p.i >= len(p.b) {
			return errShort
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return p.errorf("want , or } in object, found %q", p.b[p.i])
		}
	}
}

// value validates any JSON value.
func (p *parser) value(depth int) error {
	if depth > maxDepth {
		return p.errorf("nesting deeper than %d", maxDepth)
	}
	if p.skipWS(); p.i >= len(p.b) {
		return errShort
	}
	switch c := p.b[p.i]; {
	case c == '"':
		_, _, err := p.str()
		return err
	case c == '{':
		return p.objectAt(depth, func([]byte) error { return p.value(depth + 1) })
	case c == '[':
		return p.array(depth)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	default:
		return p.errorf("unexpected %q", c)
	}
}

func (p *parser) array(depth int) error {
	p.i++
	if p.skipWS(); p.i >= len(p.b) {
		return errShort
	}
	if p.b[p.i] == ']' {
		p.i++
		return nil
	}
	for {
		if err := p.value(depth + 1); err != nil {
			return err
		}
		if p.skipWS(); p.i >= len(p.b) {
			return errShort
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return p.errorf("want , or ] in array, found %q", p.b[p.i])
		}
	}
}

// strStop marks the bytes that end a run of plain string characters:
// the quote, the backslash and control characters.
var strStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// stopIn reports whether any byte of w is a quote, a backslash or a
// control character (below 0x20), by the usual has-zero-byte test on w
// with the quotes and backslashes turned into zeros.
func stopIn(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := w ^ (ones * '"')
	bs := w ^ (ones * '\\')
	ctl := (w - ones*0x20) & ^w
	return ((q-ones)&^q|(bs-ones)&^bs|ctl)&highs != 0
}

// str reads a string token at p.i and returns the span of its contents.
func (p *parser) str() (int, int, error) {
	p.i++
	start := p.i
	b := p.b
	for {
		i := p.i
		// Eight bytes at a time while none of them ends the run.
		for i+8 <= len(b) && !stopIn(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		for i < len(b) && !strStop[b[i]] {
			i++
		}
		p.i = i
		if i >= len(b) {
			return 0, 0, errShort
		}
		switch c := b[i]; {
		case c == '"':
			p.i++
			return start, i, nil
		case c == '\\':
			if i+1 >= len(b) {
				return 0, 0, errShort
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, 0, errShort
				}
				if !isHex4(b[i+2 : i+6]) {
					return 0, 0, p.errorf("bad \\u escape")
				}
				p.i += 6
			default:
				return 0, 0, p.errorf("bad escape \\%c", b[i+1])
			}
		default:
			return 0, 0, p.errorf("control character in string")
		}
	}
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// number validates a number. A number is never last in a record, so one
// cut by the end of the bytes shows up as errShort at the next token.
func (p *parser) number() error {
	b := p.b
	if p.i < len(b) && b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i >= len(b):
		return errShort
	case b[p.i] == '0':
		p.i++
	case b[p.i] >= '1' && b[p.i] <= '9':
		p.digits()
	default:
		return p.errorf("bad number")
	}
	if p.i < len(b) && b[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			if p.i >= len(b) {
				return errShort
			}
			return p.errorf("bad number")
		}
	}
	if p.i < len(b) && (b[p.i] == 'e' || b[p.i] == 'E') {
		p.i++
		if p.i < len(b) && (b[p.i] == '+' || b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			if p.i >= len(b) {
				return errShort
			}
			return p.errorf("bad number")
		}
	}
	return nil
}

func (p *parser) digits() int {
	n := 0
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

func (p *parser) literal(word string) error {
	n := len(p.b) - p.i
	if n > len(word) {
		n = len(word)
	}
	if string(p.b[p.i:p.i+n]) != word[:n] {
		return p.errorf("unexpected %q", p.b[p.i])
	}
	if n < len(word) {
		return errShort
	}
	p.i += len(word)
	return nil
}

func truncate(b []byte) string {
	s := string(b)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
