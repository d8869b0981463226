package awstest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The local AWS runs the inline code (Code.ZipFile) of the Python Lambda
// functions a stack makes when a custom resource calls them, as
// CloudFormation does: the function receives the custom resource event,
// calls AWS with boto3 — pointed at this server, signed with the
// account's credentials — and answers through the cfnresponse module.
// It needs python3 with boto3 (moto's dependency); without them a custom
// resource fails with a reason that says so.

// lambdaRunnerScript is the Python side: one JSON request per line in,
// one JSON result per line out. Every host name resolves to the server,
// as the Go clients' transport dials it whatever the host (S3 Control's
// ACCOUNT.host endpoints).
const lambdaRunnerScript = `import json, socket, sys, traceback, types
_gai = socket.getaddrinfo
_addr = sys.argv[1]
def _local(host, port, *a, **k):
    return _gai(_addr, port, *a, **k)
socket.getaddrinfo = _local
import boto3, botocore.config
_cfg = botocore.config.Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=10, read_timeout=60)

_session, _clients = boto3.session.Session(), {}

def run(req):
    # One session (its loaded service models) and cached clients: loading
    # a service model is the slow part of boto3.
    creds = dict(aws_access_key_id=req["key"], aws_secret_access_key=req["secret"],
                 aws_session_token=req.get("token") or None, region_name=req["region"])
    def client(name, *a, **kw):
        if a or kw:
            kw.setdefault("endpoint_url", req["endpoint"])
            kw.setdefault("config", _cfg)
            for k, v in creds.items():
                kw.setdefault(k, v)
            return _session.client(name, *a, **kw)
        ckey = (req["key"], req["region"], name)
        if ckey not in _clients:
            _clients[ckey] = _session.client(name, endpoint_url=req["endpoint"], config=_cfg, **creds)
        return _clients[ckey]
    boto3.client = client
    resp = {}
    mod = types.ModuleType("cfnresponse")
    mod.SUCCESS, mod.FAILED = "SUCCESS", "FAILED"
    def send(event, context, status, data, physical_id=None, noEcho=False, reason=None):
        resp.update(status=status, data=data or {}, physicalId=physical_id or context.log_stream_name, reason=reason or "")
    mod.send = send
    sys.modules["cfnresponse"] = mod
    module, _, fn = req["handler"].rpartition(".")
    g = {"__name__": module or "index"}
    ctx = types.SimpleNamespace(invoked_function_arn=req["arn"], function_name=req["arn"].split(":")[-1],
                                log_stream_name="local/[$LATEST]" + req["event"]["RequestId"], aws_request_id=req["event"]["RequestId"],
                                get_remaining_time_in_millis=lambda: 60000)
    try:
        exec(compile(req["code"], (module or "index") + ".py", "exec"), g)
        g[fn](req["event"], ctx)
    except Exception as err:
        return {"status": "FAILED", "reason": "the function raised " + "".join(traceback.format_exception_only(type(err), err)).strip()}
    if not resp:
        return {"status": "FAILED", "reason": "the function returned without sending a response to CloudFormation"}
    return resp

for line in sys.stdin:
    try:
        out = run(json.loads(line))
    except Exception as err:
        out = {"status": "FAILED", "reason": "runner: " + repr(err)}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
`

// lambdaRunner is the python3 process that runs functions, started on
// the first invocation and stopped by Close.
type lambdaRunner struct {
	mu   sync.Mutex
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	dead error
}

// lambdaResult is what a function answered CloudFormation.
type lambdaResult struct {
	Status     string            `json:"status"`
	Reason     string            `json:"reason"`
	PhysicalID string            `json:"physicalId"`
	Data       map[string]string `json:"data"`
}

// LambdaRuntimeAvailable reports whether the local AWS can run the
// Python Lambda functions of custom resources here (python3 with
// boto3); tests that deploy such templates skip when it is not.
func LambdaRuntimeAvailable() error {
	py, err := exec.LookPath("python3")
	if err != nil {
		return fmt.Errorf("python3 not found: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, py, "-c", "import boto3").CombinedOutput(); err != nil {
		return fmt.Errorf("python3 has no boto3: %v %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (r *lambdaRunner) start(addr string) error {
	py, err := exec.LookPath("python3")
	if err != nil {
		return fmt.Errorf("the local AWS runs python Lambda functions with python3 and boto3; python3 is not installed")
	}
	cmd := exec.Command(py, "-c", lambdaRunnerScript, addr)
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "AWS_") {
			env = append(env, e)
		}
	}
	cmd.Env = append(env, "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true")
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting python3: %w", err)
	}
	r.cmd, r.in, r.out = cmd, in, bufio.NewReader(out)
	return nil
}

type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// invokeFunction runs a stack's function with a custom resource event in
// the account and region of the stack.
func (s *Server) invokeFunction(arn, account, region string, event map[string]any) lambdaResult {
	v, ok := s.cfnFuncs.Load(arn)
	if !ok {
		return lambdaResult{Status: "FAILED", Reason: fmt.Sprintf("ServiceToken %s is not a Lambda function this CloudFormation made", arn)}
	}
	fn := v.(cfnFunction)
	if !strings.HasPrefix(fn.Runtime, "python3") {
		return lambdaResult{Status: "FAILED", Reason: fmt.Sprintf("runtime %q: the local AWS runs only python3 inline functions", fn.Runtime)}
	}
	if fn.ZipFile == "" {
		return lambdaResult{Status: "FAILED", Reason: "the function has no inline code (Code.ZipFile); the local AWS runs only inline functions"}
	}
	creds := s.AccountCredentials(account)
	req, _ := json.Marshal(map[string]any{"code": fn.ZipFile, "handler": fn.Handler, "event": event, "arn": arn,
		"key": creds.AccessKeyID, "secret": creds.SecretAccessKey, "token": creds.SessionToken, "region": region, "endpoint": s.Endpoint})
	r := &s.lambda
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dead != nil {
		return lambdaResult{Status: "FAILED", Reason: r.dead.Error()}
	}
	if r.cmd == nil {
		host, _, _ := net.SplitHostPort(s.ln.Addr().String())
		if err := r.start(host); err != nil {
			r.dead = err
			return lambdaResult{Status: "FAILED", Reason: err.Error()}
		}
	}
	if _, err := r.in.Write(append(req, '\n')); err != nil {
		r.dead = fmt.Errorf("the python3 Lambda runner stopped: %v", err)
		return lambdaResult{Status: "FAILED", Reason: r.dead.Error()}
	}
	line, err := r.out.ReadBytes('\n')
	if err != nil {
		msg := "the python3 Lambda runner stopped"
		if errors.Is(err, io.EOF) {
			msg += " (is boto3 installed for python3?)"
		}
		r.dead = fmt.Errorf("%s: %v", msg, err)
		return lambdaResult{Status: "FAILED", Reason: r.dead.Error()}
	}
	var res lambdaResult
	if err := json.Unmarshal(line, &res); err != nil {
		return lambdaResult{Status: "FAILED", Reason: fmt.Sprintf("unreadable answer of the function: %v", err)}
	}
	return res
}

// stopLambda ends the runner process.
func (s *Server) stopLambda() {
	r := &s.lambda
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd != nil {
		_ = r.in.Close()
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
	r.dead = errors.New("the server is closed")
}

// customResource calls the custom resource's function with a Create
// (or Update) event; the properties are passed as CloudFormation passes
// them, scalars as strings.
func (d *cfnDeploy) customResource(logical, typ string, props map[string]any, prev string, old map[string]any) (string, map[string]string, error) {
	token := pstr(props["ServiceToken"])
	if token == "" {
		return "", nil, fmt.Errorf("Properties validation failed for resource with message: #: required key [ServiceToken] not found")
	}
	kind := "Create"
	if prev != "" {
		kind = "Update"
	}
	event := map[string]any{"RequestType": kind, "ServiceToken": token, "ResponseURL": d.s.Endpoint + "/cloudformation-response",
		"StackId": d.stackID, "RequestId": fmt.Sprintf("%08x-0000-4000-8000-%012x", d.s.reqSeq.Add(1), d.s.reqSeq.Add(1)),
		"LogicalResourceId": logical, "ResourceType": typ, "ResourceProperties": stringified(props)}
	if prev != "" {
		event["PhysicalResourceId"] = prev
		event["OldResourceProperties"] = stringified(old)
	}
	res := d.s.invokeFunction(token, d.account, d.region, event)
	if res.Status != "SUCCESS" {
		reason := res.Reason
		if reason == "" {
			reason = "the function answered " + res.Status
		}
		return "", nil, fmt.Errorf("Received response status [FAILED] from custom resource. Message returned: %s", reason)
	}
	return res.PhysicalID, res.Data, nil
}

// stringified turns every scalar of a value into its string, as
// CloudFormation sends custom resource properties.
func stringified(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = stringified(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stringified(e)
		}
		return out
	case nil:
		return nil
	}
	return scalarString(v)
}

// registerMetadataDefaults serves the account-level instance metadata
// defaults of EC2 (ModifyInstanceMetadataDefaults and its read).
func (s *Server) registerMetadataDefaults() {
	s.Register("ec2", "ModifyInstanceMetadataDefaults", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		err := modify(s, req.Account(), req.Region, "ec2", "GetInstanceMetadataDefaults", "", func(o *ec2.GetInstanceMetadataDefaultsOutput) error {
			if o.AccountLevel == nil {
				o.AccountLevel = &ec2types.InstanceMetadataDefaultsResponse{}
			}
			a := o.AccountLevel
			if v := req.Param("HttpTokens"); v != "" {
				a.HttpTokens = ec2types.HttpTokensState(v)
			}
			if v := req.Param("HttpEndpoint"); v != "" {
				a.HttpEndpoint = ec2types.InstanceMetadataEndpointState(v)
			}
			if v := req.Param("InstanceMetadataTags"); v != "" {
				a.InstanceMetadataTags = ec2types.InstanceMetadataTagsState(v)
			}
			if v := req.Param("HttpPutResponseHopLimit"); v != "" {
				n := int32(req.IntParam("HttpPutResponseHopLimit", 0))
				if n < -1 || n > 64 {
					return Errorf("InvalidParameterValue", "HttpPutResponseHopLimit must be between 1 and 64, or -1 for no preference")
				}
				a.HttpPutResponseHopLimit = aws.Int32(n)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return &ec2.ModifyInstanceMetadataDefaultsOutput{Return: aws.Bool(true)}, nil
	}))
	s.Register("ec2", "GetInstanceMetadataDefaults", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		raw, _, _, err := s.lookup(req.Account(), req.Region, "ec2", "GetInstanceMetadataDefaults", "")
		if err != nil {
			return nil, err
		}
		out := decodeAs[ec2.GetInstanceMetadataDefaultsOutput](raw)
		if out.AccountLevel == nil {
			out.AccountLevel = &ec2types.InstanceMetadataDefaultsResponse{}
		}
		return out, nil
	}))
}
