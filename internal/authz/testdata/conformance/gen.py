#!/usr/bin/env python3
"""Writes orgrail's authorization conformance cases (JSON files beside
this script). Each case is a request in the request-file format of
docs/authz.md plus name, rule, doc (the AWS documentation section the
rule follows) and expected {decision, decidedBy?, missingAllow?}.

Run: python3 internal/authz/testdata/conformance/gen.py
"""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
ACCT, OTHER = "111111111111", "222222222222"
USER = f"arn:aws:iam::{ACCT}:user/alice"
ROLE = f"arn:aws:iam::{ACCT}:role/app"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/app/s1"
OTHER_USER = f"arn:aws:iam::{OTHER}:user/bob"
BUCKET = "arn:aws:s3:::example-bucket"
OBJ = BUCKET + "/key.txt"

DOC_COND = "IAM User Guide: IAM JSON policy elements: Condition operators"
DOC_MULTI = "IAM User Guide: Set operators for multivalued context keys"
DOC_ACTION = "IAM User Guide: IAM JSON policy elements: Action / NotAction"
DOC_RESOURCE = "IAM User Guide: IAM JSON policy elements: Resource / NotResource"
DOC_VARS = "IAM User Guide: IAM policy elements: Variables and tags"
DOC_EVAL = "IAM User Guide: Policy evaluation logic: Determining whether a request is allowed or denied within an account"
DOC_XACCT = "IAM User Guide: Cross-account policy evaluation logic"
DOC_SCP = "Organizations User Guide: Service control policies (SCPs): SCP evaluation"
DOC_RCP = "Organizations User Guide: Resource control policies (RCPs): RCP evaluation"
DOC_PB = "IAM User Guide: Permissions boundaries for IAM entities: Evaluating effective permissions with boundaries"
DOC_SESSION = "IAM User Guide: Policies and permissions: Session policies"
DOC_NOTPRINCIPAL = "IAM User Guide: IAM JSON policy elements: NotPrincipal"
DOC_PRINCIPAL = "IAM User Guide: IAM JSON policy elements: Principal"
DOC_TRUST = "IAM User Guide: Cross account resource access in IAM: role trust policies; Policy evaluation logic"
DOC_KMS = "AWS KMS Developer Guide: Key policies in AWS KMS: Default key policy"
DOC_ENDPOINT = "AWS PrivateLink Guide: Control access to VPC endpoints using endpoint policies"
DOC_STS = "AWS STS API Reference: GetCallerIdentity"

def pol(*stmts, version="2012-10-17"):
    d = {"Statement": list(stmts)}
    if version:
        d = {"Version": version, **d}
    return d

def st(effect="Allow", action="*", resource="*", **kw):
    s = {"Effect": effect, "Action": action}
    if resource is not None:
        s["Resource"] = resource
    s.update(kw)
    return s

ALLOW_ALL = pol(st())
FULL_ACCESS = pol(st())  # FullAWSAccess
RCP_FULL = pol(st(Principal="*"))

def case(name, rule, doc, expected, principal=USER, action="s3:GetObject", resource=OBJ,
         account=ACCT, context=None, identity=None, extra=None, decidedBy=None, missingAllow=None):
    c = {"name": name, "rule": rule, "doc": doc,
         "request": {"principal": principal, "action": action,
                     "resource": {"arn": resource, "account": account}}}
    if context:
        c["request"]["context"] = context
    c["identityPolicies"] = identity if identity is not None else []
    if extra:
        c.update(extra)
    e = {"decision": expected}
    if decidedBy:
        e["decidedBy"] = decidedBy
    if missingAllow:
        e["missingAllow"] = missingAllow
    c["expected"] = e
    return c

def cond_case(name, op, key, pvals, ctx, match, rule, doc=DOC_COND):
    ident = [pol(st(action="s3:GetObject", Condition={op: {key: pvals}}))]
    context = None if ctx is None else {key: ctx}
    return case(name, rule, doc, "Allowed" if match else "ImplicitlyDenied",
                context=context, identity=ident)

def conditions():
    out = []
    T = [
        # String
        ("StringEquals", "aws:PrincipalTag/team", "red", "red", True),
        ("StringEquals", "aws:PrincipalTag/team", "red", "Red", False),
        ("StringEquals", "aws:PrincipalTag/team", ["blue", "red"], "red", True),
        ("StringEquals", "aws:PrincipalTag/team", "red", None, False),
        ("StringNotEquals", "aws:PrincipalTag/team", "red", "blue", True),
        ("StringNotEquals", "aws:PrincipalTag/team", "red", "red", False),
        ("StringNotEquals", "aws:PrincipalTag/team", ["red", "blue"], "blue", False),
        ("StringNotEquals", "aws:PrincipalTag/team", "red", None, True),
        ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "RED", "red", True),
        ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "red", "blue", False),
        ("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "RED", "red", False),
        ("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "RED", "blue", True),
        ("StringLike", "aws:PrincipalTag/team", "r*", "red", True),
        ("StringLike", "aws:PrincipalTag/team", "r?d", "red", True),
        ("StringLike", "aws:PrincipalTag/team", "r?d", "reed", False),
        ("StringLike", "aws:PrincipalTag/team", "*d", "blue", False),
        ("StringLike", "aws:PrincipalTag/team", "R*", "red", False),
        ("StringLike", "aws:PrincipalTag/team", "*", "", True),
        ("StringNotLike", "aws:PrincipalTag/team", "r*", "red", False),
        ("StringNotLike", "aws:PrincipalTag/team", "r*", "blue", True),
        ("StringNotLike", "aws:PrincipalTag/team", "r*", None, True),
        ("StringEqualsIfExists", "aws:PrincipalTag/team", "red", None, True),
        ("StringEqualsIfExists", "aws:PrincipalTag/team", "red", "blue", False),
        ("StringEqualsIfExists", "aws:PrincipalTag/team", "red", "red", True),
        ("StringLikeIfExists", "aws:PrincipalTag/team", "b*", None, True),
        ("StringNotEqualsIfExists", "aws:PrincipalTag/team", "red", "red", False),
        # Numeric
        ("NumericEquals", "s3:max-keys", "10", "10", True),
        ("NumericEquals", "s3:max-keys", "10", "10.0", True),
        ("NumericEquals", "s3:max-keys", "10", "11", False),
        ("NumericNotEquals", "s3:max-keys", "10", "11", True),
        ("NumericNotEquals", "s3:max-keys", "10", "10", False),
        ("NumericLessThan", "s3:max-keys", "10", "9", True),
        ("NumericLessThan", "s3:max-keys", "10", "10", False),
        ("NumericLessThanEquals", "s3:max-keys", "10", "10", True),
        ("NumericLessThanEquals", "s3:max-keys", "10", "11", False),
        ("NumericGreaterThan", "s3:max-keys", "10", "11", True),
        ("NumericGreaterThan", "s3:max-keys", "10", "10", False),
        ("NumericGreaterThanEquals", "s3:max-keys", "10", "10", True),
        ("NumericGreaterThanEquals", "s3:max-keys", "10", "9", False),
        ("NumericLessThan", "s3:max-keys", "10", "not-a-number", False),
        ("NumericLessThan", "s3:max-keys", "10", None, False),
        ("NumericLessThanIfExists", "s3:max-keys", "10", None, True),
        ("NumericLessThan", "s3:max-keys", "-1.5", "-2", True),
        # Date
        ("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", "2026-11-25T12:00:00Z", True),
        ("DateLessThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", "2026-11-25T12:00:00Z", False),
        ("DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", "2026-11-25T12:00:00Z", True),
        ("DateGreaterThanEquals", "aws:CurrentTime", "2026-11-25T12:00:00Z", "2026-11-25T12:00:00Z", True),
        ("DateLessThanEquals", "aws:CurrentTime", "2026-11-25T12:00:00Z", "2026-11-25T12:00:01Z", False),
        ("DateEquals", "aws:CurrentTime", "2026-11-25T12:00:00Z", "2026-11-25T13:00:00+01:00", True),
        ("DateNotEquals", "aws:CurrentTime", "2026-11-25T12:00:00Z", "2026-11-25T12:00:00Z", False),
        ("DateGreaterThan", "aws:CurrentTime", "2026-01-01", "2026-11-25T12:00:00Z", True),
        ("DateLessThan", "aws:EpochTime", "1800000000", "1764072000", True),
        ("DateGreaterThan", "aws:EpochTime", "1800000000", "1764072000", False),
        ("DateLessThan", "aws:TokenIssueTime", "2030-01-01T00:00:00Z", None, False),
        ("DateLessThanIfExists", "aws:TokenIssueTime", "2030-01-01T00:00:00Z", None, True),
        # Bool
        ("Bool", "aws:SecureTransport", "true", "true", True),
        ("Bool", "aws:SecureTransport", "true", "false", False),
        ("Bool", "aws:SecureTransport", "true", "TRUE", True),
        ("Bool", "aws:SecureTransport", "false", None, False),
        ("BoolIfExists", "aws:MultiFactorAuthPresent", "true", None, True),
        ("BoolIfExists", "aws:MultiFactorAuthPresent", "true", "false", False),
        # Binary
        ("BinaryEquals", "custom:blob", "QmluYXJ5VmFsdWU=", "QmluYXJ5VmFsdWU=", True),
        ("BinaryEquals", "custom:blob", "QmluYXJ5VmFsdWU=", "T3RoZXI=", False),
        # IP
        ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.114.7", False),
        ("IpAddress", "aws:SourceIp", ["10.0.0.0/8", "203.0.113.0/24"], "10.1.2.3", True),
        ("IpAddress", "aws:SourceIp", "203.0.113.7", "203.0.113.7", True),
        ("IpAddress", "aws:SourceIp", "203.0.113.7/32", "203.0.113.8", False),
        ("IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db8:1::5", True),
        ("IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db9::5", False),
        ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "2001:db8::1", False),
        ("IpAddress", "aws:SourceIp", "203.0.113.0/24", None, False),
        ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "198.51.100.1", True),
        ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.113.1", False),
        ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", None, True),
        ("IpAddressIfExists", "aws:SourceIp", "203.0.113.0/24", None, True),
        # ARN
        ("ArnEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:topic", "arn:aws:sns:us-east-1:111111111111:topic", True),
        ("ArnEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:topic", "arn:aws:sns:us-east-1:111111111111:Topic", False),
        ("ArnLike", "aws:SourceArn", "arn:aws:sns:*:111111111111:*", "arn:aws:sns:eu-west-1:111111111111:t", True),
        ("ArnLike", "aws:SourceArn", "arn:aws:sns:*:111111111111:*", "arn:aws:sns:eu-west-1:222222222222:t", False),
        ("ArnLike", "aws:SourceArn", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", True),
        ("ArnLike", "aws:SourceArn", "arn:aws:sns:us-east-1:*:t", "arn:aws:sns:us-east-1:111111111111:x:t", False),
        ("ArnLike", "aws:SourceArn", "arn:aws:sns:*", "not-an-arn", False),
        ("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111111111111:*", "arn:aws:sns:eu-west-1:222222222222:t", True),
        ("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111111111111:*", "arn:aws:sns:eu-west-1:111111111111:t", False),
        ("ArnNotEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:t", None, True),
        ("ArnLikeIfExists", "aws:SourceArn", "arn:aws:sns:*", None, True),
        ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::111111111111:user/al*", "arn:aws:iam::111111111111:user/alice", True),
        # Null
        ("Null", "aws:TokenIssueTime", "true", None, True),
        ("Null", "aws:TokenIssueTime", "true", "2026-11-25T00:00:00Z", False),
        ("Null", "aws:TokenIssueTime", "false", "2026-11-25T00:00:00Z", True),
        ("Null", "aws:TokenIssueTime", "false", None, False),
        ("Null", "aws:TagKeys", "true", [], True),
    ]
    for i, (op, key, pv, cv, m) in enumerate(T):
        desc = "absent" if cv is None else json.dumps(cv)
        out.append(cond_case(f"{op} {key} {json.dumps(pv)} vs {desc}", op, key, pv, cv, m,
                             f"{op}: {'matches' if m else 'does not match'} when the request value is {desc}"))
    # key names are case-insensitive
    out.append(cond_case("condition key names ignore case", "StringEquals", "AWS:PRINCIPALTAG/Team", "red", None, False,
                         "condition keys are case-insensitive (context given under another case)"))
    ident = [pol(st(action="s3:GetObject", Condition={"StringEquals": {"AWS:principaltag/TEAM": "red"}}))]
    out.append(case("condition key case differs from context key case", "condition key names are case-insensitive", DOC_COND,
                    "Allowed", context={"aws:PrincipalTag/team": "red"}, identity=ident))
    # several operators and keys are ANDed, values ORed
    ident = [pol(st(action="s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "red", "aws:RequestedRegion": "us-east-1"}}))]
    out.append(case("two keys in one operator are ANDed (one fails)", "keys under an operator are ANDed", DOC_COND, "ImplicitlyDenied",
                    context={"aws:PrincipalTag/team": "red", "aws:RequestedRegion": "eu-west-1"}, identity=ident))
    out.append(case("two keys in one operator are ANDed (both hold)", "keys under an operator are ANDed", DOC_COND, "Allowed",
                    context={"aws:PrincipalTag/team": "red", "aws:RequestedRegion": "us-east-1"}, identity=ident))
    ident = [pol(st(action="s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "red"}, "Bool": {"aws:SecureTransport": "true"}}))]
    out.append(case("two operators are ANDed (one fails)", "condition operators are ANDed", DOC_COND, "ImplicitlyDenied",
                    context={"aws:PrincipalTag/team": "red", "aws:SecureTransport": "false"}, identity=ident))
    out.append(case("two operators are ANDed (both hold)", "condition operators are ANDed", DOC_COND, "Allowed",
                    context={"aws:PrincipalTag/team": "red", "aws:SecureTransport": "true"}, identity=ident))
    # JSON booleans and numbers are accepted as condition values
    ident = [pol(st(action="s3:GetObject", Condition={"Bool": {"aws:SecureTransport": True}, "NumericLessThan": {"s3:max-keys": 10}}))]
    out.append(case("JSON boolean and number condition values", "condition values may be JSON booleans and numbers", DOC_COND, "Allowed",
                    context={"aws:SecureTransport": "true", "s3:max-keys": "5"}, identity=ident))
    # Set operators
    S = [
        ("ForAllValues:StringEquals", ["a", "b"], ["a"], True),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], True),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], False),
        ("ForAllValues:StringEquals", ["a", "b"], None, True),
        ("ForAllValues:StringEquals", ["a", "b"], [], True),
        ("ForAllValues:StringLike", ["team-*"], ["team-a", "team-b"], True),
        ("ForAllValues:StringLike", ["team-*"], ["team-a", "x"], False),
        ("ForAllValues:StringNotEquals", ["a"], ["b", "c"], True),
        ("ForAllValues:StringNotEquals", ["a"], ["b", "a"], False),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], True),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "d"], False),
        ("ForAnyValue:StringEquals", ["a"], None, False),
        ("ForAnyValue:StringEquals", ["a"], [], False),
        ("ForAnyValue:StringLike", ["*-prod"], ["x-dev", "y-prod"], True),
        ("ForAnyValue:StringNotEquals", ["a"], ["a", "b"], True),
        ("ForAnyValue:StringNotEquals", ["a"], ["a"], False),
        ("ForAnyValue:StringEqualsIfExists", ["a"], None, True),
        ("ForAllValues:StringEqualsIgnoreCase", ["A", "B"], ["a", "b"], True),
        ("StringEquals", ["a"], ["b", "a"], True),
        ("StringNotEquals", ["a"], ["b", "a"], False),
        ("StringNotEquals", ["a"], ["b", "c"], True),
    ]
    for op, pv, cv, m in S:
        desc = "absent" if cv is None else json.dumps(cv)
        out.append(cond_case(f"{op} {json.dumps(pv)} vs {desc} (multivalued aws:TagKeys)", op, "aws:TagKeys", pv, cv, m,
                             f"{op} over a multivalued key {'holds' if m else 'fails'} for {desc}", DOC_MULTI))
    return out

def actions():
    out = []
    A = [
        ("s3:GetObject", "s3:GetObject", True), ("s3:getobject", "s3:GetObject", True),
        ("S3:GETOBJECT", "s3:GetObject", True), ("s3:Get*", "s3:GetObject", True),
        ("s3:Get*", "s3:PutObject", False), ("s3:*", "s3:PutObject", True),
        ("*", "ec2:RunInstances", True), ("s3:*Object", "s3:PutObject", True),
        ("s3:Get?bject", "s3:GetObject", True), ("s3:Get?bject", "s3:GetObjectAcl", False),
        ("s3:*", "s3express:CreateSession", False), ("iam:Pass*", "iam:PassRole", True),
        ("ec2:*Instances", "ec2:DescribeInstances", True), ("*:Describe*", "ec2:DescribeVpcs", True),
        ("s3:GetObject ", "s3:GetObject", False), ("sqs:SendMessage", "sns:Publish", False),
    ]
    for pat, act, m in A:
        out.append(case(f"Action {json.dumps(pat)} vs {act}", f"Action {pat} {'matches' if m else 'does not match'} {act} (actions ignore case, * and ? are wildcards)",
                        DOC_ACTION, "Allowed" if m else "ImplicitlyDenied", action=act, resource="*",
                        identity=[pol(st(action=pat))]))
    N = [("s3:*", "s3:GetObject", False), ("s3:*", "ec2:RunInstances", True), ("iam:*", "IAM:CreateUser", False), (["s3:*", "ec2:*"], "sqs:SendMessage", True)]
    for pat, act, m in N:
        out.append(case(f"Allow NotAction {json.dumps(pat)} vs {act}", "NotAction matches every action not listed", DOC_ACTION,
                        "Allowed" if m else "ImplicitlyDenied", action=act, resource="*",
                        identity=[pol({"Effect": "Allow", "NotAction": pat, "Resource": "*"})]))
    out.append(case("Deny NotAction denies other services", "Deny with NotAction denies every action not listed", DOC_ACTION,
                    "ExplicitlyDenied", action="ec2:RunInstances", resource="*", decidedBy="identity",
                    identity=[ALLOW_ALL, pol({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"})]))
    out.append(case("Deny NotAction spares listed services", "Deny with NotAction spares the actions listed", DOC_ACTION,
                    "Allowed", action="iam:ListUsers", resource="*",
                    identity=[ALLOW_ALL, pol({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"})]))
    return out

def resources():
    out = []
    R = [
        ("arn:aws:s3:::example-bucket/key.txt", OBJ, True),
        ("arn:aws:s3:::example-bucket/*", OBJ, True),
        ("arn:aws:s3:::example-bucket", OBJ, False),
        ("arn:aws:s3:::Example-Bucket/*", OBJ, False),
        ("arn:aws:s3:::example-bucket/KEY.txt", OBJ, False),
        ("arn:aws:s3:::example-*/*", OBJ, True),
        ("arn:aws:s3:::example-bucket/key.tx?", OBJ, True),
        ("arn:aws:s3:::example-bucket/k?.txt", OBJ, False),
        ("*", OBJ, True),
        ("arn:aws:s3:::*", OBJ, True),
        ("arn:aws:s3:::*/key.txt", OBJ, True),
        ("arn:aws:sqs:*:111111111111:queue", "arn:aws:sqs:us-east-1:111111111111:queue", True),
        ("arn:aws:sqs:*:222222222222:queue", "arn:aws:sqs:us-east-1:111111111111:queue", False),
        ("arn:aws:iam::111111111111:role/*", "arn:aws:iam::111111111111:role/path/app", True),
        ("arn:aws:iam::111111111111:role/path/*", "arn:aws:iam::111111111111:role/app", False),
        ("arn:aws-cn:s3:::example-bucket/*", "arn:aws-cn:s3:::example-bucket/k", True),
        ("arn:aws:s3:::example-bucket/*", "arn:aws-cn:s3:::example-bucket/k", False),
        ("arn:aws-us-gov:s3:::b/*", "arn:aws-us-gov:s3:::b/k", True),
    ]
    for pat, res, m in R:
        act = {"sqs": "sqs:SendMessage", "iam": "iam:GetRole"}.get(res.split(":")[2], "s3:GetObject")
        out.append(case(f"Resource {pat} vs {res}", f"Resource {'matches' if m else 'does not match'}: ARNs are case-sensitive, * and ? are wildcards",
                        DOC_RESOURCE, "Allowed" if m else "ImplicitlyDenied", resource=res, action=act,
                        identity=[pol(st(action=act, resource=pat))]))
    out.append(case("Resource list matches any entry", "a list of resources matches when any entry matches", DOC_RESOURCE, "Allowed",
                    identity=[pol(st(action="s3:GetObject", resource=["arn:aws:s3:::other/*", BUCKET + "/*"]))]))
    NR = [(BUCKET + "/*", OBJ, False), ("arn:aws:s3:::other/*", OBJ, True), ([BUCKET, "arn:aws:s3:::other/*"], OBJ, True)]
    for pat, res, m in NR:
        out.append(case(f"Allow NotResource {json.dumps(pat)}", "NotResource matches every resource not listed", DOC_RESOURCE,
                        "Allowed" if m else "ImplicitlyDenied", resource=res,
                        identity=[pol({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": pat})]))
    out.append(case("Deny NotResource outside the bucket", "Deny with NotResource denies every other resource", DOC_RESOURCE,
                    "ExplicitlyDenied", resource="arn:aws:s3:::other/k", decidedBy="identity",
                    identity=[ALLOW_ALL, pol({"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET, BUCKET + "/*"]})]))
    out.append(case("Deny NotResource spares the bucket", "Deny with NotResource spares the resources listed", DOC_RESOURCE,
                    "Allowed", identity=[ALLOW_ALL, pol({"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET, BUCKET + "/*"]})]))
    return out

def variables():
    out = []
    home = pol(st(action="s3:GetObject", resource=BUCKET + "/home/${aws:username}/*"))
    out.append(case("${aws:username} in Resource matches own folder", "${aws:username} is replaced by the caller's user name", DOC_VARS, "Allowed",
                    resource=BUCKET + "/home/alice/f", identity=[home]))
    out.append(case("${aws:username} in Resource rejects other folder", "${aws:username} is replaced by the caller's user name", DOC_VARS, "ImplicitlyDenied",
                    resource=BUCKET + "/home/bob/f", identity=[home]))
    out.append(case("${aws:username} absent for a role session", "a variable whose key is absent matches nothing", DOC_VARS, "ImplicitlyDenied",
                    principal=SESSION, resource=BUCKET + "/home/app/f", identity=[home]))
    tag = pol(st(action="s3:GetObject", resource=BUCKET + "/${aws:PrincipalTag/team}/*"))
    out.append(case("${aws:PrincipalTag/team} in Resource", "tag variables resolve from the request context", DOC_VARS, "Allowed",
                    resource=BUCKET + "/red/f", context={"aws:PrincipalTag/team": "red"}, identity=[tag]))
    out.append(case("${aws:PrincipalTag/team} absent", "a variable whose key is absent matches nothing", DOC_VARS, "ImplicitlyDenied",
                    resource=BUCKET + "/red/f", identity=[tag]))
    dflt = pol(st(action="s3:GetObject", resource=BUCKET + "/${aws:PrincipalTag/team, 'shared'}/*"))
    out.append(case("variable default value used when key absent", "a variable's default value is used when the key is absent", DOC_VARS, "Allowed",
                    resource=BUCKET + "/shared/f", identity=[dflt]))
    out.append(case("variable default value ignored when key present", "the key's value wins over the default", DOC_VARS, "ImplicitlyDenied",
                    resource=BUCKET + "/shared/f", context={"aws:PrincipalTag/team": "red"}, identity=[dflt]))
    star = pol(st(action="s3:GetObject", resource=BUCKET + "/${*}/f"))
    out.append(case("${*} is a literal asterisk", "${*} escapes a literal *", DOC_VARS, "Allowed", resource=BUCKET + "/*/f", identity=[star]))
    out.append(case("${*} is not a wildcard", "${*} escapes a literal *", DOC_VARS, "ImplicitlyDenied", resource=BUCKET + "/x/f", identity=[star]))
    q = pol(st(action="s3:GetObject", resource=BUCKET + "/a${?}b"))
    out.append(case("${?} is a literal question mark", "${?} escapes a literal ?", DOC_VARS, "Allowed", resource=BUCKET + "/a?b", identity=[q]))
    out.append(case("${?} is not a wildcard", "${?} escapes a literal ?", DOC_VARS, "ImplicitlyDenied", resource=BUCKET + "/axb", identity=[q]))
    d = pol(st(action="s3:GetObject", resource=BUCKET + "/${$}{x}"))
    out.append(case("${$} is a literal dollar", "${$} escapes a literal $", DOC_VARS, "Allowed", resource=BUCKET + "/${x}", identity=[d]))
    old = pol(st(action="s3:GetObject", resource=BUCKET + "/home/${aws:username}/*"), version="2008-10-17")
    out.append(case("variables are literal text in Version 2008-10-17", "policy variables need Version 2012-10-17", DOC_VARS, "ImplicitlyDenied",
                    resource=BUCKET + "/home/alice/f", identity=[old]))
    out.append(case("variables are literal text in Version 2008-10-17 (literal match)", "policy variables need Version 2012-10-17", DOC_VARS, "Allowed",
                    resource=BUCKET + "/home/${aws:username}/f", identity=[old]))
    noversion = pol(st(action="s3:GetObject", resource=BUCKET + "/home/${aws:username}/*"), version=None)
    out.append(case("variables are literal text without Version", "without Version, policy variables are not replaced", DOC_VARS, "ImplicitlyDenied",
                    resource=BUCKET + "/home/alice/f", identity=[noversion]))
    cv = pol(st(action="s3:ListBucket", resource=BUCKET, Condition={"StringLike": {"s3:prefix": "home/${aws:username}/*"}}))
    out.append(case("variable in StringLike condition value", "variables work in condition values", DOC_VARS, "Allowed", action="s3:ListBucket",
                    resource=BUCKET, context={"s3:prefix": "home/alice/docs"}, identity=[cv]))
    out.append(case("variable in StringLike condition value (other user)", "variables work in condition values", DOC_VARS, "ImplicitlyDenied", action="s3:ListBucket",
                    resource=BUCKET, context={"s3:prefix": "home/bob/docs"}, identity=[cv]))
    eq = pol(st(action="s3:GetObject", Condition={"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}))
    out.append(case("variable in StringEquals condition value", "variables work in condition values", DOC_VARS, "Allowed",
                    context={"aws:ResourceTag/owner": "alice"}, identity=[eq]))
    acct = pol(st(action="s3:GetObject", Condition={"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}))
    out.append(case("${aws:PrincipalAccount} equals resource account", "aws:PrincipalAccount and aws:ResourceAccount come from the request", DOC_VARS, "Allowed",
                    identity=[acct]))
    out.append(case("${aws:PrincipalAccount} differs from resource account", "aws:PrincipalAccount and aws:ResourceAccount come from the request", DOC_VARS, "ImplicitlyDenied",
                    account=OTHER, identity=[acct], extra={"resourcePolicy": pol(st(action="s3:GetObject", Principal={"AWS": ACCT}))}))
    return out

def scp_levels(*levels):
    return {"serviceControlPolicies": [{"id": lid, "policies": ps} for lid, ps in levels]}

def rcp_levels(*levels):
    return {"resourceControlPolicies": [{"id": lid, "policies": ps} for lid, ps in levels]}

DENY_S3 = pol(st("Deny", action="s3:*"))
ALLOW_S3 = pol(st(action="s3:*"))
ALLOW_EC2 = pol(st(action="ec2:*"))
RCP_DENY_S3 = pol(st("Deny", action="s3:*", Principal="*"))
RCP_DENY_EXT = pol(st("Deny", action="s3:*", Principal="*",
                      Condition={"StringNotEqualsIfExists": {"aws:PrincipalAccount": ACCT}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}))

def flow():
    out = []
    A = lambda **kw: case(**kw)
    # Explicit deny precedence
    out.append(A(name="explicit deny beats allow in the same policy", rule="an explicit deny in any policy overrides any allow", doc=DOC_EVAL,
                 expected="ExplicitlyDenied", decidedBy="identity", identity=[pol(st(action="s3:*"), st("Deny", action="s3:GetObject"))]))
    out.append(A(name="explicit deny in another identity policy", rule="an explicit deny in any policy overrides any allow", doc=DOC_EVAL,
                 expected="ExplicitlyDenied", decidedBy="identity", identity=[ALLOW_ALL, DENY_S3]))
    out.append(A(name="no policy: implicit deny", rule="requests are implicitly denied by default", doc=DOC_EVAL,
                 expected="ImplicitlyDenied", missingAllow="identity"))
    out.append(A(name="identity allow only", rule="an identity-based allow grants within the account", doc=DOC_EVAL,
                 expected="Allowed", decidedBy="identity", identity=[ALLOW_S3]))
    out.append(A(name="allow for another service only", rule="an allow must match the action", doc=DOC_EVAL,
                 expected="ImplicitlyDenied", missingAllow="identity", identity=[ALLOW_EC2]))
    out.append(A(name="resource policy deny beats identity allow", rule="an explicit deny in a resource policy overrides any allow", doc=DOC_EVAL,
                 expected="ExplicitlyDenied", decidedBy="resourcePolicy", identity=[ALLOW_ALL],
                 extra={"resourcePolicy": pol(st("Deny", action="s3:GetObject", Principal="*"))}))
    out.append(A(name="deny with condition not met does not apply", rule="a deny applies only when its conditions hold", doc=DOC_EVAL,
                 expected="Allowed", identity=[ALLOW_ALL, pol(st("Deny", action="s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}}))],
                 context={"aws:SecureTransport": "true"}))
    out.append(A(name="deny with condition met applies", rule="a deny applies only when its conditions hold", doc=DOC_EVAL,
                 expected="ExplicitlyDenied", identity=[ALLOW_ALL, pol(st("Deny", action="s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}}))],
                 context={"aws:SecureTransport": "false"}))
    # SCPs
    out.append(A(name="SCP FullAWSAccess at every level", rule="every SCP level from the root to the account must allow", doc=DOC_SCP,
                 expected="Allowed", identity=[ALLOW_S3], extra=scp_levels(("r-root", [FULL_ACCESS]), ("ou-a", [FULL_ACCESS]), (ACCT, [FULL_ACCESS]))))
    out.append(A(name="SCP missing allow at the OU level", rule="every SCP level from the root to the account must allow", doc=DOC_SCP,
                 expected="ImplicitlyDenied", decidedBy="scp", missingAllow="scp", identity=[ALLOW_S3],
                 extra=scp_levels(("r-root", [FULL_ACCESS]), ("ou-a", [ALLOW_EC2]), (ACCT, [FULL_ACCESS]))))
    out.append(A(name="SCP missing allow at the account level", rule="every SCP level from the root to the account must allow", doc=DOC_SCP,
                 expected="ImplicitlyDenied", missingAllow="scp", identity=[ALLOW_S3],
                 extra=scp_levels(("r-root", [FULL_ACCESS]), ("ou-a", [FULL_ACCESS]), (ACCT, []))))
    out.append(A(name="SCP allow list at an OU", rule="an SCP allow list limits the services of the OU", doc=DOC_SCP,
                 expected="Allowed", identity=[ALLOW_S3], extra=scp_levels(("r-root", [FULL_ACCESS]), ("ou-a", [ALLOW_S3, ALLOW_EC2]))))
    out.append(A(name="SCP deny at the root", rule="an explicit deny in an SCP overrides any allow", doc=DOC_SCP,
                 expected="ExplicitlyDenied", decidedBy="scp", identity=[ALLOW_ALL],
                 extra=scp_levels(("r-root", [FULL_ACCESS, DENY_S3]), ("ou-a", [FULL_ACCESS]))))
    out.append(A(name="SCP deny at a deep OU", rule="an explicit deny in an SCP overrides any allow", doc=DOC_SCP,
                 expected="ExplicitlyDenied", decidedBy="scp", identity=[ALLOW_ALL],
                 extra=scp_levels(("r-root", [FULL_ACCESS]), ("ou-a", [FULL_ACCESS]), ("ou-b", [FULL_ACCESS, DENY_S3]), (ACCT, [FULL_ACCESS]))))
    out.append(A(name="SCP allows but identity does not", rule="SCPs grant no permissions: identity policies must allow", doc=DOC_SCP,
                 expected="ImplicitlyDenied", missingAllow="identity", extra=scp_levels(("r-root", [FULL_ACCESS]))))
    out.append(A(name="management account is outside SCPs (deny)", rule="SCPs do not affect the management account", doc=DOC_SCP,
                 expected="Allowed", identity=[ALLOW_ALL], extra={**scp_levels(("r-root", [FULL_ACCESS, DENY_S3])), "principalIsManagementAccount": True}))
    out.append(A(name="management account is outside SCPs (no allow)", rule="SCPs do not affect the management account", doc=DOC_SCP,
                 expected="Allowed", identity=[ALLOW_ALL], extra={**scp_levels(("r-root", [])), "principalIsManagementAccount": True}))
    out.append(A(name="service-linked role is outside SCPs (flag)", rule="SCPs do not affect service-linked roles", doc=DOC_SCP,
                 expected="Allowed", principal=f"arn:aws:sts::{ACCT}:assumed-role/AWSServiceRoleForConfig/s", identity=[ALLOW_ALL],
                 extra={**scp_levels(("r-root", [DENY_S3])), "principalIsServiceLinkedRole": True}))
    out.append(A(name="service-linked role is outside SCPs (role path)", rule="SCPs do not affect service-linked roles", doc=DOC_SCP,
                 expected="Allowed", principal=f"arn:aws:iam::{ACCT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig", identity=[ALLOW_ALL],
                 extra=scp_levels(("r-root", [DENY_S3]))))
    out.append(A(name="root user of a member account is bound by SCPs", rule="SCPs affect the root user of member accounts", doc=DOC_SCP,
                 expected="ExplicitlyDenied", decidedBy="scp", principal=f"arn:aws:iam::{ACCT}:root",
                 extra=scp_levels(("r-root", [FULL_ACCESS, DENY_S3]))))
    out.append(A(name="root user needs no identity policy", rule="the root user has full access to its account unless a guardrail denies", doc=DOC_EVAL,
                 expected="Allowed", principal=f"arn:aws:iam::{ACCT}:root", extra=scp_levels(("r-root", [FULL_ACCESS]))))
    out.append(A(name="SCP condition on region (allowed region)", rule="SCP statements evaluate conditions", doc=DOC_SCP,
                 expected="Allowed", action="ec2:RunInstances", resource="*", identity=[ALLOW_ALL], context={"aws:RequestedRegion": "eu-west-1"},
                 extra=scp_levels(("r-root", [FULL_ACCESS, pol({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}})]))))
    out.append(A(name="SCP condition on region (other region)", rule="SCP statements evaluate conditions", doc=DOC_SCP,
                 expected="ExplicitlyDenied", action="ec2:RunInstances", resource="*", identity=[ALLOW_ALL], context={"aws:RequestedRegion": "us-east-1"},
                 extra=scp_levels(("r-root", [FULL_ACCESS, pol({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}})]))))
    out.append(A(name="SCP region deny exempts global services", rule="a NotAction list exempts global services from a region deny", doc=DOC_SCP,
                 expected="Allowed", action="iam:CreateRole", resource="*", identity=[ALLOW_ALL], context={"aws:RequestedRegion": "us-east-1"},
                 extra=scp_levels(("r-root", [FULL_ACCESS, pol({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}})]))))
    out.append(A(name="SCP does not apply to another account's principal calling in", rule="SCPs limit principals of member accounts, not the resource", doc=DOC_SCP,
                 expected="Allowed", principal=OTHER_USER, account=ACCT, identity=[ALLOW_S3],
                 extra={"resourcePolicy": pol(st(action="s3:GetObject", Principal={"AWS": OTHER_USER}))}))
    out.append(A(name="SCPs do not apply to service principals", rule="SCPs affect only IAM principals of member accounts", doc=DOC_SCP,
                 expected="Allowed", principal="cloudtrail.amazonaws.com", action="s3:PutObject",
                 extra={**scp_levels(("r-root", [DENY_S3])), "resourcePolicy": pol(st(action="s3:PutObject", Principal={"Service": "cloudtrail.amazonaws.com"}))}))
    # RCPs
    out.append(A(name="RCP default full access", rule="every RCP level must allow (RCPFullAWSAccess)", doc=DOC_RCP,
                 expected="Allowed", identity=[ALLOW_S3], extra=rcp_levels(("r-root", [RCP_FULL]), (ACCT, [RCP_FULL]))))
    out.append(A(name="RCP level without allow", rule="every RCP level must allow", doc=DOC_RCP,
                 expected="ImplicitlyDenied", decidedBy="rcp", missingAllow="rcp", identity=[ALLOW_S3], extra=rcp_levels(("r-root", [RCP_FULL]), ("ou-a", []))))
    out.append(A(name="RCP deny", rule="an explicit deny in an RCP overrides any allow", doc=DOC_RCP,
                 expected="ExplicitlyDenied", decidedBy="rcp", identity=[ALLOW_S3], extra=rcp_levels(("r-root", [RCP_FULL, RCP_DENY_S3]))))
    out.append(A(name="RCP data perimeter denies outside principal", rule="RCPs limit access to the account's resources by any principal", doc=DOC_RCP,
                 expected="ExplicitlyDenied", decidedBy="rcp", principal=OTHER_USER, identity=[ALLOW_S3],
                 extra={**rcp_levels(("r-root", [RCP_FULL, RCP_DENY_EXT])), "resourcePolicy": pol(st(action="s3:GetObject", Principal={"AWS": OTHER_USER}))}))
    out.append(A(name="RCP data perimeter lets own principal in", rule="RCPs limit access to the account's resources by any principal", doc=DOC_RCP,
                 expected="Allowed", identity=[ALLOW_S3], extra=rcp_levels(("r-root", [RCP_FULL, RCP_DENY_EXT]))))
    out.append(A(name="RCP data perimeter exempts service principals", rule="RCP conditions on aws:PrincipalIsAWSService exempt services", doc=DOC_RCP,
                 expected="Allowed", principal="cloudtrail.amazonaws.com", action="s3:PutObject",
                 extra={**rcp_levels(("r-root", [RCP_FULL, RCP_DENY_EXT])), "resourcePolicy": pol(st(action="s3:PutObject", Principal={"Service": "cloudtrail.amazonaws.com"}))}))
    out.append(A(name="RCP does not apply to unsupported services", rule="RCPs apply only to the services that support them", doc=DOC_RCP,
                 expected="Allowed", action="ec2:RunInstances", resource="*", identity=[ALLOW_ALL],
                 extra=rcp_levels(("r-root", [RCP_FULL, pol(st("Deny", action="*", Principal="*"))]))))
    out.append(A(name="RCP level without allow ignored for unsupported service", rule="RCPs apply only to the services that support them", doc=DOC_RCP,
                 expected="Allowed", action="lambda:InvokeFunction", resource=f"arn:aws:lambda:us-east-1:{ACCT}:function:f", identity=[ALLOW_ALL],
                 extra=rcp_levels(("r-root", []))))
    for svc, act, res in [("sqs", "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCT}:q"), ("kms", "kms:Decrypt", f"arn:aws:kms:us-east-1:{ACCT}:alias/app"),
                          ("secretsmanager", "secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:s"),
                          ("sts", "sts:GetSessionToken", "*"), ("dynamodb", "dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{ACCT}:table/t"),
                          ("ecr", "ecr:BatchGetImage", f"arn:aws:ecr:us-east-1:{ACCT}:repository/r"), ("logs", "logs:PutLogEvents", f"arn:aws:logs:us-east-1:{ACCT}:log-group:g")]:
        out.append(A(name=f"RCP applies to {svc}", rule=f"RCPs apply to {svc}", doc=DOC_RCP, expected="ExplicitlyDenied", decidedBy="rcp",
                     action=act, resource=res, identity=[ALLOW_ALL], extra=rcp_levels(("r-root", [RCP_FULL, pol(st("Deny", action="*", Principal="*"))]))))
    out.append(A(name="RCP does not apply to service-linked roles", rule="RCPs do not affect service-linked roles", doc=DOC_RCP,
                 expected="Allowed", principal=f"arn:aws:iam::{ACCT}:role/aws-service-role/s3.amazonaws.com/AWSServiceRoleForS3", identity=[ALLOW_ALL],
                 extra=rcp_levels(("r-root", [RCP_FULL, RCP_DENY_S3]))))
    out.append(A(name="RCP does not apply to resources in the management account", rule="RCPs do not affect resources in the management account", doc=DOC_RCP,
                 expected="Allowed", identity=[ALLOW_ALL], extra={**rcp_levels(("r-root", [RCP_FULL, RCP_DENY_S3])), "resourceIsManagementAccount": True}))
    out.append(A(name="RCP applies to the root user", rule="RCPs apply to every principal, the root user included", doc=DOC_RCP,
                 expected="ExplicitlyDenied", principal=f"arn:aws:iam::{ACCT}:root", extra=rcp_levels(("r-root", [RCP_FULL, RCP_DENY_S3]))))
    out.append(A(name="RCP applies to anonymous callers", rule="RCPs apply to every principal, anonymous included", doc=DOC_RCP,
                 expected="ExplicitlyDenied", principal="anonymous",
                 extra={**rcp_levels(("r-root", [RCP_FULL, RCP_DENY_S3])), "resourcePolicy": pol(st(action="s3:GetObject", Principal="*"))}))
    out.append(A(name="RCPs grant nothing", rule="RCPs do not grant permissions", doc=DOC_RCP,
                 expected="ImplicitlyDenied", missingAllow="identity", extra=rcp_levels(("r-root", [RCP_FULL]))))
    out.append(A(name="both SCP and RCP must allow", rule="SCPs and RCPs are both guardrails: each must allow", doc=DOC_EVAL,
                 expected="ImplicitlyDenied", missingAllow="scp", identity=[ALLOW_ALL], extra={**rcp_levels(("r-root", [RCP_FULL])), **scp_levels(("r-root", [ALLOW_EC2]))}))
    return out

def rp(principal, effect="Allow", action="s3:GetObject", resource=OBJ, not_principal=False, **kw):
    s = {"Effect": effect, ("NotPrincipal" if not_principal else "Principal"): principal, "Action": action, "Resource": resource}
    s.update(kw)
    return {"resourcePolicy": pol(s)}

def resource_and_boundaries():
    out = []
    A = lambda **kw: case(**kw)
    # Same-account resource policies
    out.append(A(name="same account: resource policy naming the user grants alone", rule="within an account, a resource policy that names the user grants without an identity allow", doc=DOC_EVAL,
                 expected="Allowed", decidedBy="resourcePolicy", extra=rp({"AWS": USER})))
    out.append(A(name="same account: resource policy naming the role session grants alone", rule="within an account, a resource policy that names the role session grants without an identity allow", doc=DOC_EVAL,
                 expected="Allowed", principal=SESSION, extra=rp({"AWS": SESSION})))
    out.append(A(name="same account: resource policy naming the role grants to its sessions", rule="within an account, a resource policy that names the role grants to its sessions", doc=DOC_EVAL,
                 expected="Allowed", principal=SESSION, extra=rp({"AWS": ROLE})))
    out.append(A(name="same account: role with a path named in resource policy", rule="a role ARN with a path names the role's sessions", doc=DOC_PRINCIPAL,
                 expected="Allowed", principal=SESSION, extra=rp({"AWS": f"arn:aws:iam::{ACCT}:role/team/app"})))
    out.append(A(name="same account: resource policy naming the account needs an identity allow", rule="naming the account delegates to its IAM policies", doc=DOC_EVAL,
                 expected="ImplicitlyDenied", missingAllow="identity", extra=rp({"AWS": ACCT})))
    out.append(A(name="same account: resource policy naming the account :root ARN needs an identity allow", rule="naming the account delegates to its IAM policies", doc=DOC_PRINCIPAL,
                 expected="ImplicitlyDenied", extra=rp({"AWS": f"arn:aws:iam::{ACCT}:root"})))
    out.append(A(name="same account: account grant plus identity allow", rule="naming the account delegates to its IAM policies", doc=DOC_EVAL,
                 expected="Allowed", identity=[ALLOW_S3], extra=rp({"AWS": ACCT})))
    out.append(A(name="same account: wildcard principal grants", rule="Principal * grants to everyone", doc=DOC_PRINCIPAL,
                 expected="Allowed", extra=rp("*")))
    out.append(A(name="same account: AWS * principal grants", rule='{"AWS": "*"} grants to everyone', doc=DOC_PRINCIPAL,
                 expected="Allowed", extra=rp({"AWS": "*"})))
    out.append(A(name="same account: resource policy naming another user", rule="a resource policy grants only to the principals it names", doc=DOC_PRINCIPAL,
                 expected="ImplicitlyDenied", extra=rp({"AWS": f"arn:aws:iam::{ACCT}:user/carol"})))
    out.append(A(name="same account: identity allow, resource policy silent", rule="within an account, identity or resource allow is enough", doc=DOC_EVAL,
                 expected="Allowed", decidedBy="identity", identity=[ALLOW_S3], extra=rp({"AWS": f"arn:aws:iam::{ACCT}:user/carol"})))
    out.append(A(name="statement without Principal in a resource policy grants nothing", rule="resource policy statements need a Principal", doc=DOC_PRINCIPAL,
                 expected="ImplicitlyDenied", extra={"resourcePolicy": pol(st(action="s3:GetObject"))}))
    out.append(A(name="resource policy for another action", rule="a resource policy allow must match the action", doc=DOC_EVAL,
                 expected="ImplicitlyDenied", extra=rp({"AWS": USER}, action="s3:PutObject")))
    out.append(A(name="resource policy for another resource", rule="a resource policy allow must match the resource", doc=DOC_EVAL,
                 expected="ImplicitlyDenied", extra=rp({"AWS": USER}, resource=BUCKET + "/other/*")))
    out.append(A(name="resource policy condition not met", rule="a resource policy allow applies only when its conditions hold", doc=DOC_EVAL,
                 expected="ImplicitlyDenied", context={"aws:SecureTransport": "false"}, extra=rp({"AWS": USER}, Condition={"Bool": {"aws:SecureTransport": "true"}})))
    # Cross-account
    out.append(A(name="cross account: both sides allow", rule="cross-account requests need the identity policy and the resource policy", doc=DOC_XACCT,
                 expected="Allowed", principal=OTHER_USER, identity=[ALLOW_S3], extra=rp({"AWS": OTHER_USER})))
    out.append(A(name="cross account: resource policy only", rule="cross-account requests need an identity allow too", doc=DOC_XACCT,
                 expected="ImplicitlyDenied", missingAllow="identity", principal=OTHER_USER, extra=rp({"AWS": OTHER_USER})))
    out.append(A(name="cross account: identity only", rule="cross-account requests need a resource policy allow", doc=DOC_XACCT,
                 expected="ImplicitlyDenied", missingAllow="resourcePolicy", principal=OTHER_USER, identity=[ALLOW_S3]))
    out.append(A(name="cross account: resource policy names the other account", rule="naming the account trusts the account's IAM policies", doc=DOC_XACCT,
                 expected="Allowed", principal=OTHER_USER, identity=[ALLOW_S3], extra=rp({"AWS": OTHER})))
    out.append(A(name="cross account: resource policy names a third account", rule="the resource policy must name the caller or its account", doc=DOC_XACCT,
                 expected="ImplicitlyDenied", principal=OTHER_USER, identity=[ALLOW_S3], extra=rp({"AWS": "333333333333"})))
    out.append(A(name="cross account: resource policy wildcard", rule="Principal * lets any account's principal in (with its identity allow)", doc=DOC_XACCT,
                 expected="Allowed", principal=OTHER_USER, identity=[ALLOW_S3], extra=rp("*")))
    out.append(A(name="cross account: resource policy deny", rule="an explicit deny in the resource policy wins across accounts", doc=DOC_XACCT,
                 expected="ExplicitlyDenied", principal=OTHER_USER, identity=[ALLOW_S3],
                 extra={"resourcePolicy": pol(st(action="s3:GetObject", Principal="*"), st("Deny", action="s3:GetObject", Principal={"AWS": OTHER}))}))
    out.append(A(name="cross account: boundary limits the caller", rule="the caller's boundary applies to cross-account requests", doc=DOC_PB,
                 expected="ImplicitlyDenied", missingAllow="permissionBoundary", principal=OTHER_USER, identity=[ALLOW_S3],
                 extra={**rp({"AWS": OTHER_USER}), "permissionBoundaries": [ALLOW_EC2]}))
    out.append(A(name="cross account: role session", rule="cross-account requests need both sides", doc=DOC_XACCT,
                 expected="Allowed", principal=f"arn:aws:sts::{OTHER}:assumed-role/reader/s", identity=[ALLOW_S3],
                 extra=rp({"AWS": f"arn:aws:iam::{OTHER}:role/reader"})))
    # Boundaries
    out.append(A(name="boundary allows and identity allows", rule="effective permissions are the intersection of identity policy and boundary", doc=DOC_PB,
                 expected="Allowed", identity=[ALLOW_S3], extra={"permissionBoundaries": [ALLOW_S3]}))
    out.append(A(name="boundary does not allow", rule="effective permissions are the intersection of identity policy and boundary", doc=DOC_PB,
                 expected="ImplicitlyDenied", decidedBy="permissionBoundary", missingAllow="permissionBoundary", identity=[ALLOW_S3], extra={"permissionBoundaries": [ALLOW_EC2]}))
    out.append(A(name="boundary allows but identity does not", rule="a boundary grants nothing by itself", doc=DOC_PB,
                 expected="ImplicitlyDenied", missingAllow="identity", extra={"permissionBoundaries": [ALLOW_ALL]}))
    out.append(A(name="boundary explicit deny", rule="an explicit deny in a boundary overrides any allow", doc=DOC_PB,
                 expected="ExplicitlyDenied", decidedBy="permissionBoundary", identity=[ALLOW_S3], extra={"permissionBoundaries": [pol(st(), st("Deny", action="s3:GetObject"))]}))
    out.append(A(name="boundary does not limit a resource policy naming the user", rule="within an account, a boundary's implicit deny does not limit a resource policy that names the IAM user", doc=DOC_PB,
                 expected="Allowed", decidedBy="resourcePolicy", extra={**rp({"AWS": USER}), "permissionBoundaries": [ALLOW_EC2]}))
    out.append(A(name="boundary does not limit a resource policy naming the session", rule="within an account, a boundary's implicit deny does not limit a resource policy that names the role session", doc=DOC_PB,
                 expected="Allowed", principal=SESSION, extra={**rp({"AWS": SESSION}), "permissionBoundaries": [ALLOW_EC2]}))
    out.append(A(name="boundary limits a resource policy naming the role", rule="within an account, a boundary's implicit deny limits a resource policy that names the role ARN", doc=DOC_PB,
                 expected="ImplicitlyDenied", missingAllow="permissionBoundary", principal=SESSION, extra={**rp({"AWS": ROLE}), "permissionBoundaries": [ALLOW_EC2]}))
    out.append(A(name="boundary allows a resource policy naming the role", rule="a resource policy that names the role ARN passes through the boundary", doc=DOC_PB,
                 expected="Allowed", principal=SESSION, extra={**rp({"AWS": ROLE}), "permissionBoundaries": [ALLOW_S3]}))
    out.append(A(name="boundary explicit deny beats resource policy naming the user", rule="an explicit deny in a boundary overrides any allow", doc=DOC_PB,
                 expected="ExplicitlyDenied", extra={**rp({"AWS": USER}), "permissionBoundaries": [pol(st("Deny", action="s3:*"))]}))
    out.append(A(name="boundary limits a resource policy naming the account", rule="naming the account needs the identity policy, which the boundary caps", doc=DOC_PB,
                 expected="ImplicitlyDenied", missingAllow="permissionBoundary", identity=[ALLOW_S3], extra={**rp({"AWS": ACCT}), "permissionBoundaries": [ALLOW_EC2]}))
    out.append(A(name="boundary with conditions", rule="boundary statements evaluate conditions", doc=DOC_PB,
                 expected="ImplicitlyDenied", identity=[ALLOW_S3], context={"aws:RequestedRegion": "us-east-1"},
                 extra={"permissionBoundaries": [pol(st(action="s3:*", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))]}))
    # NotPrincipal
    out.append(A(name="Deny NotPrincipal spares the listed user and account", rule="Deny with NotPrincipal denies everyone except the principals listed (with their account)", doc=DOC_NOTPRINCIPAL,
                 expected="Allowed", identity=[ALLOW_S3], extra=rp({"AWS": [USER, f"arn:aws:iam::{ACCT}:root"]}, effect="Deny", not_principal=True)))
    out.append(A(name="Deny NotPrincipal denies others", rule="Deny with NotPrincipal denies everyone except the principals listed", doc=DOC_NOTPRINCIPAL,
                 expected="ExplicitlyDenied", decidedBy="resourcePolicy", identity=[ALLOW_S3], extra=rp({"AWS": [f"arn:aws:iam::{ACCT}:user/carol"]}, effect="Deny", not_principal=True)))
    out.append(A(name="Deny NotPrincipal always denies a principal with a boundary", rule="with Deny and NotPrincipal, a principal with a permissions boundary is denied whatever NotPrincipal lists", doc=DOC_NOTPRINCIPAL,
                 expected="ExplicitlyDenied", decidedBy="resourcePolicy", identity=[ALLOW_S3],
                 extra={**rp({"AWS": [USER]}, effect="Deny", not_principal=True), "permissionBoundaries": [ALLOW_ALL]}))
    out.append(A(name="Deny NotPrincipal listing only the account does not spare its users", rule="listing the account in NotPrincipal does not exclude its users", doc=DOC_NOTPRINCIPAL,
                 expected="ExplicitlyDenied", identity=[ALLOW_S3], extra=rp({"AWS": [ACCT]}, effect="Deny", not_principal=True)))
    out.append(A(name="Deny NotPrincipal spares the session listed with its role and account", rule="NotPrincipal must list the session, the role and the account to spare a role session", doc=DOC_NOTPRINCIPAL,
                 expected="Allowed", principal=SESSION, identity=[ALLOW_S3], extra=rp({"AWS": [SESSION, ROLE, ACCT]}, effect="Deny", not_principal=True)))
    out.append(A(name="Deny NotPrincipal listing session and role but not the account", rule="with Deny, NotPrincipal must also list the account of the spared principal", doc=DOC_NOTPRINCIPAL,
                 expected="ExplicitlyDenied", principal=SESSION, identity=[ALLOW_S3], extra=rp({"AWS": [SESSION, ROLE]}, effect="Deny", not_principal=True)))
    out.append(A(name="Deny NotPrincipal listing the user but not the account", rule="with Deny, NotPrincipal must also list the account of the spared principal", doc=DOC_NOTPRINCIPAL,
                 expected="ExplicitlyDenied", identity=[ALLOW_S3], extra=rp({"AWS": [USER]}, effect="Deny", not_principal=True)))
    out.append(A(name="Deny NotPrincipal listing session and account but not the role", rule="with Deny, NotPrincipal must list the role of a spared role session", doc=DOC_NOTPRINCIPAL,
                 expected="ExplicitlyDenied", principal=SESSION, identity=[ALLOW_S3], extra=rp({"AWS": [SESSION, ACCT]}, effect="Deny", not_principal=True)))
    out.append(A(name="Deny NotPrincipal spares a listed service", rule="Deny with NotPrincipal spares the services listed", doc=DOC_NOTPRINCIPAL,
                 expected="Allowed", principal="cloudtrail.amazonaws.com", action="s3:PutObject",
                 extra={"resourcePolicy": pol(st(action="s3:PutObject", Principal={"Service": "cloudtrail.amazonaws.com"}), {"Effect": "Deny", "NotPrincipal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": OBJ})}))
    out.append(A(name="same account: wildcard grant is not capped by the boundary", rule="within an account, a boundary's implicit deny does not limit a resource policy grant to *", doc=DOC_PB,
                 expected="Allowed", decidedBy="resourcePolicy", extra={**rp("*"), "permissionBoundaries": [ALLOW_EC2]}))
    out.append(A(name="same account: wildcard grant is capped by the session policy", rule="a resource policy grant to * does not name the session: the session policy still applies", doc=DOC_SESSION,
                 expected="ImplicitlyDenied", missingAllow="sessionPolicy", principal=SESSION, extra={**rp("*"), "sessionPolicy": ALLOW_EC2}))
    out.append(A(name="Allow NotPrincipal grants others", rule="Allow with NotPrincipal grants everyone not listed", doc=DOC_NOTPRINCIPAL,
                 expected="Allowed", extra=rp({"AWS": [f"arn:aws:iam::{ACCT}:user/carol"]}, not_principal=True)))
    out.append(A(name="Allow NotPrincipal excludes the listed", rule="Allow with NotPrincipal grants everyone not listed", doc=DOC_NOTPRINCIPAL,
                 expected="ImplicitlyDenied", extra=rp({"AWS": [USER]}, not_principal=True)))
    # Session policies
    out.append(A(name="session policy allows", rule="effective session permissions are the intersection of identity and session policies", doc=DOC_SESSION,
                 expected="Allowed", principal=SESSION, identity=[ALLOW_S3], extra={"sessionPolicy": ALLOW_S3}))
    out.append(A(name="session policy implicit deny", rule="a session policy caps identity permissions", doc=DOC_SESSION,
                 expected="ImplicitlyDenied", decidedBy="sessionPolicy", missingAllow="sessionPolicy", principal=SESSION, identity=[ALLOW_S3], extra={"sessionPolicy": ALLOW_EC2}))
    out.append(A(name="session policy grants nothing alone", rule="a session policy grants nothing by itself", doc=DOC_SESSION,
                 expected="ImplicitlyDenied", missingAllow="identity", principal=SESSION, extra={"sessionPolicy": ALLOW_ALL}))
    out.append(A(name="session policy explicit deny", rule="an explicit deny in a session policy overrides any allow", doc=DOC_SESSION,
                 expected="ExplicitlyDenied", decidedBy="sessionPolicy", principal=SESSION, identity=[ALLOW_S3], extra={"sessionPolicy": pol(st(), st("Deny", action="s3:GetObject"))}))
    out.append(A(name="session policy limits a resource policy naming the role", rule="a session policy caps a resource policy grant to the role ARN", doc=DOC_SESSION,
                 expected="ImplicitlyDenied", missingAllow="sessionPolicy", principal=SESSION, extra={**rp({"AWS": ROLE}), "sessionPolicy": ALLOW_EC2}))
    out.append(A(name="session policy with boundary, both allow", rule="boundary and session policy both cap the identity policy", doc=DOC_SESSION,
                 expected="Allowed", principal=SESSION, identity=[ALLOW_S3], extra={"sessionPolicy": ALLOW_S3, "permissionBoundaries": [ALLOW_S3]}))
    # Trust policies
    TRUST_ROLE = f"arn:aws:iam::{ACCT}:role/target"
    trust = lambda princ: {"resourcePolicy": pol({"Effect": "Allow", "Principal": princ, "Action": "sts:AssumeRole"})}
    out.append(A(name="trust policy names the user: assume role allowed without identity allow", rule="a role trust policy naming the principal grants sts:AssumeRole in the same account", doc=DOC_TRUST,
                 expected="Allowed", decidedBy="trustPolicy", action="sts:AssumeRole", resource=TRUST_ROLE, extra=trust({"AWS": USER})))
    out.append(A(name="trust policy must allow even with identity allow", rule="role trust policies must allow even within the account", doc=DOC_TRUST,
                 expected="ImplicitlyDenied", decidedBy="trustPolicy", missingAllow="trustPolicy", action="sts:AssumeRole", resource=TRUST_ROLE, identity=[ALLOW_ALL],
                 extra=trust({"AWS": f"arn:aws:iam::{ACCT}:user/carol"})))
    out.append(A(name="trust policy missing entirely", rule="role trust policies must allow even within the account", doc=DOC_TRUST,
                 expected="ImplicitlyDenied", missingAllow="trustPolicy", action="sts:AssumeRole", resource=TRUST_ROLE, identity=[ALLOW_ALL]))
    out.append(A(name="trust policy names the account: identity must allow", rule="a trust policy naming the account delegates to IAM policies", doc=DOC_TRUST,
                 expected="ImplicitlyDenied", missingAllow="identity", action="sts:AssumeRole", resource=TRUST_ROLE, extra=trust({"AWS": ACCT})))
    out.append(A(name="trust policy names the account and identity allows", rule="a trust policy naming the account delegates to IAM policies", doc=DOC_TRUST,
                 expected="Allowed", action="sts:AssumeRole", resource=TRUST_ROLE, identity=[pol(st(action="sts:AssumeRole", resource=TRUST_ROLE))], extra=trust({"AWS": ACCT})))
    out.append(A(name="trust policy cross account", rule="cross-account role assumption needs the trust policy and the caller's identity policy", doc=DOC_TRUST,
                 expected="Allowed", principal=OTHER_USER, action="sts:AssumeRole", resource=TRUST_ROLE, identity=[pol(st(action="sts:AssumeRole"))], extra=trust({"AWS": OTHER})))
    out.append(A(name="trust policy cross account without identity allow", rule="cross-account role assumption needs the caller's identity policy", doc=DOC_TRUST,
                 expected="ImplicitlyDenied", missingAllow="identity", principal=OTHER_USER, action="sts:AssumeRole", resource=TRUST_ROLE, extra=trust({"AWS": OTHER})))
    out.append(A(name="trust policy for a service", rule="a trust policy naming a service lets the service assume the role", doc=DOC_TRUST,
                 expected="Allowed", principal="lambda.amazonaws.com", action="sts:AssumeRole", resource=TRUST_ROLE, extra=trust({"Service": "lambda.amazonaws.com"})))
    out.append(A(name="trust policy for another service", rule="a trust policy grants only the services it names", doc=DOC_TRUST,
                 expected="ImplicitlyDenied", principal="ec2.amazonaws.com", action="sts:AssumeRole", resource=TRUST_ROLE, extra=trust({"Service": "lambda.amazonaws.com"})))
    out.append(A(name="trust policy with ExternalId condition", rule="trust policy conditions must hold", doc=DOC_TRUST,
                 expected="ImplicitlyDenied", principal=OTHER_USER, action="sts:AssumeRole", resource=TRUST_ROLE, identity=[ALLOW_ALL], context={"sts:ExternalId": "wrong"},
                 extra={"resourcePolicy": pol({"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "right"}}})}))
    # KMS key policies
    KEY = f"arn:aws:kms:us-east-1:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    keyp = lambda princ, action="kms:*": {"resourcePolicy": pol({"Effect": "Allow", "Principal": princ, "Action": action, "Resource": "*"})}
    out.append(A(name="key policy default (account root) enables IAM policies", rule="a key policy naming the account lets IAM policies grant access", doc=DOC_KMS,
                 expected="Allowed", action="kms:Decrypt", resource=KEY, identity=[pol(st(action="kms:Decrypt"))], extra=keyp({"AWS": f"arn:aws:iam::{ACCT}:root"})))
    out.append(A(name="key policy default without IAM allow", rule="a key policy naming the account needs an IAM allow too", doc=DOC_KMS,
                 expected="ImplicitlyDenied", missingAllow="identity", action="kms:Decrypt", resource=KEY, extra=keyp({"AWS": f"arn:aws:iam::{ACCT}:root"})))
    out.append(A(name="key policy must allow even with identity allow", rule="KMS key policies must allow even within the account", doc=DOC_KMS,
                 expected="ImplicitlyDenied", decidedBy="keyPolicy", missingAllow="keyPolicy", action="kms:Decrypt", resource=KEY, identity=[ALLOW_ALL],
                 extra=keyp({"AWS": f"arn:aws:iam::{ACCT}:user/carol"})))
    out.append(A(name="key policy missing", rule="KMS key policies must allow even within the account", doc=DOC_KMS,
                 expected="ImplicitlyDenied", missingAllow="keyPolicy", action="kms:Decrypt", resource=KEY, identity=[ALLOW_ALL]))
    out.append(A(name="key policy names the user", rule="a key policy naming the user grants without an IAM allow", doc=DOC_KMS,
                 expected="Allowed", decidedBy="keyPolicy", action="kms:Decrypt", resource=KEY, extra=keyp({"AWS": USER})))
    out.append(A(name="key policy deny", rule="an explicit deny in the key policy wins", doc=DOC_KMS,
                 expected="ExplicitlyDenied", decidedBy="keyPolicy", action="kms:Decrypt", resource=KEY, identity=[ALLOW_ALL],
                 extra={"resourcePolicy": pol({"Effect": "Allow", "Principal": {"AWS": ACCT}, "Action": "kms:*", "Resource": "*"}, {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"})}))
    out.append(A(name="key policy cross account", rule="cross-account key use needs the key policy and the caller's IAM policy", doc=DOC_KMS,
                 expected="Allowed", principal=OTHER_USER, action="kms:Decrypt", resource=KEY, identity=[pol(st(action="kms:Decrypt"))], extra=keyp({"AWS": OTHER})))
    # Endpoint policies
    out.append(A(name="endpoint policy allows", rule="a VPC endpoint policy must allow requests through the endpoint", doc=DOC_ENDPOINT,
                 expected="Allowed", identity=[ALLOW_S3], extra={"endpointPolicies": [pol(st(Principal="*"))]}))
    out.append(A(name="endpoint policy without allow", rule="a VPC endpoint policy must allow requests through the endpoint", doc=DOC_ENDPOINT,
                 expected="ImplicitlyDenied", decidedBy="endpointPolicy", missingAllow="endpointPolicy", identity=[ALLOW_S3], extra={"endpointPolicies": [pol(st(action="ec2:*", Principal="*"))]}))
    out.append(A(name="endpoint policy deny", rule="an explicit deny in an endpoint policy overrides any allow", doc=DOC_ENDPOINT,
                 expected="ExplicitlyDenied", decidedBy="endpointPolicy", identity=[ALLOW_S3], extra={"endpointPolicies": [pol(st(Principal="*"), st("Deny", action="s3:GetObject", Principal="*"))]}))
    out.append(A(name="endpoint policy grants nothing", rule="an endpoint policy does not grant permissions", doc=DOC_ENDPOINT,
                 expected="ImplicitlyDenied", missingAllow="identity", extra={"endpointPolicies": [pol(st(Principal="*"))]}))
    out.append(A(name="endpoint policy restricted to a principal", rule="endpoint policy Principal limits who may use the endpoint", doc=DOC_ENDPOINT,
                 expected="ImplicitlyDenied", identity=[ALLOW_S3], extra={"endpointPolicies": [pol(st(Principal={"AWS": f"arn:aws:iam::{ACCT}:user/carol"}))]}))
    # Anonymous and services
    out.append(A(name="anonymous with public resource policy", rule="Principal * grants anonymous access", doc=DOC_PRINCIPAL,
                 expected="Allowed", principal="anonymous", extra=rp("*")))
    out.append(A(name="anonymous without resource policy", rule="anonymous requests need a resource policy grant", doc=DOC_PRINCIPAL,
                 expected="ImplicitlyDenied", principal="anonymous"))
    out.append(A(name="anonymous not covered by account principal", rule="an account principal does not cover anonymous callers", doc=DOC_PRINCIPAL,
                 expected="ImplicitlyDenied", principal="anonymous", extra=rp({"AWS": ACCT})))
    out.append(A(name="anonymous ignores SCPs", rule="SCPs affect only IAM principals of member accounts", doc=DOC_SCP,
                 expected="Allowed", principal="anonymous", extra={**rp("*"), **scp_levels(("r-root", [DENY_S3]))}))
    out.append(A(name="service principal named in bucket policy", rule="a Service principal grants the service", doc=DOC_PRINCIPAL,
                 expected="Allowed", principal="cloudtrail.amazonaws.com", action="s3:PutObject", extra=rp({"Service": "cloudtrail.amazonaws.com"}, action="s3:PutObject")))
    out.append(A(name="service principal not named", rule="a Service principal grants only the services named", doc=DOC_PRINCIPAL,
                 expected="ImplicitlyDenied", principal="config.amazonaws.com", action="s3:PutObject", extra=rp({"Service": "cloudtrail.amazonaws.com"}, action="s3:PutObject")))
    out.append(A(name="service principal with source account condition", rule="aws:SourceAccount conditions protect against the confused deputy", doc=DOC_PRINCIPAL,
                 expected="ImplicitlyDenied", principal="cloudtrail.amazonaws.com", action="s3:PutObject", context={"aws:SourceAccount": OTHER},
                 extra=rp({"Service": "cloudtrail.amazonaws.com"}, action="s3:PutObject", Condition={"StringEquals": {"aws:SourceAccount": ACCT}})))
    out.append(A(name="federated user session named in resource policy", rule="a federated user session ARN names that session", doc=DOC_PRINCIPAL,
                 expected="Allowed", principal=f"arn:aws:sts::{ACCT}:federated-user/fed", extra=rp({"AWS": f"arn:aws:sts::{ACCT}:federated-user/fed"})))
    # Special cases
    out.append(A(name="sts:GetCallerIdentity needs no permission", rule="GetCallerIdentity works without permissions and despite denies", doc=DOC_STS,
                 expected="Allowed", action="sts:GetCallerIdentity", resource="*", identity=[pol(st("Deny", action="sts:*"))]))
    out.append(A(name="derived aws:PrincipalArn", rule="aws:PrincipalArn is set from the caller", doc="IAM User Guide: AWS global condition context keys: aws:PrincipalArn",
                 expected="Allowed", identity=[pol(st(action="s3:GetObject", Condition={"ArnEquals": {"aws:PrincipalArn": USER}}))]))
    out.append(A(name="derived aws:PrincipalArn for a session is the role", rule="aws:PrincipalArn of a role session is the role ARN", doc="IAM User Guide: AWS global condition context keys: aws:PrincipalArn",
                 expected="Allowed", principal=SESSION, identity=[pol(st(action="s3:GetObject", Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}}))]))
    out.append(A(name="derived aws:PrincipalAccount", rule="aws:PrincipalAccount is set from the caller", doc="IAM User Guide: AWS global condition context keys: aws:PrincipalAccount",
                 expected="ExplicitlyDenied", identity=[ALLOW_ALL, pol(st("Deny", action="s3:*", Condition={"StringEquals": {"aws:PrincipalAccount": ACCT}}))]))
    out.append(A(name="derived aws:PrincipalType of a user", rule="aws:PrincipalType is User for IAM users", doc="IAM User Guide: AWS global condition context keys: aws:PrincipalType",
                 expected="Allowed", identity=[pol(st(action="s3:GetObject", Condition={"StringEquals": {"aws:PrincipalType": "User"}}))]))
    out.append(A(name="AWS managed policy cannot be changed", rule="AWS managed policies are owned by AWS", doc="IAM User Guide: AWS managed policies",
                 expected="ImplicitlyDenied", action="iam:CreatePolicyVersion", resource="arn:aws:iam::aws:policy/AdministratorAccess", identity=[ALLOW_ALL]))
    out.append(A(name="AWS managed policy can be read", rule="AWS managed policies can be read", doc="IAM User Guide: AWS managed policies",
                 expected="Allowed", action="iam:GetPolicy", resource="arn:aws:iam::aws:policy/AdministratorAccess", identity=[ALLOW_ALL]))
    return out

def main():
    groups = {"conditions.json": conditions(), "actions.json": actions(), "resources.json": resources(),
              "variables.json": variables(), "guardrails.json": flow(), "resource_policies.json": resource_and_boundaries()}
    total = 0
    for name, cases in groups.items():
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(cases, f, indent=1)
            f.write("\n")
        total += len(cases)
    print(total, "cases")

if __name__ == "__main__":
    main()
