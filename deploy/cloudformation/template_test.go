// Package cloudformation holds the Lambda deployment template; its test
// checks the template with cfn-lint, an independent checker of
// CloudFormation's resource specification.
package cloudformation

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const template = "orgrail-lambda.yaml"

// TestTemplateLints runs cfn-lint over the template (skipped when
// cfn-lint is not installed).
func TestTemplateLints(t *testing.T) {
	if testing.Short() {
		t.Skip("cfn-lint takes a while to load")
	}
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint not installed")
	}
	out, err := exec.Command(bin, template).CombinedOutput()
	if err != nil {
		t.Fatalf("cfn-lint %s: %v\n%s", template, err, out)
	}
}

// TestTemplateSecretsAndKeys checks what docs/deploy-lambda.md promises
// of the template: a KMS key for the environment, and reads of exactly
// the channel secrets named in parameters.
func TestTemplateSecretsAndKeys(t *testing.T) {
	b, err := os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		"KmsKeyArn: !If [HasEnvKey, !Ref KmsKeyArn, !Ref AWS::NoValue]",
		"Action: secretsmanager:GetSecretValue\n                  Resource: !Ref ChannelSecretArns",
		"Action: ssm:GetParameter\n                  Resource: !Ref ChannelParameterArns",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("template lacks %q", want)
		}
	}
}
