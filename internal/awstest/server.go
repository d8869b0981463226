// Package awstest is a local AWS for tests: one HTTP server on loopback
// that speaks AWS's wire protocols (JSON 1.0/1.1, Query, EC2 Query,
// REST-JSON, REST-XML) well enough for the real aws-sdk-go-v2 clients
// and the AWS CLI, and holds a whole organization loaded from a
// snapshot. Calls are answered from the account the signing
// credentials belong to; sts:AssumeRole checks trust policies.
//
// Start a server, point an SDK client at it, and assert on results and
// on the request log:
//
//	srv, err := awstest.Start(ctx, awstest.Options{SnapshotDir: dir})
//	defer srv.Close()
//	cfg := srv.Config(ctx, srv.AdminCredentials())
//	out, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, nil)
//
// Services add operations with Register; see docs/testing.md.
package awstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Options configures a server.
type Options struct {
	// SnapshotDir is the snapshot to serve (or a directory holding one
	// under snapshot/). Snapshot may be given instead.
	SnapshotDir string
	Snapshot    *snapshot.Snapshot
	// Addr is the listen address; default 127.0.0.1:0. Only loopback
	// addresses are accepted.
	Addr string
	// Region is the default region reported at start; default us-east-1.
	Region string
	// PageSize, when positive, caps every paginated answer (whatever the
	// client asks), so tests exercise pagination with small data.
	PageSize int
	// SkipSignatureCheck accepts any signature from a known access key.
	SkipSignatureCheck bool
	// Trust decides sts:AssumeRole; nil uses the simple principal match.
	Trust TrustEvaluator
	// LogLimit caps the request log (oldest dropped); default 100000.
	LogLimit int
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
	// Observe, when set, receives every request's log entry as it is
	// logged (from the serving goroutine; it must be safe for concurrent
	// use). Benchmarks count calls with it without keeping the log.
	Observe func(LogEntry)
}

// Server is a running local AWS.
type Server struct {
	// Endpoint is the base URL, http://127.0.0.1:PORT.
	Endpoint string
	// Region is the default region.
	Region string
	// Faults injects failures; see Fault.
	Faults *Faults

	opts     Options
	snap     *snapshot.Snapshot
	orgMu    sync.RWMutex
	org      *org.Organization
	keys     *keyring
	admin    *Identity
	http     *http.Server
	ln       net.Listener
	log      requestLog
	reqSeq   atomic.Uint64
	state    *state
	orgState *orgState
	sso      *ssoState
	root     rootAccess
	inv      invitations
	ipam     ipamState
	sc       *scState

	trOnce sync.Once
	tr     *http.Transport

	findingsMu sync.Mutex
	findings   []json.RawMessage

	// cfnFuncs holds the code of the Lambda functions stacks made (by
	// function ARN); lambda runs them for custom resources.
	cfnFuncs sync.Map
	lambda   lambdaRunner
	// cfnMu serializes stack deployments.
	cfnMu sync.Mutex

	hmu      sync.RWMutex
	handlers map[string]map[string]Handler
	specs    map[string]map[string]*opSpec
	routes   map[string][]*route
}

// Start loads the snapshot and starts serving. Close stops the server.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.LogLimit == 0 {
		opts.LogLimit = 100000
	}
	if err := checkLoopback(opts.Addr); err != nil {
		return nil, err
	}
	snap := opts.Snapshot
	if snap == nil {
		if opts.SnapshotDir == "" {
			return nil, errors.New("awstest: Options.SnapshotDir or Options.Snapshot is required")
		}
		var err error
		if snap, err = snapshot.Open(opts.SnapshotDir); err != nil {
			return nil, fmt.Errorf("awstest: %w", err)
		}
	}
	s := &Server{
		Region: opts.Region, Faults: newFaults(), opts: opts, snap: snap, org: snap.Org,
		keys: newKeyring(), state: newState(), handlers: map[string]map[string]Handler{},
	}
	s.log.limit = opts.LogLimit
	if s.org.MasterAccountId == "" {
		return nil, fmt.Errorf("awstest: snapshot %s: org.json has no MasterAccountId", snap.Dir)
	}
	s.orgState = newOrgState(s.org)
	s.admin = s.keys.root(s.partition(), s.org.MasterAccountId)
	s.indexSpecs()
	s.registerBuiltins()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("awstest: listen %s: %w", opts.Addr, err)
	}
	s.ln = ln
	s.Endpoint = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("awstest: address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("awstest: address %q is not loopback; the test server only listens on 127.0.0.1", addr)
	}
	return nil
}

// Close stops the server and drops open connections.
func (s *Server) Close() error {
	s.Faults.closeAll()
	s.stopLambda()
	if s.tr != nil {
		s.tr.CloseIdleConnections()
	}
	return s.http.Close()
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Faults.closeAll()
	s.stopLambda()
	return s.http.Shutdown(ctx)
}

// Organization returns the served organization (with writes applied).
// Callers must not modify it.
func (s *Server) Organization() *org.Organization {
	s.orgMu.RLock()
	defer s.orgMu.RUnlock()
	return s.org
}

// ManagementAccount is the organization's management account id.
func (s *Server) ManagementAccount() string { return s.Organization().MasterAccountId }

func (s *Server) partition() string { return s.org.Partition() }

// AdminCredentials are the management account's administrator keys.
func (s *Server) AdminCredentials() aws.Credentials { return s.admin.Credentials() }

// AccountCredentials returns administrator keys for any account of the
// organization (as if signed in to it directly), for tests that do not
// go through AssumeRole.
func (s *Server) AccountCredentials(account string) aws.Credentials {
	return s.keys.root(s.partition(), account).Credentials()
}

// Config returns an aws.Config pointed at the server with static
// credentials, the default region, and retries suited to tests (three
// attempts, millisecond backoff).
func (s *Server) Config(ctx context.Context, creds aws.Credentials) aws.Config {
	return aws.Config{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.Endpoint),
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
		HTTPClient:   &http.Client{Transport: s.transport()},
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 3
				o.MaxBackoff = 20 * time.Millisecond
				o.RateLimiter = noRateLimit{}
			})
		},
	}
}

// transport dials the server whatever the host name, so host-prefixed
// endpoints (S3 Control's ACCOUNT.host, S3 virtual-host buckets) reach
// it without DNS. It keeps up to maxIdleConns connections open between
// calls: every client of a test shares it, and a client with more calls
// in flight than idle connections would otherwise open (and the server
// accept) a new connection for most of its calls.
func (s *Server) transport() *http.Transport {
	s.trOnce.Do(func() {
		addr := s.ln.Addr().String()
		d := &net.Dialer{Timeout: 5 * time.Second}
		s.tr = &http.Transport{
			MaxIdleConnsPerHost: maxIdleConns, IdleConnTimeout: 30 * time.Second, DisableCompression: true,
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return d.DialContext(ctx, network, addr)
			},
		}
	})
	return s.tr
}

// maxIdleConns is how many idle connections the transport keeps per
// host: enough for a collector running hundreds of calls at once.
const maxIdleConns = 1024

// noRateLimit disables the retry token bucket so fault tests are
// deterministic.
type noRateLimit struct{}

func (noRateLimit) GetToken(context.Context, uint) (func() error, error) {
	return func() error { return nil }, nil
}
func (noRateLimit) AddTokens(uint) error { return nil }

// Register installs (or replaces) the handler of one operation of a
// service, by the server's service name (the SDK package name: "sqs",
// "sns", "dynamodb", ...). The service's wire protocol is handled by the
// server; the handler sees a decoded Request and returns the SDK output
// struct. Operations must be listed in gen's tables (zz_ops.go) so the
// server knows their output types and routes.
func (s *Server) Register(service, op string, h Handler) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if s.handlers[service] == nil {
		s.handlers[service] = map[string]Handler{}
	}
	s.handlers[service][op] = h
}

func (s *Server) handler(service, op string) Handler {
	s.hmu.RLock()
	defer s.hmu.RUnlock()
	return s.handlers[service][op]
}

func (s *Server) spec(service, op string) *opSpec { return s.specs[service][op] }

func (s *Server) indexSpecs() {
	s.specs = map[string]map[string]*opSpec{}
	s.routes = map[string][]*route{}
	for i := range generatedOps {
		sp := &generatedOps[i]
		if s.specs[sp.Pkg] == nil {
			s.specs[sp.Pkg] = map[string]*opSpec{}
		}
		s.specs[sp.Pkg][sp.Op] = sp
		if sp.Method != "" {
			s.routes[sp.Pkg] = append(s.routes[sp.Pkg], newRoute(sp))
		}
	}
}

// ServeHTTP decodes, authenticates, logs and answers one call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := fmt.Sprintf("awstest-%08d", s.reqSeq.Add(1))
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return
	}
	sc, signed := parseAuthorization(r)
	svc := lookupService(sc.Service, r.URL.Path, body)
	if svc == nil {
		svc = guessService(r)
	}
	req := &Request{Service: svc.Name, Protocol: svc.Protocol, Region: sc.Region, HTTP: r, Body: body, ID: reqID, srv: s}
	if req.Region == "" {
		req.Region = s.Region
	}
	entry := LogEntry{Time: start, RequestID: reqID, Service: svc.Name, Region: req.Region, AccessKeyID: sc.AccessKeyID}
	out, apiErr := s.serve(r.Context(), w, req, svc, sc, signed, &entry)
	if out == errHijacked {
		entry.ErrorCode = "ConnectionReset"
		s.record(entry)
		return
	}
	entry.Duration = time.Since(start)
	if apiErr != nil {
		entry.ErrorCode, entry.Status = apiErr.Code, apiErr.Status
		s.writeError(w, req, svc, apiErr)
	} else {
		entry.Status = http.StatusOK
		if err := s.writeOutput(w, req, svc, out); err != nil {
			entry.ErrorCode, entry.Status = "InternalFailure", 500
			s.writeError(w, req, svc, Errorf("InternalFailure", "%v", err))
		}
	}
	s.record(entry)
	if s.opts.Logger != nil {
		s.opts.Logger.Debug("aws call", "service", svc.Name, "op", req.Operation, "account", entry.Account, "status", entry.Status, "error", entry.ErrorCode)
	}
}

var errHijacked = &struct{ x int }{}

// serve runs authentication, decoding, faults and the handler.
func (s *Server) serve(ctx context.Context, w http.ResponseWriter, req *Request, svc *serviceDef, sc sigScope, signed bool, e *LogEntry) (any, *APIError) {
	if err := s.decode(req, svc); err != nil {
		return nil, asAPIError(err)
	}
	e.Operation = req.Operation
	if !signed {
		return nil, Errorf(missingAuthCode(svc), "Request is missing Authentication Token")
	}
	id := s.keys.lookup(sc.AccessKeyID)
	if id == nil {
		return nil, Errorf(badKeyCode(svc), "The security token included in the request is invalid (unknown access key %s)", sc.AccessKeyID)
	}
	if err := s.authenticate(req, svc, sc, id); err != nil {
		return nil, err
	}
	req.Caller = id
	e.Account, e.Caller = id.Account, id.ARN
	if act := s.Faults.match(req); act != nil {
		if out, err := act.apply(ctx, w, req, svc); out != nil || err != nil {
			return out, err
		}
	}
	h := s.handler(svc.Name, req.Operation)
	if h == nil {
		if s.spec(svc.Name, req.Operation) == nil || !s.servesFromSnapshot(svc.Name, req.Operation) {
			return nil, notImplemented(svc, req.Operation)
		}
		h = HandlerFunc(s.snapshotRead)
	}
	return callHandler(ctx, h, req)
}

// callHandler runs a handler, turning a panic into InternalFailure so a
// broken handler fails its test instead of dropping the connection.
func callHandler(ctx context.Context, h Handler, req *Request) (out any, apiErr *APIError) {
	defer func() {
		if p := recover(); p != nil {
			out, apiErr = nil, Errorf("InternalFailure", "handler for %s %s panicked: %v", req.Service, req.Operation, p)
		}
	}()
	out, err := h.ServeAWS(ctx, req)
	if err != nil {
		return nil, asAPIError(err)
	}
	return out, nil
}

func asAPIError(err error) *APIError {
	var ae *APIError
	if errors.As(err, &ae) {
		if ae.Status == 0 {
			ae.Status = statusFor(ae.Code)
		}
		return ae
	}
	return Errorf("InternalFailure", "%v", err)
}

func missingAuthCode(svc *serviceDef) string {
	if svc.Protocol == RESTXML {
		return "AccessDenied"
	}
	return "MissingAuthenticationToken"
}

func badKeyCode(svc *serviceDef) string {
	switch svc.Protocol {
	case RESTXML:
		return "InvalidAccessKeyId"
	case AWSJSON10, AWSJSON11, RESTJSON:
		return "UnrecognizedClientException"
	case EC2Query:
		return "AuthFailure"
	}
	return "InvalidClientTokenId"
}

// notImplemented is each protocol's answer to an unknown operation.
func notImplemented(svc *serviceDef, op string) *APIError {
	switch svc.Protocol {
	case AWSJSON10, AWSJSON11:
		return Errorf("UnknownOperationException", "operation %s is not implemented by the local AWS test server", op)
	case Query, EC2Query:
		return Errorf("InvalidAction", "operation %s is not implemented by the local AWS test server", op)
	}
	return Errorf("NotImplemented", "operation %s is not implemented by the local AWS test server", op)
}

// guessService picks a protocol for requests without a usable scope, so
// the error at least has the right shape.
func guessService(r *http.Request) *serviceDef {
	if r.Header.Get("X-Amz-Target") != "" {
		return &serviceDef{Name: "unknown", Protocol: AWSJSON11}
	}
	if r.Method == http.MethodPost && r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
		return &serviceDef{Name: "unknown", Protocol: Query}
	}
	return &serviceDef{Name: "unknown", Protocol: RESTXML}
}

// decodeRaw decodes a stored output into the operation's SDK type.
func decodeRaw(sp *opSpec, raw json.RawMessage) (any, error) {
	v := sp.New()
	if len(raw) == 0 {
		return v, nil
	}
	if d, ok := unionDecoders[sp.Pkg+"."+sp.Op]; ok {
		return d(raw)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("stored %s output does not fit %T: %w", sp.Op, v, err)
	}
	return v, nil
}
