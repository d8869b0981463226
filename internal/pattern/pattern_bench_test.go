package pattern

import (
	"encoding/json"
	"fmt"
	"testing"
)

// benchEvent is a CloudTrail record of typical size in its envelope.
const benchEvent = `{"version":"0","id":"7f1c2b6e-0000-4000-8000-000000000001","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","account":"111122223333","time":"2026-01-01T12:00:00Z","region":"us-east-1","resources":[],
"detail":{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice","arn":"arn:aws:sts::111122223333:assumed-role/Admin/alice","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"},"attributes":{"creationDate":"2026-01-01T11:00:00Z","mfaAuthenticated":"true"}}},
"eventTime":"2026-01-01T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"AttachRolePolicy","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2023 prompt/off command/iam.attach-role-policy",
"requestParameters":{"roleName":"app-role","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"},"responseElements":null,"requestID":"0f3e1c2a-0000-4000-8000-000000000002","eventID":"3b6f0d1c-0000-4000-8000-000000000003","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management",
"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com"}}}`

// BenchmarkMatch measures matching one event against 10, 100 and 1,000
// patterns compiled together. Compare with BenchmarkBaselineUnmarshal,
// the cost of merely decoding the same event with encoding/json.
func BenchmarkMatch(b *testing.B) {
	ev := []byte(benchEvent)
	for _, n := range []int{10, 100, 1000} {
		m, err := Compile(genPatterns(n, 1)...)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("patterns=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(ev)))
			b.ReportAllocs()
			var dst []int
			for i := 0; i < b.N; i++ {
				dst, err = m.Match(ev, dst[:0])
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMatchParallel is BenchmarkMatch with 1,000 patterns on every core.
func BenchmarkMatchParallel(b *testing.B) {
	ev := []byte(benchEvent)
	m, err := Compile(genPatterns(1000, 1)...)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(ev)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var dst []int
		for pb.Next() {
			dst, _ = m.Match(ev, dst[:0])
		}
	})
}

// BenchmarkBaselineUnmarshal is the baseline: encoding/json into a map.
func BenchmarkBaselineUnmarshal(b *testing.B) {
	ev := []byte(benchEvent)
	b.SetBytes(int64(len(ev)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var v map[string]any
		if err := json.Unmarshal(ev, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineValid is the floor of any JSON reader: encoding/json's
// validity scan, which allocates nothing and decodes nothing.
func BenchmarkBaselineValid(b *testing.B) {
	ev := []byte(benchEvent)
	b.SetBytes(int64(len(ev)))
	for i := 0; i < b.N; i++ {
		if !json.Valid(ev) {
			b.Fatal("invalid")
		}
	}
}

// BenchmarkCompile measures building a matcher of 1,000 patterns.
func BenchmarkCompile(b *testing.B) {
	ps := genPatterns(1000, 1)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Compile(ps...); err != nil {
			b.Fatal(err)
		}
	}
}
