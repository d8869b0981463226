package snapshot

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

const secret = "hunter2-SECRET-VALUE"

// TestRedactJSONShapes feeds the shapes the AWS read APIs use for
// secret-like values (as their API references document them: Lambda
// FunctionConfiguration.Environment.Variables, ECS ContainerDefinition
// environment [{name, value}], CodeBuild environmentVariables, EC2
// DescribeInstanceAttribute UserData {Value}, launch template UserData,
// SSM Parameter {Name, Type, Value}, CloudFormation Parameter
// ParameterValue, Secrets Manager SecretString) and checks that keys
// survive and values do not.
func TestRedactJSONShapes(t *testing.T) {
	docs := map[string]string{
		"lambda":     `{"Functions":[{"FunctionName":"f","Environment":{"Variables":{"DB_PASSWORD":"` + secret + `"}}}]}`,
		"config":     `{"configuration":{"environment":{"variables":{"DB_PASSWORD":"` + secret + `"}}}}`,
		"ecs":        `{"taskDefinition":{"containerDefinitions":[{"name":"c","environment":[{"name":"TOKEN","value":"` + secret + `"}]}]}}`,
		"codebuild":  `{"projects":[{"environment":{"environmentVariables":[{"name":"TOKEN","value":"` + secret + `","type":"PLAINTEXT"}]}}]}`,
		"userdata":   `{"InstanceId":"i-1","UserData":{"Value":"` + secret + `"}}`,
		"launchtmpl": `{"LaunchTemplateVersions":[{"LaunchTemplateData":{"UserData":"` + secret + `"}}]}`,
		"ssm":        `{"Parameters":[{"Name":"/db/pw","Type":"SecureString","Value":"` + secret + `","Version":1}]}`,
		"cfn":        `{"Stacks":[{"Parameters":[{"ParameterKey":"DbPassword","ParameterValue":"` + secret + `"}]}]}`,
		"cfn-output": `{"Stacks":[{"Outputs":[{"OutputKey":"AdminToken","OutputValue":"` + secret + `"}]}]}`,
		"secrets":    `{"SecretString":"` + secret + `"}`,
	}
	for name, doc := range docs {
		out, changed, err := RedactJSON([]byte(doc))
		if err != nil || !changed {
			t.Errorf("%s: changed %v, err %v", name, changed, err)
			continue
		}
		if bytes.Contains(out, []byte(secret)) || !bytes.Contains(out, []byte(Redacted)) {
			t.Errorf("%s: %s", name, out)
		}
		if !json.Valid(out) {
			t.Errorf("%s: not JSON: %s", name, out)
		}
	}
	out, _, _ := RedactJSON([]byte(docs["lambda"]))
	if !strings.Contains(string(out), `"DB_PASSWORD":"<redacted by orgrail>"`) {
		t.Errorf("key not kept: %s", out)
	}
}

// TestRedactJSONLeavesOthersAlone checks that outputs without secret
// shapes keep their bytes, and that look-alikes are not touched: tags
// are {Key, Value}, and a policy document that names ssm:GetParameter
// is not a parameter.
func TestRedactJSONLeavesOthersAlone(t *testing.T) {
	for _, doc := range []string{
		`{"Tags":[{"Key":"Environment","Value":"prod"}],"b": 1.50}`,
		`{"Policy":"{\"Action\":\"ssm:GetParameter\"}","Parameters":[{"Name":"x","Value":"y"}]}`,
		`{"Functions":[{"FunctionName":"f","Environment":{"Variables":{}}}], "n": 12345678901234567890}`,
	} {
		out, changed, err := RedactJSON([]byte(doc))
		if err != nil || changed || string(out) != doc {
			t.Errorf("%s → %s (changed %v, err %v)", doc, out, changed, err)
		}
	}
}

// TestEncodeServiceFileRedacts checks the one write path: whatever a
// writer stored in a ServiceFile, the encoded bytes hold no secret, and
// the caller's file is not modified.
func TestEncodeServiceFileRedacts(t *testing.T) {
	f := NewServiceFile("111122223333", "us-east-1", "lambda")
	f.Operations = map[string]json.RawMessage{"ListFunctions": json.RawMessage(`{"Functions":[{"Environment":{"Variables":{"K":"` + secret + `"}}}]}`)}
	f.PerResource = map[string]map[string]json.RawMessage{"GetFunctionConfiguration": {"f": json.RawMessage(`{"Environment":{"Variables":{"K":"` + secret + `"}}}`)}}
	b, err := EncodeServiceFile(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeGzip(b)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(got, []byte(secret)) {
		t.Fatalf("secret encoded: %s", got)
	}
	if !bytes.Contains(f.Operations["ListFunctions"], []byte(secret)) || !bytes.Contains(f.PerResource["GetFunctionConfiguration"]["f"], []byte(secret)) {
		t.Fatal("the caller's ServiceFile was modified")
	}
}

func decodeGzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
