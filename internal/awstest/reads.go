package awstest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// state overlays the snapshot with what writes changed: per account,
// region, service file, operation and resource key, a new stored output
// or an error code (for example NoSuchPublicAccessBlockConfiguration
// after DeletePublicAccessBlock).
type state struct {
	mu      sync.RWMutex
	outputs map[stateKey]stateVal
	// gen counts writes; decoded caches SDK values per generation.
	gen      atomic.Uint64
	decoded  sync.Map
	decodedN atomic.Int64 // decoded entries stored for an account
	// absent remembers the service files the snapshot does not have
	// (stateKey with account, region and service only), so the many
	// calls into regions where nothing was collected do not each look
	// for the file on disk.
	absent sync.Map
}

type stateKey struct{ account, region, service, op, resource string }

type stateVal struct {
	raw  json.RawMessage
	code string
}

func newState() *state { return &state{outputs: map[stateKey]stateVal{}} }

// SetOutput replaces what a read operation answers for an account and
// region (snapshot.Global for global services), in the stored form of
// snapshot service files. resource is the per-resource key or "".
func (s *Server) SetOutput(account, region, service, op, resource string, out any) error {
	raw, ok := out.(json.RawMessage)
	if !ok {
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		raw = b
	}
	s.state.mu.Lock()
	s.state.outputs[stateKey{account, region, service, op, resource}] = stateVal{raw: raw}
	s.state.gen.Add(1)
	s.state.mu.Unlock()
	return nil
}

// SetError makes a read operation answer with an AWS error code.
func (s *Server) SetError(account, region, service, op, resource, code string) {
	s.state.mu.Lock()
	s.state.outputs[stateKey{account, region, service, op, resource}] = stateVal{code: code}
	s.state.gen.Add(1)
	s.state.mu.Unlock()
}

// lookup returns the current stored output of a read: the overlay
// first, then the snapshot.
func (s *Server) lookup(account, region, service, op, resource string) (raw json.RawMessage, code string, found bool, err error) {
	s.state.mu.RLock()
	v, ok := s.state.outputs[stateKey{account, region, service, op, resource}]
	s.state.mu.RUnlock()
	if ok {
		return v.raw, v.code, true, nil
	}
	fk := stateKey{account: account, region: region, service: service}
	if _, gone := s.state.absent.Load(fk); gone {
		return nil, "", false, nil
	}
	f, err := s.snap.Service(account, region, service)
	if errors.Is(err, snapshot.ErrNotCollected) {
		s.state.absent.Store(fk, struct{}{})
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, err
	}
	if resource == "" {
		if c := f.Error(op); c != "" {
			return nil, c, true, nil
		}
		raw, ok = f.Operations[op]
		return raw, "", ok, nil
	}
	if c := f.ResourceError(op, resource); c != "" {
		return nil, c, true, nil
	}
	raw, ok = f.PerResource[op][resource]
	return raw, "", ok, nil
}

// catalogOp finds an operation in the snapshot catalog.
func catalogOp(file, op string) (snapshot.Service, snapshot.Operation, bool) {
	cat, ok := snapshot.LookupService(file)
	if !ok {
		return cat, snapshot.Operation{}, false
	}
	for _, o := range cat.Operations {
		if o.Name == op {
			return cat, o, true
		}
	}
	return cat, snapshot.Operation{}, false
}

func (s *Server) servesFromSnapshot(service, op string) bool {
	_, _, ok := catalogOp(snapshotServiceName(service, op), op)
	return ok
}

// snapshotRead answers a catalog operation from the snapshot (and the
// write overlay), in the caller's account and the request's region.
func (s *Server) snapshotRead(_ context.Context, req *Request) (any, error) {
	file := scopedServiceName(req)
	cat, op, _ := catalogOp(file, req.Operation)
	region := req.Region
	if cat.Global {
		region = snapshot.Global
	}
	account := req.Account()
	key := ""
	if op.PerResource != "" {
		key, account = s.resourceKey(req, account, region, file)
		if key == "" {
			return nil, Errorf(validationCode(req), "missing the resource parameter of %s", req.Operation)
		}
		if err := s.checkResourceAccount(req, file, key); err != nil {
			return nil, err
		}
	}
	raw, code, found, err := s.lookup(account, region, file, req.Operation, key)
	var gap *snapshot.GapError
	if errors.As(err, &gap) {
		c := gap.Gap.Code
		if c == "" {
			c = "AccessDenied"
		}
		return nil, Errorf(c, "%s", gap.Gap.Error)
	}
	if err != nil {
		return nil, err
	}
	if code != "" {
		return nil, Errorf(code, "%s %s: %s", req.Operation, key, code)
	}
	if !found {
		if key != "" && !s.resourceExists(req, account, region, file, key) {
			return nil, notFound(req, key)
		}
		raw = json.RawMessage("{}")
	}
	ck := stateKey{account, region, file, req.Operation, key}
	if !found {
		// Nothing stored: every account and region answers the same
		// empty output, decoded once.
		ck = stateKey{service: req.Service + "/" + file, op: req.Operation}
	}
	out, err := s.decodeCached(ck, req, raw)
	if err != nil {
		return nil, err
	}
	if out, err = filterBatchRead(req, out); err != nil {
		return nil, err
	}
	if req.Protocol == EC2Query && strings.HasPrefix(req.Operation, "Describe") {
		if out, err = filterEC2(req, out); err != nil {
			return nil, err
		}
	}
	if req.Service == "opensearch" && req.Operation == "DescribeDomains" {
		out = filterDomains(req, out)
	}
	return s.paginate(req, out)
}

// decodeCached decodes a stored output into its SDK type once per state
// generation; the decoded values are shared read-only.
func (s *Server) decodeCached(k stateKey, req *Request, raw json.RawMessage) (any, error) {
	gen := s.state.gen.Load()
	if c, ok := s.state.decoded.Load(k); ok && c.(decodedOut).gen == gen {
		return c.(decodedOut).v, nil
	}
	sp := s.spec(req.Service, req.Operation)
	v, err := decodeRaw(sp, raw)
	if err != nil {
		return nil, err
	}
	// The cache is for tests that read the same thing again and again; a
	// collection of a large organization reads each answer once, and
	// keeping every one would hold the whole organization decoded (over
	// a GiB at 1,000 accounts). Past maxDecoded entries only the shared
	// empty answers are kept.
	if k.account == "" || s.state.decodedN.Add(1) <= maxDecoded {
		s.state.decoded.Store(k, decodedOut{gen: gen, v: v})
	}
	return v, nil
}

// maxDecoded bounds the decoded answers kept per account and resource.
const maxDecoded = 1 << 14

type decodedOut struct {
	gen uint64
	v   any
}

func validationCode(req *Request) string {
	switch req.Protocol {
	case Query:
		return "ValidationError"
	case EC2Query:
		return "MissingParameter"
	}
	return "ValidationException"
}

// notFound is the service's error for an unknown resource.
func notFound(req *Request, key string) *APIError {
	code := servicesByName[req.Service].NotFound
	switch req.Service + "." + req.Operation {
	case "lambda.GetPolicy":
		code = "ResourceNotFoundException"
	case "account.GetAlternateContact":
		code = "ResourceNotFoundException"
	}
	return Errorf(code, "resource %s not found", key)
}

// resourceKey extracts the per-resource key of a read and the account
// whose data answers it.
func (s *Server) resourceKey(req *Request, account, region, file string) (string, string) {
	p := req.Param
	switch file + "." + req.Operation {
	case "iam.ListMFADevices", "iam.ListAccessKeys":
		return p("UserName"), account
	case "iam.GetAccessKeyLastUsed":
		return p("AccessKeyId"), account
	case "iam.GetPolicy", "iam.GetPolicyVersion":
		arn := p("PolicyArn")
		if parts := strings.Split(arn, ":"); len(parts) > 4 && parts[4] == snapshot.AWSAccount {
			return arn, snapshot.AWSAccount
		}
		return arn, account
	case "account.GetAlternateContact":
		if a := p("AccountId"); a != "" {
			account = a
		}
		return p("AlternateContactType"), account
	case "cloudtrail.GetTrailStatus", "cloudtrail.GetEventSelectors":
		name := p("Name")
		if name == "" {
			name = p("TrailName")
		}
		return s.trailARN(account, region, name), account
	case "guardduty.GetDetector", "guardduty.GetAdministratorAccount":
		return p("DetectorId"), account
	case "kms.DescribeKey", "kms.GetKeyPolicy", "kms.GetKeyRotationStatus":
		k := p("KeyId")
		if i := strings.LastIndex(k, "key/"); i >= 0 {
			k = k[i+4:]
		}
		return k, account
	case "rds.DescribeDBSnapshotAttributes":
		return p("DBSnapshotIdentifier"), account
	case "lambda.GetPolicy":
		fn := p("FunctionName")
		if i := strings.LastIndex(fn, ":function:"); i >= 0 {
			fn = fn[i+len(":function:"):]
		}
		return fn, account
	case "sqs.GetQueueAttributes":
		return p("QueueUrl"), account
	case "sns.GetTopicAttributes":
		return p("TopicArn"), account
	case "secretsmanager.GetResourcePolicy":
		return p("SecretId"), account
	case "ecr.GetRepositoryPolicy", "ecr.GetLifecyclePolicy":
		return p("RepositoryName"), account
	case "ec2.DescribeSnapshotAttribute":
		return p("SnapshotId"), account
	case "dynamodb.DescribeTable", "dynamodb.DescribeContinuousBackups":
		return p("TableName"), account
	case "kinesis.DescribeStreamSummary":
		return p("StreamName"), account
	case "emr.DescribeCluster", "emr.ListInstances":
		return p("ClusterId"), account
	case "sagemaker.DescribeNotebookInstance":
		return p("NotebookInstanceName"), account
	case "elasticbeanstalk.DescribeConfigurationSettings":
		return p("ApplicationName") + "|" + p("EnvironmentName"), account
	case "s3accesspoints.GetAccessPoint", "s3accesspoints.GetAccessPointPolicy", "s3accesspoints.GetAccessPointPolicyStatus",
		"s3control.GetMultiRegionAccessPointPolicy":
		return p("Name"), account
	case "elbv2.DescribeLoadBalancerAttributes", "elbv2.DescribeListeners":
		return p("LoadBalancerArn"), account
	case "elb.DescribeLoadBalancerAttributes", "elb.DescribeLoadBalancerPolicies":
		return p("LoadBalancerName"), account
	case "acm.DescribeCertificate":
		return p("CertificateArn"), account
	case "redshift.DescribeClusterParameters":
		return p("ParameterGroupName"), account
	case "redshift.DescribeLoggingStatus":
		return p("ClusterIdentifier"), account
	case "apigateway.GetStages":
		return p("RestApiId"), account
	case "apigatewayv2.GetStages", "apigatewayv2.GetRoutes":
		return p("ApiId"), account
	case "ecs.ListServices", "ecs.DescribeServices":
		return s.ecsClusterARN(account, region, p("Cluster")), account
	case "ecs.DescribeTaskDefinition":
		return s.ecsTaskDefinitionARN(account, region, p("TaskDefinition")), account
	case "efs.DescribeMountTargets", "efs.DescribeBackupPolicy":
		return p("FileSystemId"), account
	case "eks.DescribeCluster":
		return p("Name"), account
	case "cloudfront.GetDistributionConfig":
		return p("Id"), account
	case "wafv2.GetWebACL", "wafv2cloudfront.GetWebACL":
		return p("Id"), account
	case "wafv2.GetLoggingConfiguration", "wafv2cloudfront.GetLoggingConfiguration":
		return p("ResourceArn"), account
	case "waf.GetWebACL", "wafregional.GetWebACL":
		return p("WebACLId"), account
	case "waf.GetLoggingConfiguration":
		arn := p("ResourceArn")
		return arn[strings.LastIndex(arn, "/")+1:], account
	case "waf.GetRule", "wafregional.GetRule":
		return p("RuleId"), account
	case "waf.ListActivatedRulesInRuleGroup", "wafregional.ListActivatedRulesInRuleGroup":
		return p("RuleGroupId"), account
	case "ssm.DescribeDocumentPermission":
		return p("Name"), account
	case "networkfirewall.DescribeFirewall", "networkfirewall.DescribeLoggingConfiguration":
		return p("FirewallArn"), account
	case "networkfirewall.DescribeFirewallPolicy":
		return p("FirewallPolicyArn"), account
	case "networkfirewall.DescribeRuleGroup":
		return p("RuleGroupArn"), account
	case "backup.GetBackupPlan", "backup.ListBackupSelections":
		return p("BackupPlanId"), account
	case "backup.GetBackupSelection":
		return p("BackupPlanId") + "|" + p("SelectionId"), account
	case "ssoadmin.ListPermissionSets":
		return p("InstanceArn"), account
	case "ssoadmin.ListAccountAssignments":
		return p("PermissionSetArn") + "|" + p("AccountId"), account
	case "identitystore.ListUsers", "identitystore.ListGroups":
		return p("IdentityStoreId"), account
	case "identitystore.ListGroupMemberships":
		return p("IdentityStoreId") + "|" + p("GroupId"), account
	case "ssoadmin.DescribePermissionSet", "ssoadmin.GetInlinePolicyForPermissionSet",
		"ssoadmin.ListManagedPoliciesInPermissionSet", "ssoadmin.ListAccountsForProvisionedPermissionSet",
		"ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSet", "ssoadmin.GetPermissionsBoundaryForPermissionSet":
		return p("PermissionSetArn"), account
	case "ssoadmin.ListTagsForResource":
		return p("ResourceArn"), account
	}
	if file == "s3" {
		return req.Bucket, account
	}
	return "", account
}

// trailARN resolves a trail name or ARN to the ARN the snapshot keys by.
func (s *Server) trailARN(account, region, name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	raw, _, _, _ := s.lookup(account, region, "cloudtrail", "DescribeTrails", "")
	var out struct {
		TrailList []struct{ Name, TrailARN *string }
	}
	_ = json.Unmarshal(raw, &out)
	for _, t := range out.TrailList {
		if t.Name != nil && t.TrailARN != nil && *t.Name == name {
			return *t.TrailARN
		}
	}
	return name
}

// resourceExists tells an unknown resource from one with nothing stored
// for this operation (an S3 bucket whose tagging was not collected).
func (s *Server) resourceExists(req *Request, account, region, file, key string) bool {
	if file != "s3" {
		return false
	}
	for _, b := range s.bucketNames(account) {
		if b == key {
			return true
		}
	}
	return false
}

func (s *Server) bucketNames(account string) []string {
	raw, _, _, _ := s.lookup(account, snapshot.Global, "s3", "ListBuckets", "")
	var out struct{ Buckets []struct{ Name *string } }
	_ = json.Unmarshal(raw, &out)
	var names []string
	for _, b := range out.Buckets {
		if b.Name != nil {
			names = append(names, *b.Name)
		}
	}
	return names
}

// paginate cuts a merged output (the SDK output struct) into the page
// the request asks for, across all its list members in name order, and
// sets the operation's own token members (NextToken, Marker,
// IsTruncated, ...). The value is copied, never changed: cached stored
// outputs are shared between requests.
func (s *Server) paginate(req *Request, out any) (any, error) {
	sp := s.spec(req.Service, req.Operation)
	if sp == nil || sp.OutToken == "" {
		return out, nil
	}
	src := reflect.ValueOf(out)
	if src.Kind() != reflect.Pointer || src.Elem().Kind() != reflect.Struct {
		return out, nil
	}
	cp := reflect.New(src.Elem().Type())
	cp.Elem().Set(src.Elem())
	v := cp.Elem()
	lists := listFields(v.Type())
	total := 0
	for _, i := range lists {
		total += v.Field(i).Len()
	}
	offset := 0
	if tok := req.Param(sp.InToken); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "awstest-"))
		if err != nil || n < 0 || !strings.HasPrefix(tok, "awstest-") {
			return nil, Errorf(invalidTokenCode(req), "invalid pagination token %q", tok)
		}
		offset = n
	}
	limit := 1000
	if sp.Limit != "" {
		limit = req.IntParam(sp.Limit, 100)
	}
	if s.opts.PageSize > 0 && (limit <= 0 || limit > s.opts.PageSize) {
		limit = s.opts.PageSize
	}
	if limit <= 0 {
		limit = 100
	}
	pos := 0
	for _, i := range lists {
		f := v.Field(i)
		n := f.Len()
		f.Set(f.Slice(clamp(offset-pos, n), clamp(offset+limit-pos, n)))
		pos += n
	}
	more := offset+limit < total
	token := ""
	if more {
		token = "awstest-" + strconv.Itoa(offset+limit)
	}
	setToken(v.FieldByName(sp.OutToken), token)
	trunc := sp.Trunc
	if trunc == "" {
		trunc = "IsTruncated" // IAM sets it even where its paginators do not read it
	}
	setBool(v.FieldByName(trunc), more)
	return cp.Interface(), nil
}

// listFields returns the indexes of a struct's list members (not blobs),
// sorted by name.
func listFields(t reflect.Type) []int {
	var idx []int
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() != reflect.Uint8 {
			idx = append(idx, i)
		}
	}
	sort.Slice(idx, func(a, b int) bool { return t.Field(idx[a]).Name < t.Field(idx[b]).Name })
	return idx
}

func setToken(f reflect.Value, tok string) {
	if !f.IsValid() || !f.CanSet() {
		return
	}
	switch {
	case f.Kind() == reflect.String:
		f.SetString(tok)
	case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String:
		if tok == "" {
			f.Set(reflect.Zero(f.Type()))
		} else {
			p := reflect.New(f.Type().Elem())
			p.Elem().SetString(tok)
			f.Set(p)
		}
	}
}

func setBool(f reflect.Value, b bool) {
	if !f.IsValid() || !f.CanSet() {
		return
	}
	switch {
	case f.Kind() == reflect.Bool:
		f.SetBool(b)
	case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Bool:
		p := reflect.New(f.Type().Elem())
		p.Elem().SetBool(b)
		f.Set(p)
	}
}

func clamp(v, n int) int {
	if v < 0 {
		return 0
	}
	if v > n {
		return n
	}
	return v
}

func invalidTokenCode(req *Request) string {
	switch req.Protocol {
	case Query, EC2Query:
		return "InvalidParameterValue"
	}
	return "InvalidNextTokenException"
}
