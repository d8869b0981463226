// Command gen derives the local AWS server's wire tables from the
// aws-sdk-go-v2 sources in the module cache, so that the server speaks
// exactly the names the SDK reads. Run it with `go generate` in
// internal/awstest; it writes zz_ops.go (operation specs: output types,
// paginator members, REST routes and query bindings) and
// legacy_shapes.txt (wire names of services whose clients still use
// generated deserializers instead of runtime schemas).
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// sdkPackage maps a catalog service name to its SDK package.
var sdkPackage = map[string]string{
	"iam": "iam", "account": "account", "ec2regions": "ec2", "s3": "s3", "s3control": "s3control", "s3accesspoints": "s3control",
	"ec2": "ec2", "cloudtrail": "cloudtrail", "config": "configservice", "guardduty": "guardduty",
	"securityhub": "securityhub", "accessanalyzer": "accessanalyzer", "kms": "kms", "rds": "rds",
	"lambda": "lambda", "sqs": "sqs", "sns": "sns", "secretsmanager": "secretsmanager", "ecr": "ecr",
	"logs": "cloudwatchlogs", "cloudwatch": "cloudwatch",
	"ssoadmin": "ssoadmin", "identitystore": "identitystore", "organizations": "organizations", "sts": "sts", "dynamodb": "dynamodb",
	"cloudformation": "cloudformation", "inspector2": "inspector2", "macie2": "macie2",
	"servicecatalog": "servicecatalog", "ssm": "ssm",
	"elbv2": "elasticloadbalancingv2", "elb": "elasticloadbalancing", "acm": "acm",
	"ecs": "ecs", "efs": "efs", "eks": "eks", "codebuild": "codebuild",
	"autoscaling": "autoscaling",
	"dms":         "databasemigrationservice",
	"redshift":    "redshift", "opensearch": "opensearch", "apigateway": "apigateway", "apigatewayv2": "apigatewayv2",
	"applicationautoscaling": "applicationautoscaling", "dax": "dax", "elasticache": "elasticache",
	"kinesis": "kinesis", "emr": "emr", "sagemaker": "sagemaker", "elasticbeanstalk": "elasticbeanstalk",
	"cloudfront": "cloudfront", "wafv2": "wafv2", "wafv2cloudfront": "wafv2", "waf": "waf", "wafregional": "wafregional",
	"networkfirewall": "networkfirewall", "backup": "backup",
}

// extraOps are operations served beyond the snapshot catalog: STS,
// Organizations, and the writes tests need. Add a line and re-run
// `go generate` to serve another operation.
var extraOps = map[string][]string{
	"sts": {"GetCallerIdentity", "AssumeRole", "AssumeRoot"},
	"organizations": {"DescribeOrganization", "ListRoots", "ListOrganizationalUnitsForParent",
		"ListAccounts", "ListAccountsForParent", "ListParents", "ListChildren", "ListPolicies",
		"DescribePolicy", "ListTargetsForPolicy", "ListPoliciesForTarget", "ListDelegatedAdministrators",
		"ListDelegatedServicesForAccount", "ListAWSServiceAccessForOrganization", "ListTagsForResource",
		"DescribeAccount", "DescribeOrganizationalUnit", "CreateOrganizationalUnit", "MoveAccount",
		"CreatePolicy", "AttachPolicy", "DetachPolicy", "EnablePolicyType", "DisablePolicyType",
		"CreateAccount", "DescribeCreateAccountStatus", "ListCreateAccountStatus",
		"UpdatePolicy", "DeletePolicy", "UpdateOrganizationalUnit", "DeleteOrganizationalUnit", "TagResource",
		"UntagResource", "EnableAWSServiceAccess", "RegisterDelegatedAdministrator", "DeregisterDelegatedAdministrator",
		"CloseAccount", "InviteAccountToOrganization"},
	"s3":        {"PutPublicAccessBlock", "DeletePublicAccessBlock", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketEncryption", "DeleteBucketEncryption", "PutObject", "GetObject", "HeadObject", "ListObjectsV2"},
	"s3control": {"PutPublicAccessBlock", "DeletePublicAccessBlock"},
	"ec2": {"EnableEbsEncryptionByDefault", "DisableEbsEncryptionByDefault", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
		// VPC writes and reads of the account factory (vpc_*.go).
		"CreateVpc", "CreateSubnet", "CreateInternetGateway", "AttachInternetGateway", "DetachInternetGateway",
		"DeleteInternetGateway", "AllocateAddress", "CreateNatGateway", "CreateRouteTable", "CreateRoute",
		"AssociateRouteTable", "CreateFlowLogs", "DeleteSubnet", "DeleteVpc", "DescribeSubnets",
		"DescribeInternetGateways", "DescribeRouteTables", "DescribeNatGateways", "DescribeAddresses",
		"DescribeAvailabilityZones",
		// Amazon VPC IPAM pools the factory's VPCs draw from (ipam.go).
		"CreateIpam", "DescribeIpams", "CreateIpamPool", "ProvisionIpamPoolCidr", "DescribeIpamPools", "GetIpamPoolAllocations",
		// The instance metadata defaults the account baseline sets (cfn_lambda.go).
		"ModifyInstanceMetadataDefaults", "GetInstanceMetadataDefaults"},
	"iam": {"UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy",
		// Reads derived from GetAccountAuthorizationDetails (iamreads.go).
		"ListRoles", "GetRole", "ListUsers", "GetUser", "ListGroups", "GetGroup", "ListGroupsForUser",
		"ListPolicies", "ListAttachedRolePolicies", "ListAttachedUserPolicies", "ListAttachedGroupPolicies",
		"ListRolePolicies", "ListUserPolicies", "ListGroupPolicies", "GetRolePolicy", "GetUserPolicy", "GetGroupPolicy",
		"ListInstanceProfiles", "ListRoleTags", "ListUserTags",
		// Centralized root access (rootaccess.go).
		"EnableOrganizationsRootCredentialsManagement", "EnableOrganizationsRootSessions", "ListOrganizationsFeatures",
		"GetLoginProfile", "DeleteLoginProfile", "DeleteAccessKey", "ListSigningCertificates", "DeleteSigningCertificate",
		"DeactivateMFADevice"},
	"account":    {"PutAlternateContact", "DeleteAlternateContact"},
	"cloudtrail": {"StartLogging", "StopLogging", "CreateTrail", "GetTrail", "UpdateTrail"},
	"guardduty": {"CreateDetector", "EnableOrganizationAdminAccount", "UpdateOrganizationConfiguration", "DescribeOrganizationConfiguration",
		// Membership by invitation, without Organizations (invitations.go).
		"CreateMembers", "InviteMembers", "ListMembers", "ListInvitations", "AcceptAdministratorInvitation"},
	"securityhub": {"EnableSecurityHub", "BatchImportFindings", "EnableOrganizationAdminAccount", "UpdateOrganizationConfiguration", "DescribeOrganizationConfiguration",
		"CreateFindingAggregator", "CreateConfigurationPolicy", "UpdateConfigurationPolicy", "ListConfigurationPolicies", "GetConfigurationPolicy", "StartConfigurationPolicyAssociation",
		"CreateMembers", "InviteMembers", "ListMembers", "ListInvitations", "AcceptAdministratorInvitation"},
	"config": {"StartConfigurationRecorder", "StopConfigurationRecorder", "PutConfigurationAggregator"},
	// The baseline's organization services (baseline.go).
	"accessanalyzer": {"CreateAnalyzer"},
	"cloudformation": {"CreateStackSet", "UpdateStackSet", "DescribeStackSet", "CreateStackInstances", "ListStackInstances", "DescribeStackSetOperation", "DescribeStackInstance"},
	"inspector2":     {"EnableDelegatedAdminAccount", "ListDelegatedAdminAccounts", "UpdateOrganizationConfiguration", "DescribeOrganizationConfiguration"},
	"macie2":         {"EnableOrganizationAdminAccount", "ListOrganizationAdminAccounts", "UpdateOrganizationConfiguration", "DescribeOrganizationConfiguration"},
	// IAM Identity Center writes (ssoadmin*.go).
	"ssoadmin": {"CreatePermissionSet", "UpdatePermissionSet", "DeletePermissionSet",
		"AttachManagedPolicyToPermissionSet", "DetachManagedPolicyFromPermissionSet",
		"AttachCustomerManagedPolicyReferenceToPermissionSet", "DetachCustomerManagedPolicyReferenceFromPermissionSet",
		"PutInlinePolicyToPermissionSet", "DeleteInlinePolicyFromPermissionSet",
		"PutPermissionsBoundaryToPermissionSet", "DeletePermissionsBoundaryFromPermissionSet",
		"TagResource", "UntagResource", "CreateAccountAssignment", "DeleteAccountAssignment",
		"DescribeAccountAssignmentCreationStatus", "DescribeAccountAssignmentDeletionStatus",
		"ProvisionPermissionSet", "DescribePermissionSetProvisioningStatus"},
	// Service Catalog (servicecatalog*.go), for the catalog's plan and apply.
	"servicecatalog": {"EnableAWSOrganizationsAccess", "GetAWSOrganizationsAccessStatus", "CreatePortfolio", "UpdatePortfolio",
		"ListPortfolios", "CreateProduct", "UpdateProduct", "SearchProductsAsAdmin", "CreateProvisioningArtifact",
		"ListProvisioningArtifacts", "AssociateProductWithPortfolio", "CreateConstraint", "UpdateConstraint", "DescribeConstraint",
		"ListConstraintsForPortfolio", "CreatePortfolioShare", "DescribePortfolioShareStatus", "DescribePortfolioShares",
		"AcceptPortfolioShare", "ListAcceptedPortfolioShares", "AssociatePrincipalWithPortfolio", "ListPrincipalsForPortfolio",
		// The Control Tower Account Factory (controltower.go).
		"SearchProducts", "DescribeProduct", "ProvisionProduct", "DescribeRecord", "DescribeProvisionedProduct"},
	// Stateful services (sqs.go, sns.go, dynamodb.go).
	"sqs":      {"CreateQueue", "GetQueueUrl", "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "PurgeQueue", "DeleteQueue"},
	"sns":      {"CreateTopic", "Subscribe", "Publish"},
	"dynamodb": {"CreateTable", "DescribeTable", "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"},
}

// legacy lists SDK packages that still ship generated deserializers.
var legacy = map[string]bool{}

type opSpec struct {
	Service, Pkg, Op                string
	InToken, OutToken, Limit, Trunc string
	Method, URI                     string
	Query                           [][2]string // wire name, member
	Headers                         [][2]string // header name, member (inputs)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	ops := map[string][]string{}
	for _, s := range snapshot.Catalog {
		for _, o := range s.Operations {
			ops[sdkPackage[s.Name]] = appendUnique(ops[sdkPackage[s.Name]], o.Name)
		}
	}
	for svc, list := range extraOps {
		for _, o := range list {
			ops[sdkPackage[svc]] = appendUnique(ops[sdkPackage[svc]], o)
		}
	}
	pkgs := make([]string, 0, len(ops))
	for p := range ops {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	var specs []opSpec
	var shapes bytes.Buffer
	fmt.Fprintln(&shapes, "# Generated by internal/awstest/gen from aws-sdk-go-v2 deserializers. DO NOT EDIT.")
	for _, pkg := range pkgs {
		dir, err := moduleDir("github.com/aws/aws-sdk-go-v2/service/" + pkg)
		if err != nil {
			return err
		}
		sort.Strings(ops[pkg])
		src, _ := os.ReadFile(filepath.Join(dir, "deserializers.go"))
		isLegacy := len(src) > 0
		legacy[pkg] = isLegacy
		for _, op := range ops[pkg] {
			sp, err := opInfo(dir, pkg, op, isLegacy)
			if err != nil {
				return err
			}
			specs = append(specs, sp)
		}
		if isLegacy {
			if err := legacyShapes(&shapes, pkg, src, ops[pkg]); err != nil {
				return err
			}
		}
	}
	if err := os.WriteFile("legacy_shapes.txt", shapes.Bytes(), 0o644); err != nil {
		return err
	}
	return writeOps(specs, pkgs)
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func moduleDir(mod string) (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w", mod, err)
	}
	return strings.TrimSpace(string(out)), nil
}

var (
	reNextOut  = regexp.MustCompile(`p\.nextToken = result\.(\w+)`)
	reNextIn   = regexp.MustCompile(`params\.(\w+) = p\.nextToken`)
	reLimit    = regexp.MustCompile(`params\.(\w+) = limit`)
	reTrunc    = regexp.MustCompile(`result\.(IsTruncated|Truncated)\b`)
	reSplitURI = regexp.MustCompile(`httpbinding\.SplitURI\("([^"]+)"\)`)
	reMethod   = regexp.MustCompile(`request\.Method = "(\w+)"`)
	reSetQuery = regexp.MustCompile(`encoder\.SetQuery\("([^"]+)"\)\.\w+\(\*?(?:string\()?v\.(\w+)`)
	reHdrVar   = regexp.MustCompile(`locationName := "([^"]+)"\s*encoder\.SetHeader\(locationName\)\.\w+\(\*?(?:string\()?v\.(\w+)`)
	reSetHdr   = regexp.MustCompile(`encoder\.SetHeader\("([^"]+)"\)\.\w+\(\*?(?:string\()?v\.(\w+)`)
)

// opInfo reads one operation's paginator and, for REST services, its route.
func opInfo(dir, pkg, op string, isLegacy bool) (opSpec, error) {
	sp := opSpec{Service: pkg, Pkg: pkg, Op: op}
	b, err := os.ReadFile(filepath.Join(dir, "api_op_"+op+".go"))
	if err != nil {
		return sp, fmt.Errorf("%s %s: %w", pkg, op, err)
	}
	s := string(b)
	if m := reNextOut.FindStringSubmatch(s); m != nil {
		sp.OutToken = m[1]
	}
	if m := reNextIn.FindStringSubmatch(s); m != nil {
		sp.InToken = m[1]
	}
	if m := reLimit.FindStringSubmatch(s); m != nil {
		sp.Limit = m[1]
	}
	if m := reTrunc.FindStringSubmatch(s); m != nil && sp.OutToken != "" {
		sp.Trunc = m[1]
	}
	if isLegacy {
		ser, _ := os.ReadFile(filepath.Join(dir, "serializers.go"))
		body := funcBody(string(ser), "func (m *awsRestjson1_serializeOp"+op+") HandleSerialize")
		if body == "" {
			body = funcBody(string(ser), "func (m *awsRestxml_serializeOp"+op+") HandleSerialize")
		}
		if m := reSplitURI.FindStringSubmatch(body); m != nil {
			sp.URI = m[1]
		}
		if m := reMethod.FindStringSubmatch(body); m != nil {
			sp.Method = m[1]
		}
		for _, prefix := range []string{"awsRestjson1", "awsRestxml"} {
			hb := funcBody(string(ser), "func "+prefix+"_serializeOpHttpBindings"+op+"Input(")
			for _, m := range reSetQuery.FindAllStringSubmatch(hb, -1) {
				sp.Query = append(sp.Query, [2]string{m[1], m[2]})
			}
			for _, m := range reSetHdr.FindAllStringSubmatch(hb, -1) {
				sp.Headers = append(sp.Headers, [2]string{m[1], m[2]})
			}
			for _, m := range reHdrVar.FindAllStringSubmatch(hb, -1) {
				sp.Headers = append(sp.Headers, [2]string{m[1], m[2]})
			}
		}
		return sp, nil
	}
	return sp, schemaRoute(dir, op, &sp)
}

// schemaRoute reads the HTTP trait and query bindings of a schema-serde
// operation from its schemas package.
func schemaRoute(dir, op string, sp *opSpec) error {
	b, err := os.ReadFile(filepath.Join(dir, "schemas", "schemas.go"))
	if err != nil {
		return err
	}
	s := string(b)
	re := regexp.MustCompile(`(?s)\nvar ` + op + ` = smithy\.NewSchema\(smithy\.ShapeID\{.*?ShapeTypeOperation, 0(.*?)\n\n`)
	m := re.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	if h := regexp.MustCompile(`HTTP\{Method: "(\w+)",\s*URI:\s*"([^"]+)"`).FindStringSubmatch(m[1]); h != nil {
		sp.Method, sp.URI = h[1], h[2]
	}
	if sp.Method == "" {
		return nil
	}
	reQ := regexp.MustCompile(op + `Request_(\w+) = ` + op + `Request\.AddMember\("\w+", [\w.]+,[^\n]*?HTTPQuery\{Name: "([^"]+)"\}`)
	for _, q := range reQ.FindAllStringSubmatch(s, -1) {
		sp.Query = append(sp.Query, [2]string{q[2], q[1]})
	}
	reH := regexp.MustCompile(op + `Request_(\w+) = ` + op + `Request\.AddMember\("\w+", [\w.]+,[^\n]*?HTTPHeader\{Name: "([^"]+)"\}`)
	for _, q := range reH.FindAllStringSubmatch(s, -1) {
		sp.Headers = append(sp.Headers, [2]string{q[2], q[1]})
	}
	return nil
}

// funcBody returns the text of the function starting with sig, up to
// the next top-level closing brace.
func funcBody(src, sig string) string {
	i := strings.Index(src, sig)
	if i < 0 {
		return ""
	}
	j := strings.Index(src[i:], "\n}\n")
	if j < 0 {
		return src[i:]
	}
	return src[i : i+j]
}

func writeOps(specs []opSpec, pkgs []string) error {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/awstest/gen from aws-sdk-go-v2 sources. DO NOT EDIT.\n\npackage awstest\n\nimport (\n")
	for _, p := range pkgs {
		fmt.Fprintf(&b, "\t%q\n", "github.com/aws/aws-sdk-go-v2/service/"+p)
	}
	b.WriteString(")\n\n// generatedOps lists every operation the server knows, with the\n// SDK output type, paginator members and REST route.\nvar generatedOps = []opSpec{\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "\t{Pkg: %q, Op: %q, Legacy: %v, New: func() any { return new(%s.%sOutput) }", s.Pkg, s.Op, legacy[s.Pkg], s.Pkg, s.Op)
		if s.OutToken != "" {
			fmt.Fprintf(&b, ", InToken: %q, OutToken: %q, Limit: %q, Trunc: %q", s.InToken, s.OutToken, s.Limit, s.Trunc)
		}
		if s.Method != "" {
			fmt.Fprintf(&b, ", Method: %q, URI: %q", s.Method, s.URI)
		}
		if len(s.Query) > 0 {
			fmt.Fprintf(&b, ", Query: %s", pairs(s.Query))
		}
		if len(s.Headers) > 0 {
			fmt.Fprintf(&b, ", Headers: %s", pairs(s.Headers))
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return fmt.Errorf("format zz_ops.go: %w", err)
	}
	return os.WriteFile("zz_ops.go", out, 0o644)
}

func pairs(p [][2]string) string {
	parts := make([]string, len(p))
	for i, x := range p {
		parts[i] = fmt.Sprintf("{%q, %q}", x[0], x[1])
	}
	return "[][2]string{" + strings.Join(parts, ", ") + "}"
}

// scanner helper shared by the legacy parser.
func lines(src []byte) *bufio.Scanner {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	return sc
}

var (
	reFunc     = regexp.MustCompile(`^func (aws\w+?)_deserialize(Document|OpDocument)(\w+)\(v (\*+)(\[\]|map\[string\])?`)
	reCaseXML  = regexp.MustCompile(`case strings\.EqualFold\("([^"]+)", t\.Name\.Local\):`)
	reCaseJSON = regexp.MustCompile(`^\t\tcase "([^"]+)":`)
	reCaseAttr = regexp.MustCompile(`case strings\.EqualFold\("([^"]+)", name\):`)
	reField    = regexp.MustCompile(`\bsv\.(\w+)\b`)
	reCallee   = regexp.MustCompile(`aws\w+?_deserializeDocument(\w+)\(&(?:sv\.\w+|destAddr|col|mv|parsedVal)`)
	reTime     = regexp.MustCompile(`smithytime\.(ParseDateTime|ParseEpochSeconds|ParseHTTPDate)`)
	reHeader   = regexp.MustCompile(`response\.Header\.Values\("([^"]+)"\)`)
	reVField   = regexp.MustCompile(`\bv\.(\w+) = `)
	rePayload  = regexp.MustCompile(`_deserializeDocument(\w+)\(&output\.(\w+),`)
)

var tsNames = map[string]string{"ParseDateTime": "date-time", "ParseEpochSeconds": "epoch-seconds", "ParseHTTPDate": "http-date"}

// shapeFn is one generated deserializer function.
type shapeFn struct {
	name, kind string // kind: S struct, L list, M map
	cases      []*caseInfo
	item       string // XML list item element
	elem       string // element deserializer
}

type caseInfo struct{ wire, field, callee, ts string }

// legacyShapes writes the shapes reachable from ops' outputs.
func legacyShapes(w *bytes.Buffer, pkg string, src []byte, ops []string) error {
	fns := map[string]*shapeFn{}
	var cur *shapeFn
	var cc *caseInfo
	sc := lines(src)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "func ") {
			cur, cc = nil, nil
			if m := reFunc.FindStringSubmatch(line); m != nil {
				name := m[3]
				if m[2] == "OpDocument" {
					name = "Op." + name
				}
				kind := "S"
				switch m[5] {
				case "[]":
					kind = "L"
				case "map[string]":
					kind = "M"
				}
				cur = &shapeFn{name: name, kind: kind}
				fns[name] = cur
			}
			continue
		}
		if cur == nil {
			continue
		}
		wire := ""
		if m := reCaseXML.FindStringSubmatch(line); m != nil {
			wire = m[1]
		} else if m := reCaseAttr.FindStringSubmatch(line); m != nil {
			wire = "!" + m[1] // an XML attribute
		} else if m := reCaseJSON.FindStringSubmatch(line); m != nil {
			wire = m[1]
		}
		if wire != "" {
			if cur.kind == "S" {
				cc = &caseInfo{wire: wire}
				cur.cases = append(cur.cases, cc)
			} else if cur.item == "" {
				cur.item = wire
			}
			continue
		}
		if m := reCallee.FindStringSubmatch(line); m != nil {
			if cur.kind != "S" {
				if cur.elem == "" {
					cur.elem = m[1]
				}
			} else if cc != nil && cc.callee == "" {
				cc.callee = m[1]
			}
		}
		if cur.kind == "S" && cc != nil {
			if m := reField.FindStringSubmatch(line); m != nil && cc.field == "" {
				cc.field = m[1]
			}
			if m := reTime.FindStringSubmatch(line); m != nil {
				cc.ts = tsNames[m[1]]
			}
		}
	}
	ssrc := string(src)
	reach := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if n == "" || reach[n] || fns[n] == nil {
			return
		}
		reach[n] = true
		f := fns[n]
		visit(f.elem)
		for _, c := range f.cases {
			visit(c.callee)
		}
	}
	fmt.Fprintf(w, "P %s\n", pkg)
	for _, op := range ops {
		line := "O " + op
		hd := ""
		for _, p := range []string{"awsRestxml", "awsRestjson1", "awsAwsjson11", "awsAwsjson10", "awsEc2query"} {
			if hd = funcBody(ssrc, "func (m *"+p+"_deserializeOp"+op+") HandleDeserialize"); hd != "" {
				if hb := funcBody(ssrc, "func "+p+"_deserializeOpHttpBindings"+op+"Output("); hb != "" {
					for _, chunk := range strings.Split(hb, "response.Header.Values(")[1:] {
						chunk = "response.Header.Values(" + chunk
						h := reHeader.FindStringSubmatch(chunk)
						f := reVField.FindStringSubmatch(chunk)
						if h != nil && f != nil {
							line += fmt.Sprintf(" hdr=%s:%s", h[1], f[1])
						}
					}
				}
				if raw := funcBody(ssrc, "func "+p+"_deserializeOpDocument"+op+"Output(v *"+op+"Output, body io.ReadCloser"); raw != "" {
					if f := reVField.FindStringSubmatch(raw); f != nil {
						line += " raw=" + f[1]
					}
				}
				break
			}
		}
		if m := rePayload.FindStringSubmatch(hd); m != nil {
			line += fmt.Sprintf(" payload=%s>%s", m[2], m[1])
			visit(m[1])
		} else if fns["Op."+op+"Output"] != nil {
			line += " body=Op." + op + "Output"
			visit("Op." + op + "Output")
		}
		fmt.Fprintln(w, line)
	}
	names := make([]string, 0, len(reach))
	for n := range reach {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := fns[n]
		switch f.kind {
		case "S":
			fmt.Fprintf(w, "S %s", n)
			for _, c := range f.cases {
				if c.field == "" {
					continue
				}
				fmt.Fprintf(w, " %s=%s", c.wire, c.field)
				if c.callee != "" {
					fmt.Fprintf(w, ">%s", c.callee)
				}
				if c.ts != "" {
					fmt.Fprintf(w, "@%s", c.ts)
				}
			}
			fmt.Fprintln(w)
		default:
			fmt.Fprintf(w, "%s %s %s %s\n", f.kind, n, orDash(f.item), orDash(f.elem))
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
