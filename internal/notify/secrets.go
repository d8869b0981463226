package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// SecretsManagerAPI is the part of the Secrets Manager client channel
// secrets are read with.
type SecretsManagerAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// SSMAPI is the part of the SSM client channel secrets are read with.
type SSMAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// AWSSecrets reads channel secrets named by reference: a Secrets
// Manager secret ARN (arn:aws:secretsmanager:…:secret:…) or an SSM
// parameter (ssm:/path/name, or its arn:aws:ssm:…:parameter/… ARN),
// decrypted when it is a SecureString. Each reference is read once and
// cached for the life of the process (a Lambda instance), so that
// secrets are fetched at start, not per message. Safe for concurrent use.
type AWSSecrets struct {
	SecretsManager SecretsManagerAPI
	SSM            SSMAPI
	// Context bounds the reads (context.Background when nil).
	Context context.Context

	mu    sync.Mutex
	cache map[string]string
}

// NewAWSSecrets returns a resolver using clients built from cfg.
func NewAWSSecrets(ctx context.Context, cfg aws.Config) *AWSSecrets {
	return &AWSSecrets{SecretsManager: secretsmanager.NewFromConfig(cfg), SSM: ssm.NewFromConfig(cfg), Context: ctx}
}

// IsSecretRef reports whether ref has the form of a secret reference.
func IsSecretRef(ref string) bool {
	_, _, err := parseSecretRef(ref)
	return err == nil
}

// parseSecretRef returns the store ("secretsmanager" or "ssm") and the
// id to ask it for.
func parseSecretRef(ref string) (string, string, error) {
	if name, ok := strings.CutPrefix(ref, "ssm:"); ok {
		if !strings.HasPrefix(name, "/") || len(name) < 2 {
			return "", "", fmt.Errorf("want ssm:/path/name")
		}
		return "ssm", name, nil
	}
	a, err := arn.Parse(ref)
	if err != nil {
		return "", "", fmt.Errorf("want a Secrets Manager secret ARN, an SSM parameter ARN or ssm:/path/name")
	}
	switch {
	case a.Service == "secretsmanager" && strings.HasPrefix(a.Resource, "secret:"):
		return "secretsmanager", ref, nil
	case a.Service == "ssm" && strings.HasPrefix(a.Resource, "parameter/"):
		return "ssm", ref, nil
	}
	return "", "", fmt.Errorf("want a Secrets Manager secret ARN, an SSM parameter ARN or ssm:/path/name")
}

// Resolve returns the secret's value, from the cache after the first read.
func (s *AWSSecrets) Resolve(ref string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.cache[ref]; ok {
		return v, nil
	}
	v, err := s.read(ref)
	if err != nil {
		return "", err
	}
	if s.cache == nil {
		s.cache = map[string]string{}
	}
	s.cache[ref] = v
	return v, nil
}

func (s *AWSSecrets) read(ref string) (string, error) {
	store, id, err := parseSecretRef(ref)
	if err != nil {
		return "", err
	}
	ctx := s.Context
	if ctx == nil {
		ctx = context.Background()
	}
	switch store {
	case "secretsmanager":
		if s.SecretsManager == nil {
			return "", errors.New("no Secrets Manager client")
		}
		out, err := s.SecretsManager.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		if err != nil {
			return "", fmt.Errorf("secretsmanager GetSecretValue: %w", err)
		}
		if out.SecretString == nil {
			return "", errors.New("the secret has no string value")
		}
		return *out.SecretString, nil
	default:
		if s.SSM == nil {
			return "", errors.New("no SSM client")
		}
		out, err := s.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(id), WithDecryption: aws.Bool(true)})
		if err != nil {
			return "", fmt.Errorf("ssm GetParameter: %w", err)
		}
		if out.Parameter == nil || out.Parameter.Value == nil {
			return "", errors.New("the parameter has no value")
		}
		return *out.Parameter.Value, nil
	}
}
