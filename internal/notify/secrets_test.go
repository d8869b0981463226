package notify

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// startMoto runs moto_server, a second, independent AWS, on a free port
// and returns a configuration pointing at it; it skips when moto is not
// installed.
func startMoto(t *testing.T) aws.Config {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", port)
	if err := cmd.Start(); err != nil {
		t.Skipf("moto_server: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	// Wait for the port to accept connections (or moto to exit); the
	// deadline only guards against a hang.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Skip("moto_server exited at start")
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("moto_server did not start")
		}
	}
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTOTEST", "secret", "")}
}

type countingSM struct {
	SecretsManagerAPI
	calls atomic.Int32
}

func (c *countingSM) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, o ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	c.calls.Add(1)
	return c.SecretsManagerAPI.GetSecretValue(ctx, in, o...)
}

type countingSSM struct {
	SSMAPI
	calls atomic.Int32
}

func (c *countingSSM) GetParameter(ctx context.Context, in *ssm.GetParameterInput, o ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	c.calls.Add(1)
	return c.SSMAPI.GetParameter(ctx, in, o...)
}

// TestChannelSecretsFromSecretsManagerAndSSM keeps a webhook URL in
// Secrets Manager, its signing key and a Slack token as SSM SecureString
// parameters (in moto): the channels read them through the SDK once,
// cache them, and deliver with them.
func TestChannelSecretsFromSecretsManagerAndSSM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	cfg := startMoto(t)
	ctx := context.Background()
	p := newPeer(t)
	sm := secretsmanager.NewFromConfig(cfg)
	sec, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("orgrail/hook-url"), SecretString: aws.String(p.URL + "/hook")})
	if err != nil {
		t.Fatal(err)
	}
	sc := ssm.NewFromConfig(cfg)
	for name, v := range map[string]string{"/orgrail/hook-key": "k3y-from-ssm", "/orgrail/slack-token": "xoxb-from-ssm"} {
		if _, err := sc.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(v), Type: ssmtypes.ParameterTypeSecureString}); err != nil {
			t.Fatal(err)
		}
	}
	conf, err := DecodeYAML("n.yaml", []byte(fmt.Sprintf(`
channels:
  hook: {type: webhook, urlSecret: %q, secretSecret: "ssm:/orgrail/hook-key"}
  hook2: {type: webhook, urlSecret: %q}
  chat: {type: slack-api, channel: C1, url: %q, tokenSecret: "arn:aws:ssm:us-east-1:123456789012:parameter/orgrail/slack-token"}
routes: [{name: all, channels: [hook, hook2, chat]}]`, *sec.ARN, *sec.ARN, p.URL+"/api")))
	if err != nil {
		t.Fatal(err)
	}
	if !conf.UsesSecretRefs() {
		t.Fatal("UsesSecretRefs is false")
	}
	cm := &countingSM{SecretsManagerAPI: sm}
	cs := &countingSSM{SSMAPI: sc}
	res := &AWSSecrets{SecretsManager: cm, SSM: cs}
	chans, err := NewChannels(conf, Options{Secrets: res, AllowInsecureHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewChannels(conf, Options{Secrets: res, AllowInsecureHTTP: true}); err != nil {
		t.Fatal(err)
	}
	if cm.calls.Load() != 1 || cs.calls.Load() != 2 {
		t.Errorf("GetSecretValue %d calls, GetParameter %d: want each reference read once", cm.calls.Load(), cs.calls.Load())
	}
	for _, name := range []string{"hook", "chat"} {
		if err := chans[name].Send(ctx, &Message{ID: "m-" + name, Event: *sampleEvent("ev-s"), Count: 1}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	got := p.received()
	if len(got) != 2 {
		t.Fatalf("peer got %d requests", len(got))
	}
	h := got[0].Header
	if !VerifySignature([]byte("k3y-from-ssm"), h.Get(TimestampHeader), got[0].Body, h.Get(DefaultSignatureHeader)) {
		t.Error("webhook not signed with the SSM key")
	}
	if a := got[1].Header.Get("Authorization"); a != "Bearer xoxb-from-ssm" && !strings.Contains(string(got[1].Body), "xoxb-from-ssm") {
		t.Errorf("Slack API call without the SSM token: %q", a)
	}
	// A reference that does not exist fails the channel, naming the
	// reference and not any value.
	bad, _ := DecodeYAML("n.yaml", []byte(`
channels: {hook: {type: webhook, urlSecret: "ssm:/orgrail/missing"}}
routes: [{name: all, channels: [hook]}]`))
	if _, err := NewChannels(bad, Options{Secrets: NewAWSSecrets(ctx, cfg)}); err == nil || !strings.Contains(err.Error(), "ssm:/orgrail/missing") {
		t.Errorf("missing parameter: %v", err)
	}
}

// TestSecretRefsChecked refuses references of the wrong form where the
// configuration is read.
func TestSecretRefsChecked(t *testing.T) {
	_, err := DecodeYAML("n.yaml", []byte(`
channels: {hook: {type: webhook, urlSecret: "orgrail/hook-url"}}
routes: [{name: all, channels: [hook]}]`))
	if err == nil || !strings.Contains(err.Error(), "urlSecret") {
		t.Fatalf("bad reference: %v", err)
	}
	for ref, ok := range map[string]bool{
		"arn:aws:secretsmanager:eu-west-1:111122223333:secret:orgrail/hook-AbCdEf": true,
		"arn:aws:ssm:eu-west-1:111122223333:parameter/orgrail/hook":                true,
		"ssm:/orgrail/hook":                      true,
		"ssm:orgrail/hook":                       false,
		"arn:aws:s3:::bucket/key":                false,
		"https://hooks.slack.com/services/T/B/x": false,
	} {
		if IsSecretRef(ref) != ok {
			t.Errorf("IsSecretRef(%q) = %v", ref, !ok)
		}
	}
}
