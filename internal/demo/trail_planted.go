package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Planted times, in hours after the start of a 72-hour window; a
// shorter or longer demo scales them (see at).
const (
	hOpenSSH          = 10.3
	hStopLogging      = 14.6
	hDeleteTrail      = 20.1
	hFailedLogin      = 25.3
	hLoginNoMFA       = 25.4
	hRootLogin        = 31.0
	hCreateAccessKey  = 33.2
	hAssumeChain      = 40.0
	hExternalAssume   = 44.5
	hLeaveOrg         = 50.2
	hDetachSCP        = 52.0
	hPublicBucket     = 55.7
	hScheduleDeletion = 58.9
	hDeleteDetector   = 61.2
	hStopRecorder     = 65.0
)

// externalAccount is a vendor's account outside the organization.
const externalAccount = "999988887777"

// Detection ids of the built-in pack that the planted events exercise.
const (
	detSGOpenWorld      = "ec2-security-group-open-to-world"
	detStopLogging      = "cloudtrail-stop-logging"
	detDeleteTrail      = "cloudtrail-delete-trail"
	detLoginNoMFA       = "console-login-without-mfa"
	detLoginFailed      = "console-login-failure"
	detRoot             = "root-user-activity"
	detCreateAccessKey  = "iam-create-access-key"
	detRoleChain        = "sts-cross-account-role-chain"
	detExternalAssume   = "sts-assume-role-from-outside-org"
	detLeaveOrg         = "organizations-leave-organization"
	detDetachSCP        = "organizations-scp-detached"
	detPublicBucket     = "s3-bucket-policy-public"
	detScheduleDeletion = "kms-schedule-key-deletion"
	detDeleteDetector   = "guardduty-detector-deleted"
	detStopRecorder     = "config-recorder-stopped"
	detSGChanged        = "ec2-security-group-changed"
	detAccessKeyOther   = "iam-create-access-key-for-other-user"
	detConfigNonCompl   = "config-rule-noncompliant"
)

// at maps a planted time (hours of a 72-hour window) onto the demo window.
func (w *world) at(h float64) time.Time {
	window := End.Sub(w.start)
	return w.start.Add(time.Duration(h / 72 * float64(window))).Truncate(time.Second)
}

// pick returns the named account, or else the nth account of a kind (for
// synthetic organizations, whose names differ).
func (w *world) pick(name, kind string, n int) *acct {
	if a := w.byName[name]; a != nil {
		return a
	}
	for _, a := range w.accounts {
		if a.kind == kind && !a.suspended {
			if n == 0 {
				return a
			}
			n--
		}
	}
	return w.mgmt
}

const scpDenyMessage = "with an explicit deny in a service control policy"

type plantedRec struct {
	rec       *record
	detection string // "" when not a detection
}

// plantedEvents builds the security events planted in the trail, by
// account id, and lists the detections in planted.json.
func plantedEvents(w *world) map[string][]*record {
	r := newRand(w.opt.Seed, 1<<42)
	var all []plantedRec
	add := func(det string, recs ...*record) {
		for i, rec := range recs {
			d := ""
			if i == 0 {
				d = det
			}
			all = append(all, plantedRec{rec: rec, detection: d})
		}
	}
	add(detSGOpenWorld+"|"+detSGChanged, openSSHEvent(w, r))
	add(detStopLogging, stopLoggingEvents(w, r)...)
	add(detDeleteTrail, deleteTrailEvent(w, r))
	login := consoleLogins(w, r)
	add(detLoginFailed, login[0])
	add(detLoginNoMFA, login[1])
	add(detRoot, rootLogin(w, r))
	add(detCreateAccessKey+"|"+detAccessKeyOther, createAccessKeyEvent(w, r))
	chain := roleChain(w, r)
	add("", chain[:3]...)
	add(detRoleChain, chain[3])
	add(detExternalAssume, externalAssume(w, r))
	add(detLeaveOrg, leaveOrg(w, r))
	add(detDetachSCP, detachSCP(w, r)...)
	add(detPublicBucket, publicBucketPolicy(w, r))
	add(detScheduleDeletion, scheduleKeyDeletion(w, r))
	add(detDeleteDetector, deleteDetector(w, r))
	add(detStopRecorder, stopRecorder(w, r))
	out := map[string][]*record{}
	for _, p := range all {
		out[p.rec.RecipientAccountID] = append(out[p.rec.RecipientAccountID], p.rec)
		for _, id := range strings.Split(p.detection, "|") {
			if id != "" {
				w.planted.Detections = append(w.planted.Detections, detection{EventName: p.rec.EventName, EventID: p.rec.EventID, DetectionID: id})
			}
		}
	}
	return out
}

func adminSession(w *world, r *rand.Rand, a *acct, person string, at time.Time) principal {
	p := ssoPrincipal(r, a, true, person, at)
	p.userAgent = consoleUA
	p.console = true
	return p
}

func openSSHEvent(w *world, r *rand.Rand) *record {
	a := w.pick("payments-dev", kindWorkload, 2)
	region := w.homeRegion(a)
	at := w.at(hOpenSSH)
	sg := "sg-0" + a.Id + "5eb1"
	for _, g := range w.region(a, region).sgs {
		if g.name == "bastion-ssh" {
			sg = g.id
		}
	}
	rec := newRecord(r, a, adminSession(w, r, a, "kenji.ito", at), at, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", region, false)
	rec.RequestParameters = map[string]any{"groupId": sg, "ipPermissions": map[string]any{"items": []any{map[string]any{
		"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": map[string]any{},
		"ipRanges":   map[string]any{"items": []any{map[string]any{"cidrIp": "0.0.0.0/0", "description": "temporary"}}},
		"ipv6Ranges": map[string]any{}, "prefixListIds": map[string]any{}}}}}
	rec.ResponseElements = map[string]any{"requestId": rec.RequestID, "_return": true, "securityGroupRuleSet": map[string]any{"items": []any{
		map[string]any{"groupOwnerId": a.Id, "groupId": sg, "securityGroupRuleId": fmt.Sprintf("sgr-0%016x", r.Uint64()>>2),
			"isEgress": false, "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv4": "0.0.0.0/0", "description": "temporary"}}}}
	return rec
}

func stopLoggingEvents(w *world, r *rand.Rand) []*record {
	a, at := w.mgmt, w.at(hStopLogging)
	p := adminSession(w, r, a, "taro.yamada", at)
	stop := newRecord(r, a, p, at, "cloudtrail.amazonaws.com", "StopLogging", w.home, false)
	stop.RequestParameters = map[string]any{"name": w.trailARN}
	start := newRecord(r, a, p, at.Add(7*time.Minute+12*time.Second), "cloudtrail.amazonaws.com", "StartLogging", w.home, false)
	start.RequestParameters = map[string]any{"name": w.trailARN}
	return []*record{stop, start}
}

func deleteTrailEvent(w *world, r *rand.Rand) *record {
	a, at := w.pick("sandbox-ayaka", kindSandbox, 0), w.at(hDeleteTrail)
	rec := newRecord(r, a, adminSession(w, r, a, "ayaka.sato", at), at, "cloudtrail.amazonaws.com", "DeleteTrail", "us-west-2", false)
	rec.RequestParameters = map[string]any{"name": "sandbox-test-trail"}
	rec.ErrorCode = "AccessDenied"
	rec.ErrorMessage = fmt.Sprintf("User: %s is not authorized to perform: cloudtrail:DeleteTrail on resource: arn:aws:cloudtrail:us-west-2:%s:trail/sandbox-test-trail %s",
		rec.UserIdentity.Arn, a.Id, scpDenyMessage)
	return rec
}

func signinRecord(r *rand.Rand, a *acct, id identity, at time.Time, ip string, ok, mfa bool) *record {
	rec := newRecord(r, a, principal{id: id, ip: ip, userAgent: consoleUA}, at, "signin.amazonaws.com", "ConsoleLogin", "us-east-1", false)
	rec.EventType, rec.RequestID, rec.TLSDetails = "AwsConsoleSignIn", "", &tlsDetails{TLSVersion: "TLSv1.3",
		CipherSuite: "TLS_AES_128_GCM_SHA256", ClientProvidedHostHeader: "signin.aws.amazon.com"}
	result := "Success"
	if !ok {
		result, rec.ErrorMessage = "Failure", "Failed authentication"
	}
	rec.ResponseElements = map[string]any{"ConsoleLogin": result}
	used := "No"
	if mfa {
		used = "Yes"
	}
	rec.AdditionalEventData = map[string]any{"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
		"MobileVersion": "No", "MFAIdentifier": "", "MFAUsed": used}
	return rec
}

func consoleLogins(w *world, r *rand.Rand) []*record {
	a := w.pick("orders-dev", kindWorkload, 0)
	name := "tanaka.dev"
	id := identity{Type: "IAMUser", PrincipalID: uniqueID(newRand(uint64(a.index), uint64(len(name))), "AIDA"),
		Arn: userARN(a, name), AccountID: a.Id, UserName: name}
	ip := "192.0.2.77"
	fail := signinRecord(r, a, identity{Type: "IAMUser", PrincipalID: id.PrincipalID, AccountID: a.Id, AccessKeyID: "", UserName: name},
		w.at(hFailedLogin), ip, false, false)
	ok := signinRecord(r, a, id, w.at(hLoginNoMFA), ip, true, false)
	return []*record{fail, ok}
}

func rootLogin(w *world, r *rand.Rand) *record {
	a := w.mgmt
	id := identity{Type: "Root", PrincipalID: a.Id, Arn: rootARN(a), AccountID: a.Id}
	rec := signinRecord(r, a, id, w.at(hRootLogin), "198.51.100.203", true, true)
	rec.AdditionalEventData.(map[string]any)["MFAIdentifier"] = "arn:aws:iam::" + a.Id + ":u2f/root/root-security-key"
	return rec
}

func createAccessKeyEvent(w *world, r *rand.Rand) *record {
	a, at := w.shared, w.at(hCreateAccessKey)
	keyID := accessKeyID(r, "AKIA")
	for _, u := range a.users {
		if u.name == "ci-jenkins" && len(u.keys) > 0 {
			keyID = u.keys[0].id
		}
	}
	rec := newRecord(r, a, adminSession(w, r, a, "mei.chen", at), at, "iam.amazonaws.com", "CreateAccessKey", "us-east-1", false)
	rec.RequestParameters = map[string]any{"userName": "ci-jenkins"}
	rec.ResponseElements = map[string]any{"accessKey": map[string]any{"userName": "ci-jenkins", "accessKeyId": keyID,
		"status": "Active", "createDate": at.UTC().Format("Jan 2, 2006, 3:04:05 PM")}}
	return rec
}

// assumeRole records one AssumeRole call by caller into role, in the
// role owner's account (and, cross-account, a copy in the caller's).
func assumeRole(r *rand.Rand, owner *acct, caller principal, roleARN, session string, at time.Time) *record {
	rec := newRecord(r, owner, caller, at, "sts.amazonaws.com", "AssumeRole", "us-east-1", true)
	rec.RequestParameters = map[string]any{"roleArn": roleARN, "roleSessionName": session, "durationSeconds": 3600}
	rec.ResponseElements = map[string]any{
		"credentials": map[string]any{"accessKeyId": accessKeyID(r, "ASIA"), "sessionToken": "IQoJb3JpZ2luX2VjEDemoToken" + randString(r, upperAlnum, 24),
			"expiration": at.Add(time.Hour).UTC().Format("Jan 2, 2006, 3:04:05 PM")},
		"assumedRoleUser": map[string]any{"assumedRoleId": uniqueID(r, "AROA") + ":" + session,
			"arn": fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", owner.Id, roleARN[len("arn:aws:iam::")+13+len("role/"):], session)}}
	rec.Resources = []trailResName{{AccountID: owner.Id, Type: "AWS::IAM::Role", ARN: roleARN}}
	return rec
}

// roleChain is jump (Shared Services) → security (Audit) → member: the
// first hop is recorded in both accounts, the second in both as well.
func roleChain(w *world, r *rand.Rand) []*record {
	jump, sec, member := w.shared, w.audit, w.pick("payments-prod", kindWorkload, 1)
	at := w.at(hAssumeChain)
	jumpSession := principal{id: roleSession(r, jump, jumpRole, "/", "kenji.ito", at, true), ip: officeIPs[1], userAgent: cliUA}
	hop1 := assumeRole(r, sec, jumpSession, w.roleARN(sec, securityAuditRole), "kenji.ito", at)
	hop1.SharedEventID = uuid(r)
	hop1copy := *hop1
	hop1copy.RecipientAccountID, hop1copy.EventID = jump.Id, uuid(r)
	hop1copy.Resources = []trailResName{{AccountID: sec.Id, Type: "AWS::IAM::Role", ARN: w.roleARN(sec, securityAuditRole)}}
	at2 := at.Add(2*time.Minute + 9*time.Second)
	secSession := principal{id: roleSession(r, sec, securityAuditRole, "/", "kenji.ito", at2, false), ip: officeIPs[1], userAgent: cliUA}
	hop2 := assumeRole(r, member, secSession, w.roleARN(member, securityAuditRole), "kenji.ito", at2)
	hop2.SharedEventID = uuid(r)
	hop2copy := *hop2
	hop2copy.RecipientAccountID, hop2copy.EventID = sec.Id, uuid(r)
	return []*record{hop1, &hop1copy, &hop2copy, hop2}
}

func externalAssume(w *world, r *rand.Rand) *record {
	a, at := w.pick("loyalty-prod", kindWorkload, 2), w.at(hExternalAssume)
	if a.roleNamed("KumoVendorReadOnly") == nil {
		a.roles = append(a.roles, &role{name: "KumoVendorReadOnly", path: "/", created: End.AddDate(0, -8, 0),
			trust:    trustAccount(externalAccount, map[string]any{"StringEquals": m{"sts:ExternalId": "kumo-vendor-7f3a"}}),
			attached: []string{awsPolicyPrefix + "ReadOnlyAccess"}, tags: map[string]string{"dp:exclude:identity": "true"}})
	}
	caller := principal{id: identity{Type: "AWSAccount", PrincipalID: uniqueID(r, "AIDA"), AccountID: externalAccount},
		ip: "54.240.197.233", userAgent: sdkUA}
	return assumeRole(r, a, caller, w.roleARN(a, "KumoVendorReadOnly"), "vendor-sync", at)
}

func leaveOrg(w *world, r *rand.Rand) *record {
	a, at := w.pick("sandbox-ben", kindSandbox, 1), w.at(hLeaveOrg)
	rec := newRecord(r, a, adminSession(w, r, a, "ben.ortiz", at), at, "organizations.amazonaws.com", "LeaveOrganization", "us-east-1", false)
	rec.ErrorCode = "AccessDeniedException"
	rec.ErrorMessage = fmt.Sprintf("You don't have permissions to access this resource. User: %s is not authorized to perform: organizations:LeaveOrganization %s",
		rec.UserIdentity.Arn, scpDenyMessage)
	return rec
}

func detachSCP(w *world, r *rand.Rand) []*record {
	a, at := w.mgmt, w.at(hDetachSCP)
	var policyID, target string
	for _, p := range w.org.Policies {
		if p.Name == "deny-iam-access-keys" {
			policyID, target = p.Id, p.Targets[0]
		}
	}
	p := adminSession(w, r, a, "taro.yamada", at)
	detach := newRecord(r, a, p, at, "organizations.amazonaws.com", "DetachPolicy", "us-east-1", false)
	detach.RequestParameters = map[string]any{"policyId": policyID, "targetId": target}
	attach := newRecord(r, a, p, at.Add(18*time.Minute), "organizations.amazonaws.com", "AttachPolicy", "us-east-1", false)
	attach.RequestParameters = map[string]any{"policyId": policyID, "targetId": target}
	return []*record{detach, attach}
}

func publicBucketPolicy(w *world, r *rand.Rand) *record {
	a := w.pick("loyalty-prod", kindWorkload, 2)
	at := w.at(hPublicBucket)
	name := "kumo-" + a.Name + "-public-assets-" + a.Id
	region := w.homeRegion(a)
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + name + `/*"}]}`
	if b := w.findBucket(a, name); b != nil {
		policy = b.policy
	}
	rec := newRecord(r, a, adminSession(w, r, a, "li.wei", at), at, "s3.amazonaws.com", "PutBucketPolicy", region, false)
	rec.RequestParameters = map[string]any{"bucketName": name, "Host": name + ".s3." + region + ".amazonaws.com", "bucketPolicy": policy, "policy": ""}
	rec.Resources = []trailResName{{AccountID: a.Id, Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + name}}
	return rec
}

func scheduleKeyDeletion(w *world, r *rand.Rand) *record {
	a := w.pick("loyalty-staging", kindWorkload, 5)
	region, at := w.otherRegion(a), w.at(hScheduleDeletion)
	keyID := uuid(r)
	for _, k := range w.region(a, region).keys {
		if !k.deletion.IsZero() {
			keyID = k.id
		}
	}
	arn := keyARN(a, region, keyID)
	rec := newRecord(r, a, adminSession(w, r, a, "noah.kim", at), at, "kms.amazonaws.com", "ScheduleKeyDeletion", region, false)
	rec.RequestParameters = map[string]any{"keyId": arn, "pendingWindowInDays": 30}
	rec.ResponseElements = map[string]any{"keyId": arn, "deletionDate": at.AddDate(0, 0, 30).UTC().Format("Jan 2, 2006, 3:04:05 PM"),
		"keyState": "PendingDeletion", "pendingWindowInDays": 30}
	rec.Resources = []trailResName{{AccountID: a.Id, Type: "AWS::KMS::Key", ARN: arn}}
	return rec
}

func deleteDetector(w *world, r *rand.Rand) *record {
	a, at := w.pick("sandbox-ben", kindSandbox, 1), w.at(hDeleteDetector)
	p := principal{id: roleSession(r, a, breakGlassRole, "/", "ben.ortiz", at, true), ip: "192.0.2.140", userAgent: cliUA}
	rec := newRecord(r, a, p, at, "guardduty.amazonaws.com", "DeleteDetector", "ap-northeast-1", false)
	rec.RequestParameters = map[string]any{"detectorId": detectorID(a, "ap-northeast-1")}
	return rec
}

func stopRecorder(w *world, r *rand.Rand) *record {
	a, at := w.pick("orders-dev", kindWorkload, 0), w.at(hStopRecorder)
	rec := newRecord(r, a, adminSession(w, r, a, "sofia.rossi", at), at, "config.amazonaws.com", "StopConfigurationRecorder", "us-west-2", false)
	rec.RequestParameters = map[string]any{"configurationRecorderName": "default"}
	rec.ErrorCode = "AccessDeniedException"
	rec.ErrorMessage = fmt.Sprintf("User: %s is not authorized to perform: config:StopConfigurationRecorder on resource: default %s",
		rec.UserIdentity.Arn, scpDenyMessage)
	return rec
}

func (a *acct) roleNamed(name string) *role {
	for _, rl := range a.roles {
		if rl.name == name {
			return rl
		}
	}
	return nil
}
