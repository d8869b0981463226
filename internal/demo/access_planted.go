package demo

import (
	"encoding/json"
	"fmt"
	"sort"
)

// plantedAccess is one access path the demo plants for `orgrail
// access`: external access (a principal outside the organization) or an
// edge between member accounts that breaks a boundary of
// DemoBoundaries.
type plantedAccess struct {
	// Analysis is "external" or "internal".
	Analysis string `json:"analysis"`
	// Kind is the external kind (public, account) or the internal via
	// (roleTrust, resourcePolicy).
	Kind        string `json:"kind"`
	Principal   string `json:"principal"`
	Account     string `json:"account"`
	ResourceArn string `json:"resourceArn"`
	// From is the member account the internal access comes from ("*":
	// every member account).
	From string `json:"from,omitempty"`
	// Boundaries are the DemoBoundaries the access breaks.
	Boundaries []string `json:"boundaries,omitempty"`
}

// Boundary is an access boundary of the demo's configuration, in the
// shape of the configuration's access.boundaries.
type Boundary struct {
	Name     string
	From     []string
	OnlyFrom []string
	To       []string
	Via      string
}

// DemoBoundaries are the access boundaries Kumo Foods declares: the
// development accounts never reach production, and only the management
// and audit accounts assume roles in other accounts.
func DemoBoundaries() []Boundary {
	return []Boundary{
		{Name: "dev-not-prod", From: []string{"Workloads/Dev"}, To: []string{"Workloads/Prod"}},
		{Name: "only-security-assumes", OnlyFrom: []string{"kumo-management", "audit"}, To: []string{"Root"}, Via: "roleTrust"},
	}
}

// plantAccess plants access for `orgrail access` in the embedded
// organization: a topic shared with "any organization" (o-*), a role of
// payments-prod trusted by payments-dev, and a bucket of orders-prod
// shared with orders-dev. It also records the access planted elsewhere:
// the public Lambda function and the vendor's role.
func plantAccess(w *world) {
	if w.opt.Accounts != 0 {
		return
	}
	add := func(p plantedAccess) { w.planted.Access = append(w.planted.Access, p) }

	ls := w.byName["loyalty-staging"]
	home := w.homeRegion(ls)
	topicARN := fmt.Sprintf("arn:aws:sns:%s:%s:%s", home, ls.Id, ls.Name+"-partner-events")
	w.region(ls, home).topics = append(w.region(ls, home).topics, &topic{name: ls.Name + "-partner-events", encrypted: true,
		policy: compact(policyDoc(
			statement("OwnerOnly", "Allow", "Principal", m{"AWS": "arn:aws:iam::" + ls.Id + ":root"},
				"Action", []string{"SNS:Publish", "SNS:Subscribe", "SNS:GetTopicAttributes"}, "Resource", topicARN),
			statement("PartnersSubscribe", "Allow", "Principal", "*", "Action", "SNS:Subscribe", "Resource", topicARN,
				"Condition", m{"StringLike": m{"aws:PrincipalOrgID": "o-*"}})))})
	add(plantedAccess{Analysis: "external", Kind: "public", Principal: "*", Account: ls.Id, ResourceArn: topicARN})
	// "o-*" restricts nothing (AWS counts a wildcard organization id as
	// public), so the detective rule fails the topic as well.
	w.planted.Violations = append(w.planted.Violations,
		violation{ConfigRule: "sns.topic-not-public", Account: ls.Id, Region: home, ResourceArn: topicARN})

	prod, dev := w.byName["payments-prod"], w.byName["payments-dev"]
	prod.roles = append(prod.roles, &role{name: "payments-hotfix", path: "/", created: End.AddDate(0, -1, 0),
		trust: trustAccount(dev.Id, nil), attached: []string{awsPolicyPrefix + "ReadOnlyAccess"}})
	add(plantedAccess{Analysis: "internal", Kind: "roleTrust", Principal: rootARN(dev), Account: prod.Id, From: dev.Id,
		ResourceArn: w.roleARN(prod, "payments-hotfix"), Boundaries: []string{"dev-not-prod", "only-security-assumes"}})
	add(plantedAccess{Analysis: "internal", Kind: "rootTrust", Principal: rootARN(dev), Account: prod.Id, From: dev.Id,
		ResourceArn: w.roleARN(prod, "payments-hotfix")})
	plantAdminChains(w, add)

	ls2 := w.byName["loyalty-staging"]
	if repos := w.region(ls2, w.homeRegion(ls2)).repos; len(repos) > 0 {
		r := repos[0]
		arn := repositoryARN(ls2, w.homeRegion(ls2), r.name)
		r.policy = compact(policyDoc(statement("PublicPull", "Allow", "Principal", "*",
			"Action", []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"})))
		add(plantedAccess{Analysis: "external", Kind: "public", Principal: "*", Account: ls2.Id, ResourceArn: arn})
	}

	oprod, odev := w.byName["orders-prod"], w.byName["orders-dev"]
	b := w.findBucket(oprod, w.dataBucket(oprod))
	arn := "arn:aws:s3:::" + b.name
	b.policy = compact(policyDoc(
		statement("DenyInsecureTransport", "Deny", "Principal", "*", "Action", "s3:*", "Resource", []string{arn, arn + "/*"},
			"Condition", m{"Bool": m{"aws:SecureTransport": "false"}}),
		statement("DevReadsFixtures", "Allow", "Principal", m{"AWS": rootARN(odev)}, "Action", "s3:GetObject", "Resource", arn+"/fixtures/*")))
	add(plantedAccess{Analysis: "internal", Kind: "resourcePolicy", Principal: rootARN(odev), Account: oprod.Id, From: odev.Id,
		ResourceArn: arn, Boundaries: []string{"dev-not-prod"}})

	plantAccessPoints(w, add)

	lp := w.byName["loyalty-prod"]
	for _, b := range lp.buckets {
		if b.name == "kumo-"+lp.Name+"-public-assets-"+lp.Id {
			// The public-read bucket: the data-perimeter RCP keeps
			// outsiders out, so it is open to every member account,
			// development included.
			add(plantedAccess{Analysis: "internal", Kind: "resourcePolicy", Principal: "*", Account: lp.Id, From: "*",
				ResourceArn: "arn:aws:s3:::" + b.name, Boundaries: []string{"dev-not-prod"}})
		}
	}
	regions := make([]string, 0, len(lp.regional))
	for r := range lp.regional {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, region := range regions {
		rr := lp.regional[region]
		for _, f := range rr.functions {
			if f.public {
				add(plantedAccess{Analysis: "external", Kind: "public", Principal: "*", Account: lp.Id,
					ResourceArn: fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", rr.region, lp.Id, f.name)})
			}
		}
	}
	if lp.roleNamed("KumoVendorReadOnly") != nil {
		add(plantedAccess{Analysis: "external", Kind: "account", Principal: "arn:aws:iam::" + externalAccount + ":root",
			Account: lp.Id, ResourceArn: w.roleARN(lp, "KumoVendorReadOnly")})
	}
	sort.SliceStable(w.planted.Access, func(i, j int) bool {
		x, y := w.planted.Access[i], w.planted.Access[j]
		if x.Analysis != y.Analysis {
			return x.Analysis < y.Analysis
		}
		return x.ResourceArn < y.ResourceArn
	})
}

// plantAdminChains plants two ways for a member account to become an
// administrator of another: payments-dev assumes payments-hotfix in
// payments-prod, which may assume payments-deployer (AdministratorAccess)
// there; shared-services' pipeline-runner role may assume
// network-automation (AdministratorAccess) in the network account.
func plantAdminChains(w *world, add func(plantedAccess)) {
	prod, dev := w.byName["payments-prod"], w.byName["payments-dev"]
	hotfix, deployer := w.roleARN(prod, "payments-hotfix"), w.roleARN(prod, "payments-deployer")
	prod.policies = append(prod.policies, &custPolicy{name: "payments-hotfix-escalation", doc: policyDoc(
		statement("AssumeDeployer", "Allow", "Action", "sts:AssumeRole", "Resource", deployer))})
	if r := prod.roleNamed("payments-hotfix"); r != nil {
		r.attached = append(r.attached, w.policyARN(prod, "payments-hotfix-escalation"))
	}
	prod.roles = append(prod.roles, &role{name: "payments-deployer", path: "/", created: End.AddDate(0, -1, 0),
		trust: trustPrincipal(hotfix), attached: []string{awsPolicyPrefix + "AdministratorAccess"}})
	add(plantedAccess{Analysis: "internal", Kind: "chainToAdmin", Principal: rootARN(dev), Account: prod.Id, From: dev.Id,
		ResourceArn: deployer})

	shared, network := w.byName["shared-services"], w.byName["network"]
	runner, automation := w.roleARN(shared, "pipeline-runner"), w.roleARN(network, "network-automation")
	shared.policies = append(shared.policies, &custPolicy{name: "pipeline-runner-network", doc: policyDoc(
		statement("AssumeNetworkAutomation", "Allow", "Action", "sts:AssumeRole", "Resource", automation))})
	shared.roles = append(shared.roles, &role{name: "pipeline-runner", path: "/", created: End.AddDate(0, -2, 0),
		trust: trustService("codebuild.amazonaws.com"), attached: []string{w.policyARN(shared, "pipeline-runner-network")}})
	network.roles = append(network.roles, &role{name: "network-automation", path: "/", created: End.AddDate(0, -2, 0),
		trust: trustPrincipal(runner), attached: []string{awsPolicyPrefix + "AdministratorAccess"}})
	add(plantedAccess{Analysis: "internal", Kind: "roleTrust", Principal: runner, Account: network.Id, From: shared.Id,
		ResourceArn: automation, Boundaries: []string{"only-security-assumes"}})
	add(plantedAccess{Analysis: "internal", Kind: "chainToAdmin", Principal: rootARN(shared), Account: network.Id, From: shared.Id,
		ResourceArn: automation})
}

// trustPrincipal is a trust policy letting one IAM principal (by ARN)
// assume the role.
func trustPrincipal(arn string) string {
	s := m{"Effect": "Allow", "Principal": m{"AWS": arn}, "Action": "sts:AssumeRole"}
	return compact(policyDoc(s))
}

// plantAccessPoints gives the CI artifacts bucket of shared-services
// (outside Workloads, so no data-perimeter RCP) a policy that delegates
// access control to the account's access points, as the S3 User Guide
// recommends, and two access points: vendor-exports, reachable from the
// internet, lets the vendor's account read exports/ (planted external
// access); ci-runners, whose network origin is the account's VPC, names
// the vendor too but cannot be reached from outside (not external).
func plantAccessPoints(w *world, add func(plantedAccess)) {
	sh := w.byName["shared-services"]
	name := "kumo-ci-artifacts-" + sh.Id
	b := w.findBucket(sh, name)
	if b == nil {
		return
	}
	arn := "arn:aws:s3:::" + name
	var doc struct {
		Version   string
		Statement []m
	}
	if err := json.Unmarshal([]byte(b.policy), &doc); err != nil {
		return
	}
	doc.Statement = append(doc.Statement, statement("DelegateToAccessPoints", "Allow", "Principal", m{"AWS": "*"},
		"Action", "*", "Resource", []string{arn, arn + "/*"},
		"Condition", m{"StringEquals": m{"s3:DataAccessPointAccount": sh.Id}}))
	b.policy = policyDoc(doc.Statement...)
	rr := w.region(sh, b.region)
	created := End.AddDate(0, -1, -3)
	vendor := "arn:aws:iam::" + externalAccount + ":root"
	exports := accessPointARN(sh, b.region, "vendor-exports")
	rr.apoints = append(rr.apoints, &accessPoint{name: "vendor-exports", bucket: name, created: created,
		policy: policyDoc(statement("VendorReadsExports", "Allow", "Principal", m{"AWS": vendor},
			"Action", []string{"s3:GetObject", "s3:ListBucket"}, "Resource", []string{exports, exports + "/object/exports/*"}))})
	add(plantedAccess{Analysis: "external", Kind: "account", Principal: vendor, Account: sh.Id, ResourceArn: exports})
	if len(rr.vpcs) > 0 {
		runners := accessPointARN(sh, b.region, "ci-runners")
		rr.apoints = append(rr.apoints, &accessPoint{name: "ci-runners", bucket: name, vpcID: rr.vpcs[0].id, created: created,
			policy: policyDoc(statement("RunnersAndVendor", "Allow", "Principal", m{"AWS": []string{rootARN(sh), vendor}},
				"Action", []string{"s3:GetObject", "s3:PutObject"}, "Resource", runners+"/object/*"))})
	}
}
