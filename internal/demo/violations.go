package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// globalRegion is the planted.json region of global settings (IAM,
// account-level S3 settings, alternate contacts), as in snapshot paths.
const globalRegion = "global"

// plant breaks one thing in one account on purpose and returns the
// violations it causes: every AWS Config managed rule of the demo's rule
// set that the broken resource fails.
type plant struct {
	// workload is set when the plant needs a workload account's resources.
	workload bool
	fn       func(w *world, a *acct) []violation
}

func v(a *acct, region, arn string, rules ...string) []violation {
	out := make([]violation, len(rules))
	for i, r := range rules {
		out[i] = violation{ConfigRule: r, Account: a.Id, Region: region, ResourceArn: arn}
	}
	return out
}

func rootARN(a *acct) string { return "arn:aws:iam::" + a.Id + ":root" }

var plants = map[string]plant{
	"root-no-mfa": {fn: func(w *world, a *acct) []violation {
		a.rootMFA = "none"
		return v(a, globalRegion, rootARN(a), "ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED")
	}},
	"root-virtual-mfa": {fn: func(w *world, a *acct) []violation {
		a.rootMFA = "virtual"
		return v(a, globalRegion, rootARN(a), "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED")
	}},
	"root-access-key": {fn: func(w *world, a *acct) []violation {
		a.rootKey = true
		return v(a, globalRegion, rootARN(a), "IAM_ROOT_ACCESS_KEY_CHECK")
	}},
	"console-user-no-mfa": {fn: func(w *world, a *acct) []violation {
		ensureGroup(a, "developers", awsPolicyPrefix+"ReadOnlyAccess")
		u := &user{name: "tanaka.dev", created: End.AddDate(0, -5, 0), console: true, pwdLastUsed: End.AddDate(0, 0, -2),
			groups: []string{"developers"}}
		a.users = append(a.users, u)
		return v(a, globalRegion, userARN(a, u.name), "IAM_USER_MFA_ENABLED", "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", "iam.users-managed-centrally")
	}},
	"old-access-key": {fn: func(w *world, a *acct) []violation {
		ensureGroup(a, "ci", awsPolicyPrefix+"AWSCodeArtifactReadOnlyAccess")
		u := &user{name: "ci-legacy-deployer", created: End.AddDate(-2, 0, 0), mfa: true, virtualMFAID: "ci-legacy-deployer",
			groups: []string{"ci"}, keys: []*accessKey{{id: accessKeyID(a.rng, "AKIA"), created: End.AddDate(0, 0, -412),
				lastUsed: End.Add(-20 * time.Hour), service: "sts", active: true}}}
		a.users = append(a.users, u)
		return v(a, globalRegion, userARN(a, u.name), "ACCESS_KEYS_ROTATED")
	}},
	"unused-credentials": {fn: func(w *world, a *acct) []violation {
		ensureGroup(a, "contractors", awsPolicyPrefix+"ReadOnlyAccess")
		u := &user{name: "contractor-kim", created: End.AddDate(-1, 0, 0), console: true, mfa: true,
			pwdLastUsed: End.AddDate(0, 0, -187), groups: []string{"contractors"}}
		a.users = append(a.users, u)
		return v(a, globalRegion, userARN(a, u.name), "IAM_USER_UNUSED_CREDENTIALS_CHECK", "iam.users-managed-centrally")
	}},
	"weak-password-policy": {fn: func(w *world, a *acct) []violation {
		a.strongPwd = false
		return v(a, globalRegion, a.Arn, "IAM_PASSWORD_POLICY")
	}},
	"admin-policy": {workload: true, fn: func(w *world, a *acct) []violation {
		name := a.system + "-ops-admin"
		a.policies = append(a.policies, &custPolicy{name: name, doc: policyDoc(statement("OpsEverything", "Allow", "Action", "*", "Resource", "*"))})
		a.roles = append(a.roles, &role{name: a.system + "-ops", path: "/", trust: trustAccount(a.Id, nil),
			attached: []string{w.policyARN(a, name)}, created: End.AddDate(0, -3, 0)})
		return v(a, globalRegion, w.policyARN(a, name), "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS")
	}},
	"inline-policy": {workload: true, fn: func(w *world, a *acct) []violation {
		r := &role{name: a.system + "-batch", path: "/", trust: trustService("ecs-tasks.amazonaws.com"), created: End.AddDate(0, -2, 0),
			inline: map[string]string{"batch-inline": compact(policyDoc(statement("ReadData", "Allow", "Action", "s3:GetObject",
				"Resource", "arn:aws:s3:::"+w.dataBucket(a)+"/*")))}}
		a.roles = append(a.roles, r)
		return v(a, globalRegion, w.roleARN(a, r.name), "IAM_NO_INLINE_POLICY_CHECK")
	}},
	"public-bucket": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		a.noAccountPAB = true
		b := w.addBucket(a, "kumo-"+a.Name+"-public-assets-"+a.Id, home, "")
		b.pab = false
		arn := "arn:aws:s3:::" + b.name
		b.policy = compact(policyDoc(
			statement("DenyInsecureTransport", "Deny", "Principal", "*", "Action", "s3:*", "Resource", []string{arn, arn + "/*"},
				"Condition", m{"Bool": m{"aws:SecureTransport": "false"}}),
			statement("PublicRead", "Allow", "Principal", "*", "Action", "s3:GetObject", "Resource", arn+"/*")))
		out := v(a, home, arn, "S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED")
		return append(out, v(a, globalRegion, a.Arn, "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS", "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC")...)
	}},
	"bucket-no-tls": {fn: func(w *world, a *acct) []violation {
		b := w.addBucket(a, "kumo-"+a.Name+"-scratch-"+a.Id, w.homeRegion(a), "")
		b.policy = ""
		return v(a, b.region, "arn:aws:s3:::"+b.name, "S3_BUCKET_SSL_REQUESTS_ONLY")
	}},
	"bucket-no-versioning": {workload: true, fn: func(w *world, a *acct) []violation {
		b := w.findBucket(a, w.dataBucket(a))
		b.versioning = false
		// MFA delete and replication exist only on versioned buckets.
		return v(a, b.region, "arn:aws:s3:::"+b.name, "S3_BUCKET_VERSIONING_ENABLED", "s3.bucket-mfa-delete", "S3_BUCKET_REPLICATION_ENABLED")
	}},
	"bucket-no-mfa-delete": {workload: true, fn: func(w *world, a *acct) []violation {
		b := w.findBucket(a, w.dataBucket(a))
		b.noMFADelete = true
		return v(a, b.region, "arn:aws:s3:::"+b.name, "s3.bucket-mfa-delete")
	}},
	"no-support-role": {fn: func(w *world, a *acct) []violation {
		for _, r := range a.roles {
			if r.name == securityAuditRole {
				kept := r.attached[:0]
				for _, p := range r.attached {
					if p != awsPolicyPrefix+supportAccessPolicy {
						kept = append(kept, p)
					}
				}
				r.attached = kept
			}
		}
		return v(a, globalRegion, a.Arn, "IAM_POLICY_IN_USE")
	}},
	"expired-server-certificate": {fn: func(w *world, a *acct) []violation {
		c := &serverCert{name: "partner-api-2024", uploaded: End.AddDate(-2, 0, -20), expires: End.AddDate(0, -3, -11)}
		a.serverCerts = append(a.serverCerts, c)
		return v(a, globalRegion, "arn:aws:iam::"+a.Id+":server-certificate/"+c.name, "iam.server-certificates-not-expired")
	}},
	"bucket-no-lifecycle": {workload: true, fn: func(w *world, a *acct) []violation {
		b := w.findBucket(a, w.dataBucket(a))
		b.noLifecycle = true
		return v(a, b.region, "arn:aws:s3:::"+b.name, "S3_LIFECYCLE_POLICY_CHECK", "S3_VERSION_LIFECYCLE_POLICY_CHECK")
	}},
	"bucket-no-replication": {workload: true, fn: func(w *world, a *acct) []violation {
		b := w.findBucket(a, w.dataBucket(a))
		b.noReplication = true
		return v(a, b.region, "arn:aws:s3:::"+b.name, "S3_BUCKET_REPLICATION_ENABLED")
	}},
	"bucket-no-event-notifications": {workload: true, fn: func(w *world, a *acct) []violation {
		b := w.findBucket(a, w.dataBucket(a))
		b.noEvents = true
		return v(a, b.region, "arn:aws:s3:::"+b.name, "S3_EVENT_NOTIFICATIONS_ENABLED")
	}},
	"ssm-unmanaged-instance": {workload: true, fn: func(w *world, a *acct) []violation {
		return ssmPlant(w, a, func(rr *regionRes) map[string]bool { return rr.ssmUnmanaged }, "EC2_INSTANCE_MANAGED_BY_SSM")
	}},
	"ssm-patch-noncompliant": {workload: true, fn: func(w *world, a *acct) []violation {
		return ssmPlant(w, a, func(rr *regionRes) map[string]bool { return rr.patchFailing }, "EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK")
	}},
	"ssm-association-noncompliant": {workload: true, fn: func(w *world, a *acct) []violation {
		return ssmPlant(w, a, func(rr *regionRes) map[string]bool { return rr.associationFailing }, "EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK")
	}},
	"ssm-public-document": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		d := w.region(a, home).ssmDocs[0]
		d.public = true
		return v(a, home, fmt.Sprintf("arn:aws:ssm:%s:%s:document/%s", home, a.Id, d.name), "SSM_DOCUMENT_NOT_PUBLIC")
	}},
	"cfn-no-notifications": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		s := &stack{name: a.Name + "-reporting", created: End.AddDate(0, -4, 0)}
		w.region(a, home).stacks = append(w.region(a, home).stacks, s)
		return v(a, home, stackARN(a, home, s.name), "CLOUDFORMATION_STACK_NOTIFICATION_CHECK")
	}},
	"sns-no-delivery-logging": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		t := w.region(a, home).topics[0]
		t.noDeliveryLog = true
		return v(a, home, fmt.Sprintf("arn:aws:sns:%s:%s:%s", home, a.Id, t.name), "SNS_TOPIC_MESSAGE_DELIVERY_NOTIFICATION_ENABLED")
	}},
	"bucket-no-tags": {fn: func(w *world, a *acct) []violation {
		b := w.addBucket(a, "kumo-"+a.Name+"-experiments-"+a.Id, w.homeRegion(a), "")
		b.tags = nil
		return v(a, b.region, "arn:aws:s3:::"+b.name, "REQUIRED_TAGS")
	}},
	"ssh-open": {workload: true, fn: func(w *world, a *acct) []violation {
		return openSG(w, a, "bastion-ssh", 22, "INCOMING_SSH_DISABLED", "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
			"ec2.sg-high-risk-ports-restricted", "EC2_SECURITY_GROUP_ATTACHED_TO_ENI_PERIODIC")
	}},
	"mysql-open": {workload: true, fn: func(w *world, a *acct) []violation {
		return openSG(w, a, "db-debug", 3306, "RESTRICTED_INCOMING_TRAFFIC", "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
			"ec2.sg-high-risk-ports-restricted", "EC2_SECURITY_GROUP_ATTACHED_TO_ENI_PERIODIC")
	}},
	"default-sg-open": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		for _, g := range w.region(a, home).sgs {
			if g.isDef {
				g.ingress = []sgRule{{proto: "-1", sgRef: g.id}}
				g.egress = true
				return v(a, home, sgARN(a, home, g.id), "VPC_DEFAULT_SECURITY_GROUP_CLOSED")
			}
		}
		return nil
	}},
	"no-flow-logs": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		vp := w.region(a, home).vpcs[0]
		vp.flowLogs = false
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:vpc/%s", home, a.Id, vp.id), "VPC_FLOW_LOGS_ENABLED")
	}},
	"ebs-default-off": {fn: func(w *world, a *acct) []violation {
		r := w.otherRegion(a)
		w.region(a, r).ebsDefault = false
		return v(a, r, a.Arn, "EC2_EBS_ENCRYPTION_BY_DEFAULT")
	}},
	"imdsv1": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		in := w.region(a, home).instances[0]
		in.imdsV2 = false
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", home, a.Id, in.id), "EC2_IMDSV2_CHECK")
	}},
	"unencrypted-volume": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		in := w.region(a, home).instances[0]
		in.plainVolume = true
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:volume/%s", home, a.Id, volumeID(in)), "ENCRYPTED_VOLUMES")
	}},
	"rds-public": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		db := w.region(a, home).dbs[0]
		db.public = true
		return v(a, home, dbARN(a, home, db.id), "RDS_INSTANCE_PUBLIC_ACCESS_CHECK")
	}},
	"rds-unencrypted": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		db := w.region(a, home).dbs[0]
		db.encrypted, db.kmsKey = false, ""
		return v(a, home, dbARN(a, home, db.id), "RDS_STORAGE_ENCRYPTED")
	}},
	"rds-snapshot-public": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		s := &dbSnapshot{id: rr.dbs[0].id + "-before-migration", db: rr.dbs[0].id, public: true}
		rr.dbSnapshots = append(rr.dbSnapshots, s)
		return v(a, home, fmt.Sprintf("arn:aws:rds:%s:%s:snapshot:%s", home, a.Id, s.id), "RDS_SNAPSHOTS_PUBLIC_PROHIBITED", "RDS_SNAPSHOT_ENCRYPTED")
	}},
	"kms-no-rotation": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		k := w.addKey(a, home, a.Name+"-data", End)
		k.rotation = false
		return v(a, home, keyARN(a, home, k.id), "CMK_BACKING_KEY_ROTATION_ENABLED")
	}},
	"kms-pending-deletion": {fn: func(w *world, a *acct) []violation {
		r := w.otherRegion(a)
		k := w.addKey(a, r, a.Name+"-legacy", a.JoinedTimestamp.Add(48*time.Hour))
		k.deletion = w.at(hScheduleDeletion).AddDate(0, 0, 30)
		return v(a, r, keyARN(a, r, k.id), "KMS_CMK_NOT_SCHEDULED_FOR_DELETION")
	}},
	"legacy-trail": {fn: func(w *world, a *acct) []violation {
		r := "us-west-2"
		b := w.addBucket(a, "kumo-legacy-trail-"+a.Id, r, "")
		a.extraTrail = &extraTrail{name: "kumo-legacy-audit-trail", region: r, bucket: b.name}
		arn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", r, a.Id, a.extraTrail.name)
		return v(a, r, arn, "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "CLOUD_TRAIL_ENCRYPTION_ENABLED")
	}},
	"guardduty-off": {fn: func(w *world, a *acct) []violation {
		r := "ap-northeast-1"
		w.region(a, r).guardDuty = false
		return v(a, r, a.Arn, "GUARDDUTY_ENABLED_CENTRALIZED")
	}},
	"securityhub-off": {fn: func(w *world, a *acct) []violation {
		r := w.otherRegion(a)
		w.region(a, r).securityHub = false
		return v(a, r, a.Arn, "SECURITYHUB_ENABLED")
	}},
	"no-security-contact": {fn: func(w *world, a *acct) []violation {
		a.noSecContact = true
		return v(a, globalRegion, a.Arn, "SECURITY_ACCOUNT_INFORMATION_PROVIDED")
	}},
	"breakglass-console-user": {fn: func(w *world, a *acct) []violation {
		a.groups = append(a.groups, &group{name: "BreakGlass", attached: []string{awsPolicyPrefix + "AdministratorAccess"}})
		u := &user{name: "breakglass-admin", created: a.JoinedTimestamp.Add(2 * time.Hour), console: true, mfa: true,
			pwdLastUsed: End.AddDate(0, 0, -41), groups: []string{"BreakGlass"}}
		a.users = append(a.users, u)
		return v(a, globalRegion, userARN(a, u.name), "iam.users-managed-centrally")
	}},
	"contact-incomplete": {fn: func(w *world, a *acct) []violation {
		a.noContactPhone = true
		return v(a, globalRegion, a.Arn, "account.contact-information-complete")
	}},
	"macie-off": {fn: func(w *world, a *acct) []violation {
		r := w.homeRegion(a)
		w.region(a, r).macieOff = true
		return v(a, r, a.Arn, "macie.enabled")
	}},
	"lambda-public": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		f := &function{name: a.Name + "-webhook", public: true, role: w.roleARN(a, a.system+"-app")}
		rr := w.region(a, home)
		rr.functions = append(rr.functions, f)
		return v(a, home, fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", home, a.Id, f.name), "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED")
	}},
	"sns-unencrypted": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		t := w.region(a, home).topics[0]
		t.encrypted = false
		return v(a, home, fmt.Sprintf("arn:aws:sns:%s:%s:%s", home, a.Id, t.name), "SNS_ENCRYPTED_KMS")
	}},
	"ecr-no-scan": {workload: true, fn: func(w *world, a *acct) []violation {
		r := appRepository(w, a)
		r.scanOnPush = false
		return v(a, w.homeRegion(a), repositoryARN(a, w.homeRegion(a), r.name), "ECR_PRIVATE_IMAGE_SCANNING_ENABLED")
	}},
	"ecr-mutable-tags": {workload: true, fn: func(w *world, a *acct) []violation {
		r := appRepository(w, a)
		r.mutable = true
		return v(a, w.homeRegion(a), repositoryARN(a, w.homeRegion(a), r.name), "ECR_PRIVATE_TAG_IMMUTABILITY_ENABLED")
	}},
	"ecr-no-lifecycle": {workload: true, fn: func(w *world, a *acct) []violation {
		r := appRepository(w, a)
		r.lifecycle = false
		return v(a, w.homeRegion(a), repositoryARN(a, w.homeRegion(a), r.name), "ECR_PRIVATE_LIFECYCLE_POLICY_CONFIGURED")
	}},
	"logs-short-retention": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		g := w.region(a, home).logGroups[0]
		g.retention = 30
		return v(a, home, logGroupARN(a, home, g.name), "CW_LOGGROUP_RETENTION_PERIOD_CHECK")
	}},
	"cis-no-organizations-alarm": {fn: func(w *world, a *acct) []violation {
		// The organization trail's log group lacks the Organizations
		// changes filter: every account the trail covers fails 4.15.
		w.cisOmitted = map[string]bool{"organizations-changes": true}
		var out []violation
		for _, b := range w.accounts {
			if b.suspended {
				continue // not audited
			}
			out = append(out, v(b, globalRegion, b.Arn, "cloudwatch.alarm-organizations-changes")...)
		}
		return out
	}},
	"elb-http-forward": {workload: true, fn: func(w *world, a *acct) []violation {
		lb := webLoadBalancer(w, a)
		lb.httpForwards = true
		return v(a, w.homeRegion(a), loadBalancerARN(a, w.homeRegion(a), lb.name), "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK")
	}},
	"elb-classic-single-zone-balancing": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		lb := &classicLB{name: a.Name + "-legacy-api", certARN: webLoadBalancer(w, a).certARN, created: End.AddDate(-3, 0, 0)}
		w.region(a, home).clbs = append(w.region(a, home).clbs, lb)
		return v(a, home, classicARN(a, home, lb.name), "ELB_CROSS_ZONE_LOAD_BALANCING_ENABLED")
	}},
	"acm-expiring": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		c := &certificate{domain: "partners." + a.Name + "." + companyDomain, imported: true, created: End.AddDate(-1, 0, 0), notAfter: End.AddDate(0, 0, 9)}
		w.region(a, home).certs = append(w.region(a, home).certs, c)
		return v(a, home, certificateARN(a, home, c.domain), "ACM_CERTIFICATE_EXPIRATION_CHECK")
	}},
	"redshift-public": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		c := w.region(a, home).an.clusters[0]
		c.public = true
		return v(a, home, redshiftClusterARN(a, home, c.id), "REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK")
	}},
	"opensearch-public": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		d := w.region(a, home).an.domains[0]
		d.public = true
		return v(a, home, openSearchDomainARN(a, home, d.name), "OPENSEARCH_IN_VPC_ONLY")
	}},
	"apigw-no-waf": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		api := w.region(a, home).an.rest[0]
		api.noWAF = true
		return v(a, home, restStageARN(home, apiID(a, api.name)), "API_GW_ASSOCIATED_WITH_WAF")
	}},
	"apigw-open-route": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		api := w.region(a, home).an.http[0]
		api.openRoute = true
		return v(a, home, httpRouteARN(home, apiID(a, api.name), openEventsRoute(a, api)), "API_GWV2_AUTHORIZATION_TYPE_CONFIGURED")
	}},
	"secret-no-rotation": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		s := &secret{name: a.Name + "/partner-api-key", created: End.AddDate(0, 0, -20), kmsKey: rr.secrets[0].kmsKey}
		rr.secrets = append(rr.secrets, s)
		return v(a, home, secretARN(a, home, s.name), "SECRETSMANAGER_ROTATION_ENABLED_CHECK")
	}},
}

// kumoPlants is where the embedded organization breaks its baseline.
var kumoPlants = []struct{ account, plant string }{
	{"sandbox-ben", "root-no-mfa"},
	{"sandbox-ayaka", "contact-incomplete"},
	{"kumo-management", "breakglass-console-user"},
	{"loyalty-dev", "macie-off"},
	{"sandbox-ayaka", "root-access-key"},
	{"orders-dev", "console-user-no-mfa"},
	{"payments-staging", "old-access-key"},
	{"shared-services", "unused-credentials"},
	{"loyalty-staging", "weak-password-policy"},
	{"orders-prod", "admin-policy"},
	{"loyalty-prod", "inline-policy"},
	{"loyalty-prod", "public-bucket"},
	{"orders-dev", "bucket-no-tls"},
	{"payments-dev", "bucket-no-versioning"},
	{"sandbox-ayaka", "bucket-no-tags"},
	{"payments-dev", "ssh-open"},
	{"orders-staging", "mysql-open"},
	{"orders-prod", "default-sg-open"},
	{"loyalty-staging", "no-flow-logs"},
	{"payments-dev", "ebs-default-off"},
	{"orders-dev", "imdsv1"},
	{"payments-prod", "unencrypted-volume"},
	{"payments-staging", "rds-public"},
	{"loyalty-dev", "rds-unencrypted"},
	{"orders-staging", "rds-snapshot-public"},
	{"payments-prod", "kms-no-rotation"},
	{"loyalty-staging", "kms-pending-deletion"},
	{"kumo-management", "legacy-trail"},
	{"sandbox-ben", "guardduty-off"},
	{"loyalty-dev", "securityhub-off"},
	{"orders-staging", "no-security-contact"},
	{"loyalty-prod", "lambda-public"},
	{"payments-prod", "sns-unencrypted"},
	{"orders-prod", "secret-no-rotation"},
	{"orders-staging", "ecr-no-scan"},
	{"loyalty-dev", "ecr-mutable-tags"},
	{"payments-prod", "ecr-no-lifecycle"},
	{"orders-dev", "elb-http-forward"},
	{"loyalty-prod", "acm-expiring"},
	{"payments-staging", "elb-classic-single-zone-balancing"},
	{"kumo-management", "cis-no-organizations-alarm"},
	{"orders-prod", "logs-short-retention"},
	{"payments-prod", "redshift-public"},
	{"orders-prod", "opensearch-public"},
	{"loyalty-staging", "apigw-no-waf"},
	{"payments-prod", "apigw-open-route"},
	{"loyalty-prod", "edge-cf-http-no-root"},
	{"payments-prod", "edge-waf-no-logging"},
	{"orders-prod", "edge-waf-empty-cloudfront-acl"},
	{"shared-services", "edge-waf-classic-empty-acl"},
	{"loyalty-staging", "edge-waf-regional-rule-no-condition"},
	{"loyalty-dev", "bucket-no-mfa-delete"},
	{"sandbox-ben", "no-support-role"},
	{"orders-staging", "sns-no-delivery-logging"},
	{"payments-dev", "expired-server-certificate"},
	{"orders-prod", "bucket-no-lifecycle"},
	{"loyalty-staging", "bucket-no-replication"},
	{"payments-prod", "bucket-no-event-notifications"},
	{"loyalty-dev", "ssm-unmanaged-instance"},
	{"orders-staging", "ssm-patch-noncompliant"},
	{"payments-staging", "ssm-association-noncompliant"},
	{"orders-dev", "ssm-public-document"},
	{"loyalty-prod", "cfn-no-notifications"},
}

// laterPlants are kept out of synthetic organizations, so that those stay
// as they were.
var laterPlants = map[string]bool{"bucket-no-mfa-delete": true, "no-support-role": true, "sns-no-delivery-logging": true,
	"expired-server-certificate": true, "bucket-no-lifecycle": true, "bucket-no-replication": true, "bucket-no-event-notifications": true,
	"ssm-unmanaged-instance": true, "ssm-patch-noncompliant": true, "ssm-association-noncompliant": true, "ssm-public-document": true,
	"cfn-no-notifications": true}

// ssmPlant marks the first instance of the account's home region in the
// set pick returns and returns the violation of rule on it.
func ssmPlant(w *world, a *acct, pick func(rr *regionRes) map[string]bool, rule string) []violation {
	home := w.homeRegion(a)
	rr := w.region(a, home)
	if rr.ssmUnmanaged == nil {
		rr.ssmUnmanaged, rr.patchFailing, rr.associationFailing = map[string]bool{}, map[string]bool{}, map[string]bool{}
	}
	in := rr.instances[0]
	pick(rr)[in.id] = true
	return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", home, a.Id, in.id), rule)
}

// syntheticRate is the share of workload accounts of a synthetic
// organization that get one planted violation.
const syntheticRate = 0.15

// plantViolations applies the plants and records them in planted.json.
func plantViolations(w *world) {
	if w.opt.Accounts == 0 {
		for _, kp := range kumoPlants {
			a := w.byName[kp.account]
			w.planted.Violations = append(w.planted.Violations, plants[kp.plant].fn(w, a)...)
		}
	} else {
		names := make([]string, 0, len(plants))
		for n := range plants {
			if keptOutOfSynthetic[n] {
				continue
			}
			if n != "legacy-trail" && n != "unencrypted-volume" && !strings.HasPrefix(n, "ecr-") && !strings.HasPrefix(n, "cis-") && !strings.HasPrefix(n, "logs-") && !strings.HasPrefix(n, "elb-") && !strings.HasPrefix(n, "acm-") && !laterPlants[n] && !strings.HasPrefix(n, "net-") && !strings.HasPrefix(n, "edge-") && !strings.HasPrefix(n, "data-") && !strings.HasPrefix(n, "redshift-") && !strings.HasPrefix(n, "opensearch-") && !strings.HasPrefix(n, "apigw-") && !strings.HasPrefix(n, "compute-") { // kept out so synthetic organizations stay as they were
				names = append(names, n)
			}
		}
		sort.Strings(names)
		r := newRand(w.opt.Seed, 1<<41)
		for _, a := range w.accounts {
			if a.kind != kindWorkload || r.Float64() >= syntheticRate {
				continue
			}
			p := plants[names[r.IntN(len(names))]]
			w.planted.Violations = append(w.planted.Violations, p.fn(w, a)...)
		}
	}
	sort.SliceStable(w.planted.Violations, func(i, j int) bool {
		x, y := w.planted.Violations[i], w.planted.Violations[j]
		if x.Account != y.Account {
			return x.Account < y.Account
		}
		if x.ResourceArn != y.ResourceArn {
			return x.ResourceArn < y.ResourceArn
		}
		return x.ConfigRule < y.ConfigRule
	})
}

func ensureGroup(a *acct, name, policy string) {
	for _, g := range a.groups {
		if g.name == name {
			return
		}
	}
	a.groups = append(a.groups, &group{name: name, attached: []string{policy}})
}

func userARN(a *acct, name string) string { return "arn:aws:iam::" + a.Id + ":user/" + name }

func sgARN(a *acct, region, id string) string {
	return fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", region, a.Id, id)
}

func dbARN(a *acct, region, id string) string {
	return fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region, a.Id, id)
}

func keyARN(a *acct, region, id string) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, a.Id, id)
}

func secretARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", region, a.Id, name, secretSuffix(a.Id+name))
}

// secretSuffix is the six random characters AWS appends to secret ARNs,
// derived from the name so that every reference agrees.
func secretSuffix(s string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	out := make([]byte, 6)
	for i := range out {
		out[i] = alpha[h%uint32(len(alpha))]
		h = h/uint32(len(alpha)) + uint32(i)*2654435761
	}
	return string(out)
}

// otherRegion is an allowed region that is not the account's home.
func (w *world) otherRegion(a *acct) string {
	home := w.homeRegion(a)
	if home == "us-west-2" {
		return "ap-northeast-1"
	}
	return "us-west-2"
}

// openSG adds a security group open to the world on port, in the home
// region, attached to nothing.
func openSG(w *world, a *acct, name string, port int32, rules ...string) []violation {
	home := w.homeRegion(a)
	rr := w.region(a, home)
	g := &secGroup{id: ec2ID(a.rng, "sg"), name: name, vpcID: rr.vpcs[0].id, egress: true, tags: w.tags(a, name),
		ingress: []sgRule{{proto: "tcp", from: port, to: port, cidr: "0.0.0.0/0", desc: "temporary"}}}
	rr.sgs = append(rr.sgs, g)
	return v(a, home, sgARN(a, home, g.id), rules...)
}

// appRepository is the application repository of a workload account.
func appRepository(w *world, a *acct) *repository {
	return w.region(a, w.homeRegion(a)).repos[0]
}

func repositoryARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", region, a.Id, name)
}
