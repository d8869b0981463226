package demo

import (
	"fmt"
	"strings"
	"time"
)

// Well-known role names of the baseline.
const (
	orgAccessRole     = "OrganizationAccountAccessRole"
	securityAuditRole = "KumoSecurityAudit"
	jumpRole          = "KumoJump"
	ssoAdminRole      = "AWSReservedSSO_AdministratorAccess_4f1c2a9b7d3e8a60"
	ssoReadOnlyRole   = "AWSReservedSSO_ReadOnly_9b2e7c41d05f3a18"
	configSLR         = "AWSServiceRoleForConfig"
	awsPolicyPrefix   = "arn:aws:iam::aws:policy/"
	// supportAccessPolicy is the AWS managed policy of the support role.
	supportAccessPolicy = "AWSSupportAccess"
	// snsFeedbackRole is the role SNS logs delivery status with.
	snsFeedbackRole = "KumoSNSDeliveryStatus"
	// s3ReplicationRole is the role S3 replicates objects with.
	s3ReplicationRole = "KumoS3Replication"
)

// homeRegion is where an account's workload lives.
func (w *world) homeRegion(a *acct) string {
	switch {
	case a.system == "loyalty" || (a.system != "" && a.index%5 == 3):
		return "ap-northeast-1"
	case a.kind == kindSandbox && a.index%2 == 1:
		return "us-west-2"
	}
	return w.home
}

// buildBaseline gives every active account the clean, well-governed
// configuration; plantViolations then breaks it on purpose.
func buildBaseline(w *world) {
	for _, a := range w.accounts {
		if a.suspended {
			continue
		}
		a.rootMFA = "hardware"
		a.strongPwd = true
		baselineIAM(w, a)
		for _, r := range w.regions {
			rr := w.region(a, r)
			rr.ebsDefault, rr.guardDuty, rr.securityHub, rr.config = true, true, true, true
			rr.analyzer = a == w.audit
		}
		baselineResources(w, a)
	}
}

func (w *world) roleARN(a *acct, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", w.partition, a.Id, name)
}

func trustAccount(account string, cond map[string]any) string {
	s := statement("", "Allow", "Principal", m{"AWS": "arn:aws:iam::" + account + ":root"}, "Action", "sts:AssumeRole")
	delete(s, "Sid")
	if cond != nil {
		s["Condition"] = cond
	}
	return compact(policyDoc(s))
}

func trustService(svc string) string {
	s := m{"Effect": "Allow", "Principal": m{"Service": svc}, "Action": "sts:AssumeRole"}
	return compact(policyDoc(s))
}

func baselineIAM(w *world, a *acct) {
	created := a.JoinedTimestamp.Add(2 * time.Hour)
	mfa := map[string]any{"Bool": m{"aws:MultiFactorAuthPresent": "true"}}
	add := func(name, path, trust string, attached ...string) *role {
		r := &role{name: name, path: path, trust: trust, attached: attached, created: created}
		a.roles = append(a.roles, r)
		return r
	}
	if a.kind != kindManagement {
		add(orgAccessRole, "/", trustAccount(w.mgmt.Id, nil), awsPolicyPrefix+"AdministratorAccess")
	}
	add(breakGlassRole, "/", trustAccount(w.mgmt.Id, mfa), awsPolicyPrefix+"AdministratorAccess")
	// The Audit account's responders open AWS Support cases through the
	// security audit role (CIS 1.17, IAM.18).
	add(securityAuditRole, "/", trustAccount(w.audit.Id, nil), awsPolicyPrefix+"SecurityAudit", awsPolicyPrefix+"job-function/ViewOnlyAccess",
		awsPolicyPrefix+supportAccessPolicy)
	add(ssoAdminRole, "/aws-reserved/sso.amazonaws.com/", trustSAML(w, a), awsPolicyPrefix+"AdministratorAccess")
	add(ssoReadOnlyRole, "/aws-reserved/sso.amazonaws.com/", trustSAML(w, a), awsPolicyPrefix+"ReadOnlyAccess")
	add(configSLR, "/aws-service-role/config.amazonaws.com/", trustService("config.amazonaws.com"), awsPolicyPrefix+"aws-service-role/AWSConfigServiceRolePolicy")
	if a.kind == kindShared {
		add(jumpRole, "/", trustAccount(a.Id, mfa), awsPolicyPrefix+"ReadOnlyAccess")
	}
	switch a.kind {
	case kindManagement:
		// The break-glass IAM user is a plant (breakglass-console-user):
		// with Identity Center in use, CIS 1.21 reports it.
	case kindShared:
		a.groups = append(a.groups, &group{name: "ci", attached: []string{w.policyARN(a, "ci-artifacts-write")}})
		a.policies = append(a.policies, &custPolicy{name: "ci-artifacts-write", doc: policyDoc(
			statement("WriteArtifacts", "Allow", "Action", []string{"s3:PutObject", "s3:GetObject"},
				"Resource", "arn:aws:s3:::kumo-ci-artifacts-"+a.Id+"/*"))})
		// ci-jenkins's key is created during the demo window (a planted
		// CreateAccessKey): see the CloudTrail plan.
		a.users = append(a.users, &user{name: "ci-jenkins", created: a.JoinedTimestamp.AddDate(0, 1, 0), mfa: true,
			virtualMFAID: "ci-jenkins", groups: []string{"ci"},
			keys: []*accessKey{{id: accessKeyID(a.rng, "AKIA"), created: w.at(hCreateAccessKey),
				lastUsed: End.Add(-3 * time.Hour), service: "s3", active: true}}})
	case kindWorkload:
		app := a.system + "-app-access"
		a.policies = append(a.policies, &custPolicy{name: app, doc: policyDoc(
			statement("AppData", "Allow", "Action", []string{"s3:GetObject", "s3:PutObject"},
				"Resource", "arn:aws:s3:::"+w.dataBucket(a)+"/*"),
			statement("AppQueue", "Allow", "Action", []string{"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"},
				"Resource", fmt.Sprintf("arn:aws:sqs:%s:%s:%s-events", w.homeRegion(a), a.Id, a.Name)))})
		add(a.system+"-app", "/", trustService("ec2.amazonaws.com"), w.policyARN(a, app))
		add(a.system+"-deploy", "/", trustGitHub(a), awsPolicyPrefix+"PowerUserAccess")
	}
}

func trustSAML(w *world, a *acct) string {
	s := m{"Effect": "Allow", "Principal": m{"Federated": "arn:aws:iam::" + a.Id + ":saml-provider/AWSSSO_3c7e21d9a4b85f06_DO_NOT_DELETE"},
		"Action":    []string{"sts:AssumeRoleWithSAML", "sts:TagSession"},
		"Condition": m{"StringEquals": m{"SAML:aud": "https://signin.aws.amazon.com/saml"}}}
	return compact(policyDoc(s))
}

func trustGitHub(a *acct) string {
	s := m{"Effect": "Allow", "Principal": m{"Federated": "arn:aws:iam::" + a.Id + ":oidc-provider/token.actions.githubusercontent.com"},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": m{"StringEquals": m{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
			"StringLike": m{"token.actions.githubusercontent.com:sub": "repo:kumo-foods/" + a.system + ":environment:" + a.env}}}
	return compact(policyDoc(s))
}

func (w *world) policyARN(a *acct, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:policy/%s", w.partition, a.Id, name)
}

func (w *world) flowLogBucket() string { return "kumo-vpc-flow-logs-" + w.logArch.Id }

func (w *world) dataBucket(a *acct) string { return "kumo-" + a.Name + "-data-" + a.Id }

// baselineResources creates buckets, networks, keys and workloads.
func baselineResources(w *world, a *acct) {
	home := w.homeRegion(a)
	created := a.JoinedTimestamp.Add(26 * time.Hour)
	switch a.kind {
	case kindManagement:
		w.addBucket(a, "kumo-billing-reports-"+a.Id, w.home, "")
		rr := w.region(a, w.home)
		rr.topics = append(rr.topics, &topic{name: cisAlarmTopic, encrypted: true})
	case kindLogArchive:
		w.addBucket(a, w.trailBkt, w.home, "cloudtrail")
		w.addBucket(a, "kumo-org-config-"+a.Id, w.home, "config")
		w.addBucket(a, w.flowLogBucket(), w.home, "flowlogs")
		w.addKey(a, w.home, "kumo-org-trail", created)
	case kindAudit:
		w.addBucket(a, "kumo-security-findings-"+a.Id, w.home, "")
	case kindShared:
		w.addBucket(a, "kumo-ci-artifacts-"+a.Id, home, "")
		w.addVPC(a, home, 0)
		w.addInstance(a, home, "ci-runner", created)
	case kindNetwork:
		for i, r := range w.regions {
			w.addVPC(a, r, i)
		}
	case kindSandbox:
		w.addBucket(a, "kumo-"+a.Name+"-"+a.Id, home, "")
		w.addVPC(a, home, 0)
	case kindWorkload:
		baselineWorkload(w, a, home, created)
	}
}

func baselineWorkload(w *world, a *acct, home string, created time.Time) {
	w.addBucket(a, w.dataBucket(a), home, "")
	v := w.addVPC(a, home, 0)
	rr := w.region(a, home)
	app := &secGroup{id: ec2ID(a.rng, "sg"), name: a.system + "-app", vpcID: v.id, egress: true, tags: w.tags(a, a.system+"-app"),
		ingress: []sgRule{{proto: "tcp", from: 443, to: 443, cidr: v.cidr, desc: "HTTPS from inside the VPC"}}}
	db := &secGroup{id: ec2ID(a.rng, "sg"), name: a.system + "-db", vpcID: v.id, egress: true, tags: w.tags(a, a.system+"-db"),
		ingress: []sgRule{{proto: "tcp", from: dbPort, to: dbPort, sgRef: app.id, desc: "PostgreSQL from the app tier"}}}
	rr.sgs = append(rr.sgs, app, db)
	inst := w.addInstance(a, home, a.system+"-app", created)
	inst.sgID = app.id
	key := w.addKey(a, home, a.Name+"-data", created)
	rr.dbs = append(rr.dbs, &database{id: a.Name + "-db", encrypted: true, engine: "postgres", kmsKey: key.id,
		created: created, tags: w.tags(a, a.Name+"-db"), port: dbPort, vpcID: v.id, admin: "kumo_admin"})
	rr.eventSubs = append(rr.eventSubs, baselineEventSubs(a)...)
	rr.functions = append(rr.functions, &function{name: a.Name + "-worker", role: w.roleARN(a, a.system+"-app")})
	rr.logGroups = append(rr.logGroups, &logGroup{name: "/aws/lambda/" + a.Name + "-worker", retention: 400, created: created})
	rr.queues = append(rr.queues, a.Name+"-events")
	rr.topics = append(rr.topics, &topic{name: a.Name + "-alerts", encrypted: true})
	// The application's stack notifies its alerts topic; its runbook is
	// a private Automation document.
	rr.stacks = append(rr.stacks, &stack{name: a.Name + "-app", created: created.Add(24 * time.Hour),
		notify: []string{fmt.Sprintf("arn:aws:sns:%s:%s:%s-alerts", home, a.Id, a.Name)}})
	rr.ssmDocs = append(rr.ssmDocs, &ssmDocument{name: a.system + "-restart-app", created: created.Add(48 * time.Hour)})
	rr.secrets = append(rr.secrets, &secret{name: a.Name + "/db-credentials", rotation: true, created: created, kmsKey: key.id})
	rr.repos = append(rr.repos, &repository{name: a.system + "/" + a.Name + "-app", scanOnPush: true, lifecycle: true, created: created})
	baselineWeb(w, a, home, created)
	baselineAnalytics(w, a, home, created)
	baselineBigData(w, a, home, created)
	baselineAPIs(w, a, home, created)
	baselineCompute(w, a, home, created)
	baselineDatastores(w, a, home, created)
	baselineContainers(w, a, home, created)
	baselineEdge(w, a, home, created)
}

func (w *world) tags(a *acct, name string) map[string]string {
	t := map[string]string{"CostCenter": a.Tags["CostCenter"], "Owner": a.owner}
	if name != "" {
		t["Name"] = name
	}
	return t
}

// addBucket adds a bucket with the baseline configuration, and the
// account's access-log bucket for that region when it has none yet.
func (w *world) addBucket(a *acct, name, region, writer string) *bucket {
	logs := "kumo-access-logs-" + a.Id + "-" + region
	if name != logs && w.findBucket(a, logs) == nil {
		// The log bucket logs its own access (under its own prefix):
		// S3.9 makes no exception for log target buckets.
		lb := &bucket{name: logs, region: region, pab: true, versioning: true, logTarget: logs, tags: w.tags(a, ""),
			created: a.JoinedTimestamp.Add(25 * time.Hour)}
		lb.policy = bucketPolicy(w, a, lb.name, "logging")
		a.buckets = append(a.buckets, lb)
	}
	key := w.addKey(a, region, "s3-default", a.JoinedTimestamp.Add(24*time.Hour))
	b := &bucket{name: name, region: region, pab: true, versioning: true, logTarget: logs, tags: w.tags(a, ""),
		kmsKey:  fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", w.partition, region, a.Id, key.id),
		created: a.JoinedTimestamp.Add(26 * time.Hour)}
	b.policy = bucketPolicy(w, a, name, writer)
	a.buckets = append(a.buckets, b)
	return b
}

func (w *world) findBucket(a *acct, name string) *bucket {
	for _, b := range a.buckets {
		if b.name == name {
			return b
		}
	}
	return nil
}

// bucketPolicy is the TLS-only policy, plus the statements a log bucket
// needs for its writer.
func bucketPolicy(w *world, a *acct, name, writer string) string {
	arn := "arn:aws:s3:::" + name
	stmts := []m{statement("DenyInsecureTransport", "Deny", "Principal", "*", "Action", "s3:*",
		"Resource", []string{arn, arn + "/*"}, "Condition", m{"Bool": m{"aws:SecureTransport": "false"}})}
	switch writer {
	case "cloudtrail":
		stmts = append(stmts,
			statement("AWSCloudTrailAclCheck", "Allow", "Principal", m{"Service": "cloudtrail.amazonaws.com"},
				"Action", "s3:GetBucketAcl", "Resource", arn,
				"Condition", m{"StringEquals": m{"aws:SourceArn": w.trailARN}}),
			statement("AWSCloudTrailWrite", "Allow", "Principal", m{"Service": "cloudtrail.amazonaws.com"},
				"Action", "s3:PutObject", "Resource", []string{arn + "/AWSLogs/" + w.mgmt.Id + "/*", arn + "/AWSLogs/" + w.orgID + "/*"},
				"Condition", m{"StringEquals": m{"aws:SourceArn": w.trailARN, "s3:x-amz-acl": "bucket-owner-full-control"}}))
	case "config":
		stmts = append(stmts,
			statement("AWSConfigBucketPermissionsCheck", "Allow", "Principal", m{"Service": "config.amazonaws.com"},
				"Action", []string{"s3:GetBucketAcl", "s3:ListBucket"}, "Resource", arn,
				"Condition", m{"StringEquals": m{"aws:SourceOrgID": w.orgID}}),
			statement("AWSConfigBucketDelivery", "Allow", "Principal", m{"Service": "config.amazonaws.com"},
				"Action", "s3:PutObject", "Resource", arn+"/AWSLogs/*/Config/*",
				"Condition", m{"StringEquals": m{"aws:SourceOrgID": w.orgID, "s3:x-amz-acl": "bucket-owner-full-control"}}))
	case "flowlogs":
		stmts = append(stmts, statement("AWSLogDeliveryWrite", "Allow", "Principal", m{"Service": "delivery.logs.amazonaws.com"},
			"Action", "s3:PutObject", "Resource", arn+"/AWSLogs/*",
			"Condition", m{"StringEquals": m{"aws:SourceOrgID": w.orgID, "s3:x-amz-acl": "bucket-owner-full-control"}}),
			statement("AWSLogDeliveryAclCheck", "Allow", "Principal", m{"Service": "delivery.logs.amazonaws.com"},
				"Action", "s3:GetBucketAcl", "Resource", arn, "Condition", m{"StringEquals": m{"aws:SourceOrgID": w.orgID}}))
	case "logging":
		stmts = append(stmts, statement("S3ServerAccessLogsPolicy", "Allow", "Principal", m{"Service": "logging.s3.amazonaws.com"},
			"Action", "s3:PutObject", "Resource", arn+"/*",
			"Condition", m{"StringEquals": m{"aws:SourceAccount": a.Id}}))
	}
	return compact(policyDoc(stmts...))
}

// addKey returns the account's customer-managed key with this alias in
// region, creating it (rotation on) when absent.
func (w *world) addKey(a *acct, region, alias string, created time.Time) *kmsKey {
	rr := w.region(a, region)
	for _, k := range rr.keys {
		if k.alias == alias {
			return k
		}
	}
	k := &kmsKey{id: uuid(a.rng), alias: alias, rotation: true, created: created}
	rr.keys = append(rr.keys, k)
	return k
}

// addVPC adds a VPC with flow logs, a closed default security group and a
// default network ACL that denies SSH and RDP from anywhere.
func (w *world) addVPC(a *acct, region string, n int) *vpc {
	rr := w.region(a, region)
	v := &vpc{id: ec2ID(a.rng, "vpc"), cidr: fmt.Sprintf("10.%d.0.0/16", (a.index*4+n)%250+1),
		flowLogs: true, naclID: ec2ID(a.rng, "acl"), tags: w.tags(a, a.Name+"-"+region)}
	v.subnets = []string{ec2ID(a.rng, "subnet"), ec2ID(a.rng, "subnet")}
	rr.vpcs = append(rr.vpcs, v)
	rr.sgs = append(rr.sgs, &secGroup{id: ec2ID(a.rng, "sg"), name: "default", vpcID: v.id, isDef: true, tags: w.tags(a, "")})
	return v
}

func (w *world) addInstance(a *acct, region, name string, launched time.Time) *instance {
	rr := w.region(a, region)
	v := rr.vpcs[0]
	var sg string
	for _, g := range rr.sgs {
		if !g.isDef && g.vpcID == v.id {
			sg = g.id
		}
	}
	if sg == "" {
		g := &secGroup{id: ec2ID(a.rng, "sg"), name: name, vpcID: v.id, egress: true, tags: w.tags(a, name)}
		rr.sgs = append(rr.sgs, g)
		sg = g.id
	}
	in := &instance{id: ec2ID(a.rng, "i"), imdsV2: true, sgID: sg, subnet: v.subnets[0], vpcID: v.id,
		profile: fmt.Sprintf("arn:%s:iam::%s:instance-profile/%s", w.partition, a.Id, name), launched: launched,
		tags: w.tags(a, name), privateIP: fmt.Sprintf("%s.%d.%d", strings.TrimSuffix(v.cidr, ".0.0/16"), 1+a.rng.IntN(3), 10+a.rng.IntN(200))}
	rr.instances = append(rr.instances, in)
	return in
}
