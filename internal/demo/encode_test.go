package demo

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestEncodeOutputMatchesSet checks that encodeOutput gives the bytes
// snapshot.ServiceFile.Set stores, for SDK outputs (with ResultMetadata)
// holding awkward strings, and for values without it.
func TestEncodeOutputMatchesSet(t *testing.T) {
	tricky := `{"a":"}],\"<&>","b":[{"c":"\\"}]}`
	cases := []struct {
		name string
		out  any
	}{
		{"sdk output", &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: aws.String("r"), Arn: aws.String("arn:aws:iam::1:role/r"),
			AssumeRolePolicyDocument: aws.String(tricky), Tags: []iamtypes.Tag{{Key: aws.String("k,}"), Value: aws.String(`"v"`)}}}}},
		{"sdk output with map", &sqs.GetQueueAttributesOutput{Attributes: map[string]string{"Policy": tricky, "B": "{", "A": "]"}}},
		{"empty sdk output", &iam.GetAccountPasswordPolicyOutput{}},
		{"plain struct", struct{ Z, A string }{"}", "{"}},
		{"map", map[string]any{"ResultMetadata": 1, "b": []int{1, 2}, "a": "x"}},
		{"nested metadata only", map[string]any{"x": map[string]int{"ResultMetadata": 1}}},
		{"raw", json.RawMessage(`{"ResultMetadata":{},"b":1}`)},
		{"not an object", []string{`"ResultMetadata":`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := snapshot.NewServiceFile("1", "global", "iam")
			if err := want.Set("Op", c.out); err != nil {
				t.Fatal(err)
			}
			b, err := encodeOutput(c.out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, want.Operations["Op"]) {
				t.Errorf("encodeOutput:\n%s\nSet stores:\n%s", b, want.Operations["Op"])
			}
		})
	}
}

func TestSplitObjectRejects(t *testing.T) {
	for _, in := range []string{``, `[]`, `{"a"}`, `{"a":"x}`, `{"a\"b":1}`, `{a:1}`} {
		if _, ok := splitObject([]byte(in)); ok {
			t.Errorf("%q: split, want rejected", in)
		}
	}
}
