package trail

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

const rec1 = `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.9","requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}},"responseElements":null,"eventID":"e-1","recipientAccountId":"111122223333","resources":[{"ARN":"arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1"}]}`

const rec2 = `{"eventTime":"2026-01-02T03:05:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","eventID":"e-\u0032","errorCode":"Failed authentication","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"},"additionalEventData":{"MFAUsed":"No","x":[1,-2.5e3,true,false,null,"a\"]}"]}}`

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func decodeAll(t *testing.T, in []byte) ([]string, []error) {
	t.Helper()
	d := NewDecoder(bytes.NewReader(in))
	d.MaxRecord = 4096
	var names []string
	var errs []error
	for i := 0; i < 1000; i++ {
		r, err := d.Next()
		if errors.Is(err, io.EOF) {
			return names, errs
		}
		if err != nil {
			errs = append(errs, err)
			if errors.Is(err, ErrTooLarge) {
				continue
			}
			return names, errs
		}
		names = append(names, Text(r.EventName))
		env := AppendEnvelope(nil, r)
		if !json.Valid(env) {
			t.Fatalf("envelope is not JSON: %s", env)
		}
		if !json.Valid(r.Raw) {
			t.Fatalf("record is not JSON: %s", r.Raw)
		}
	}
	t.Fatal("decoder did not end")
	return nil, nil
}

func TestDecoder(t *testing.T) {
	big := `{"eventName":"Big","x":"` + strings.Repeat("a", 5000) + `"}`
	tests := []struct {
		name  string
		in    []byte
		want  string // event names joined by ,
		errIs error
	}{
		{"records", []byte(`{"Records":[` + rec1 + `,` + rec2 + `]}`), "AuthorizeSecurityGroupIngress,ConsoleLogin", nil},
		{"records gz", gz(`{"Records":[` + rec1 + `]}`), "AuthorizeSecurityGroupIngress", nil},
		{"bare array", []byte(" [\n " + rec2 + " ,\n" + rec1 + "\n]\n"), "ConsoleLogin,AuthorizeSecurityGroupIngress", nil},
		{"other members", []byte(`{"a":{"b":[1,"]"]},"Records":[` + rec1 + `],"z":"}"}`), "AuthorizeSecurityGroupIngress", nil},
		{"empty", []byte(`{"Records":[]}`), "", nil},
		{"empty array", []byte(`[]`), "", nil},
		{"truncated gz", gz(`{"Records":[` + rec1 + `,` + rec2 + `]}`)[:200], "", ErrTruncated},
		{"truncated json", []byte(`{"Records":[` + rec1 + `,{"eventName":"x"`), "AuthorizeSecurityGroupIngress", ErrTruncated},
		{"invalid record", []byte(`[` + rec1 + `,{"eventName":"x",}]`), "AuthorizeSecurityGroupIngress", ErrSyntax},
		{"bad literal", []byte(`[{"a":tru}]`), "", ErrSyntax},
		{"not object", []byte(`[1]`), "", ErrSyntax},
		{"too large skipped", []byte(`[` + rec1 + `,` + big + `,` + rec2 + `]`), "AuthorizeSecurityGroupIngress,ConsoleLogin", ErrTooLarge},
		{"no records", []byte(`{"foo":1}`), "", ErrUnknownLayout},
		{"records not array", []byte(`{"Records":{}}`), "", ErrUnknownLayout},
		{"string doc", []byte(`"x"`), "", ErrUnknownLayout},
		{"empty file", nil, "", ErrUnknownLayout},
		{"trailing data", []byte(`[]x`), "", ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			names, errs := decodeAll(t, tc.in)
			if got := strings.Join(names, ","); got != tc.want {
				t.Errorf("records = %q, want %q", got, tc.want)
			}
			if tc.errIs == nil && len(errs) > 0 {
				t.Errorf("unexpected error %v", errs[0])
			}
			if tc.errIs != nil && (len(errs) == 0 || !errors.Is(errs[0], tc.errIs)) {
				t.Errorf("errors = %v, want %v", errs, tc.errIs)
			}
		})
	}
}

func TestRecordFields(t *testing.T) {
	d := NewDecoder(strings.NewReader(`[` + rec1 + `,` + rec2 + `]`))
	r, err := d.Next()
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][]byte{
		"e-1": r.EventID, "2026-01-02T03:04:05Z": r.EventTime, "ec2.amazonaws.com": r.EventSource,
		"eu-west-1": r.AWSRegion, "111122223333": r.RecipientAccountID, "203.0.113.9": r.SourceIPAddr,
		"IAMUser": r.UserType, "arn:aws:iam::111122223333:user/alice": r.UserARN,
	}
	for want, got := range checks {
		if string(got) != want {
			t.Errorf("field = %q, want %q", got, want)
		}
	}
	if arns := r.ResourceARNs(); len(arns) != 1 || !strings.HasSuffix(arns[0], "sg-1") {
		t.Errorf("resources = %v", arns)
	}
	env := AppendEnvelope(nil, r)
	var e struct {
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Account    string          `json:"account"`
		Detail     json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	if e.DetailType != DetailTypeAPICall || e.Source != "aws.ec2" || e.Account != "111122223333" || string(e.Detail) != rec1 {
		t.Errorf("envelope = %+v", e)
	}
	r, err = d.Next()
	if err != nil {
		t.Fatal(err)
	}
	if Text(r.EventID) != "e-2" || r.DetailType() != DetailTypeSignIn || string(r.ErrorCode) != "Failed authentication" {
		t.Errorf("record 2: id %q type %q", Text(r.EventID), r.DetailType())
	}
	if r.Principal() != "arn:aws:iam::111122223333:root" || string(r.Account()) != "" {
		t.Errorf("principal %q account %q", r.Principal(), r.Account())
	}
}

// TestDecoderSmallReads feeds the decoder one byte at a time, so every
// token crosses a window refill.
func TestDecoderSmallReads(t *testing.T) {
	in := `{"x":"}",  "Records" : [` + rec1 + ` , ` + rec2 + `], "y":[{"z":"]"}]}`
	d := NewDecoder(iotestOneByte{strings.NewReader(in)})
	n := 0
	for {
		_, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("records = %d, want 2", n)
	}
}

type iotestOneByte struct{ r io.Reader }

func (o iotestOneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func FuzzDecoder(f *testing.F) {
	f.Add([]byte(`{"Records":[` + rec1 + `,` + rec2 + `]}`))
	f.Add([]byte(`[` + rec2 + `]`))
	f.Add(gz(`[` + rec1 + `]`))
	f.Add([]byte(`{"a":[1,{"b":"\"]"}],"Records":[{}]}`))
	f.Add([]byte(`[{"a":1e5,"b":-0.1,"c":"\u00e9"}]`))
	f.Add([]byte(`{"version":"0","id":"x","detail-type":"GuardDuty Finding","detail":{"severity":5}}` + "\n" + `{"detail":` + rec1 + `}`))
	d := NewDecoder(nil)
	f.Fuzz(func(t *testing.T, in []byte) {
		d.MaxRecord = 1 << 16
		for _, events := range []bool{false, true} {
			if events {
				d.ResetEvents(bytes.NewReader(in))
			} else {
				d.Reset(bytes.NewReader(in))
			}
			fuzzDrain(t, d)
		}
	})
}

// fuzzDrain reads every record, checking that what the decoder accepts
// is JSON and wraps into a JSON envelope.
func fuzzDrain(t *testing.T, d *Decoder) {
	for i := 0; i < 10000; i++ {
		r, err := d.Next()
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				continue
			}
			return
		}
		if len(r.Raw) > 0 && !json.Valid(r.Raw) {
			t.Fatalf("accepted invalid record %q", r.Raw)
		}
		if env := AppendEnvelope(nil, r); !json.Valid(env) {
			t.Fatalf("invalid envelope %q", env)
		}
	}
}
