// Package motoenv runs moto_server, the AWS CLI and the orgrail binary
// for the tests that check plan and apply against a second, independent
// AWS implementation. Tests skip when a tool is absent.
package motoenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Moto is a moto_server started by a test: a second, independent AWS.
type Moto struct {
	endpoint string
	env      []string
	dir      string
}

// Start starts moto_server on a free port, or skips the test when
// moto_server, the AWS CLI or the go tool is absent.
func Start(t *testing.T) *Moto {
	t.Helper()
	for _, tool := range []string{"moto_server", "aws", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command("moto_server", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill() // the moto_server this test started, by its pid
		cmd.Wait()
	})
	m := &Moto{endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), dir: t.TempDir()}
	for i := 0; ; i++ {
		resp, err := http.Get(m.endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 300 {
			t.Fatalf("moto_server did not start: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.env = append(os.Environ(), "AWS_ENDPOINT_URL="+m.endpoint, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "ORGRAIL_PROFILE=", "ORGRAIL_AWS_ENDPOINT=")
	return m
}

// Reset empties moto (POST /moto-api/reset).
func (m *Moto) Reset(t *testing.T) {
	t.Helper()
	resp, err := http.Post(m.endpoint+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// SDKConfig is an SDK configuration pointed at moto.
func (m *Moto) SDKConfig() aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(m.endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

// CLI runs the AWS CLI against moto and decodes its JSON output.
func (m *Moto) CLI(t *testing.T, out any, args ...string) {
	t.Helper()
	cmd := exec.Command("aws", append(args, "--output", "json")...)
	cmd.Env = m.env
	b, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
		}
		t.Fatal(err)
	}
	if out != nil && len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
		}
	}
}

// Call is one AWS CLI invocation for CLIAll: its arguments and where its
// JSON output is decoded.
type Call struct {
	Out  any
	Args []string
}

// CLIAll runs the calls concurrently (the AWS CLI takes seconds to
// start on a busy machine) and fails the test on the first error.
func (m *Moto) CLIAll(t *testing.T, calls []Call) {
	t.Helper()
	errs := make([]error, len(calls))
	sem := make(chan struct{}, 6)
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cmd := exec.Command("aws", append(c.Args, "--output", "json")...)
			cmd.Env = m.env
			b, err := cmd.Output()
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee):
				errs[i] = fmt.Errorf("aws %s: %v\n%s", strings.Join(c.Args, " "), err, ee.Stderr)
			case err != nil:
				errs[i] = err
			case c.Out != nil && len(bytes.TrimSpace(b)) > 0:
				if err := json.Unmarshal(b, c.Out); err != nil {
					errs[i] = fmt.Errorf("aws %s: %w", strings.Join(c.Args, " "), err)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// CreateOrganization creates an organization in moto with the AWS CLI
// and returns its id and the management account id.
func (m *Moto) CreateOrganization(t *testing.T) (string, string) {
	t.Helper()
	var out struct {
		Organization struct{ Id, MasterAccountId string }
	}
	m.CLI(t, &out, "organizations", "create-organization", "--feature-set", "ALL")
	return out.Organization.Id, out.Organization.MasterAccountId
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds cmd/orgrail once per test binary.
func Binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "orgrail-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "orgrail")
		out, err := exec.Command("go", "build", "-o", binPath, filepath.Join(root(), "cmd", "orgrail")).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Result is one orgrail run.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Orgrail runs the binary against moto with the state store in state.
func (m *Moto) Orgrail(t *testing.T, state string, args ...string) Result {
	t.Helper()
	cmd := m.OrgrailCmd(t, context.Background(), state, args...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return Result{so.String(), se.String(), code}
}

// OrgrailCmd prepares the binary against moto with the state store in
// state.
func (m *Moto) OrgrailCmd(t *testing.T, ctx context.Context, state string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, Binary(t), args...)
	cmd.Env = append(m.env, "ORGRAIL_STATE="+state, "ORGRAIL_QUIET=false", "ORGRAIL_OUTPUT=", "ORGRAIL_CONFIG=")
	return cmd
}

// ExampleFor copies examples/landing-zone for the organization orgID
// with management account mgmt. moto implements neither
// DECLARATIVE_POLICY_EC2 nor BACKUP_POLICY (its FakePolicy lists AI
// opt-out, backup without an ARN format, RCP, SCP and tag policies), so
// the two policies of those types are left out. moto does not implement
// Service Catalog either, so the catalog section (catalog.yaml and its
// templates) is left out too.
func ExampleFor(t *testing.T, orgID, mgmt string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(filepath.Join(root(), "examples", "landing-zone"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(root(), "examples", "landing-zone"), p)
		if rel == "catalog.yaml" || rel == "catalog" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := string(b)
		switch rel {
		case "organization.yaml":
			s = strings.Replace(s, "id: o-exampleorg01", "id: "+orgID, 1)
		case "accounts.yaml":
			s = strings.Replace(s, `id: "111111111111"`, `id: "`+mgmt+`"`, 1)
		case "policies.yaml":
			var keep []string
			for _, block := range strings.Split(s, "\n\n") {
				if !strings.Contains(block, "DECLARATIVE_POLICY_EC2") && !strings.Contains(block, "BACKUP_POLICY") {
					keep = append(keep, block)
				}
			}
			s = strings.Join(keep, "\n\n") + "\n"
		}
		return os.WriteFile(filepath.Join(dst, rel), []byte(s), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// root returns the repository root (this file is internal/apply/motoenv).
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}
