package demo

import (
	"math/rand/v2"
	"time"

	"github.com/orgrail/orgrail/internal/org"
)

// Account kinds: what an account is for, which decides its resources.
const (
	kindManagement = "management"
	kindLogArchive = "log-archive"
	kindAudit      = "audit"
	kindNetwork    = "network"
	kindShared     = "shared-services"
	kindWorkload   = "workload"
	kindSandbox    = "sandbox"
	kindSuspended  = "suspended"
)

// world is everything the generator knows before writing: the
// organization and, per account, its resources.
type world struct {
	opt       Options
	org       *org.Organization
	orgID     string
	partition string
	regions   []string // allowed (collected) regions
	home      string   // home region of the org trail, Config aggregator, Identity Center
	accounts  []*acct  // sorted by id
	byName    map[string]*acct
	mgmt      *acct
	logArch   *acct
	audit     *acct
	shared    *acct
	start     time.Time // first day of activity, midnight UTC
	collected time.Time // snapshot time
	trailName string
	trailARN  string
	trailBkt  string
	planted   planted
	// cisOmitted names the CIS section 4 metric filters left off the
	// organization trail's log group (a planted violation).
	cisOmitted map[string]bool
}

// acct is one account and its configuration.
type acct struct {
	*org.Account
	index  int
	kind   string
	system string // workloads: orders, payments, ...
	env    string // prod, staging, dev, sandbox, ...
	owner  string // e-mail of the owning team
	rng    *rand.Rand

	rootMFA      string // "hardware", "virtual", "none"
	rootKey      bool
	strongPwd    bool
	noSecContact bool
	// noContactPhone leaves the primary contact without a phone number
	// (CIS 1.1).
	noContactPhone bool
	noAccountPAB   bool
	users          []*user
	groups         []*group
	roles          []*role
	policies       []*custPolicy
	buckets        []*bucket
	regional       map[string]*regionRes
	extraTrail     *extraTrail
	suspended      bool
	edge           *edgeRes // CloudFront and AWS WAF (render_edge.go)
	// serverCerts are SSL/TLS certificates uploaded to IAM.
	serverCerts []*serverCert
}

// serverCert is an IAM server certificate.
type serverCert struct {
	name     string
	uploaded time.Time
	expires  time.Time
}

type user struct {
	name         string
	created      time.Time
	console      bool
	pwdLastUsed  time.Time // zero: never
	mfa          bool
	groups       []string
	attached     []string // policy ARNs attached directly
	keys         []*accessKey
	virtualMFAID string
}

type accessKey struct {
	id       string
	created  time.Time
	lastUsed time.Time
	service  string
	active   bool
}

type group struct {
	name     string
	attached []string
}

type role struct {
	name     string
	path     string
	trust    string
	attached []string
	inline   map[string]string
	created  time.Time
	tags     map[string]string
}

type custPolicy struct {
	name string
	doc  string
}

type bucket struct {
	name       string
	region     string
	policy     string // "" means no bucket policy
	pab        bool
	versioning bool
	logTarget  string // "" means no server access logging
	kmsKey     string // key ARN for SSE-KMS
	tags       map[string]string
	created    time.Time
	// noMFADelete leaves MFA delete off on a versioned bucket.
	noMFADelete bool
	// noLifecycle, noReplication and noEvents leave the bucket without
	// a lifecycle configuration, replication or event notifications.
	noLifecycle, noReplication, noEvents bool
}

// accessPoint is an S3 access point of the account, on one of its
// buckets.
type accessPoint struct {
	name    string
	bucket  string
	vpcID   string // "" means network origin Internet
	policy  string // "" means no access point policy
	created time.Time
}

// regionRes is what one account has in one region.
type regionRes struct {
	region      string
	vpcs        []*vpc
	sgs         []*secGroup
	instances   []*instance
	ebsDefault  bool
	keys        []*kmsKey
	dbs         []*database
	dbSnapshots []*dbSnapshot
	dbClusters  []*dbCluster
	eventSubs   []*eventSub
	dmsRepl     []*replicationInstance
	functions   []*function
	queues      []string
	topics      []*topic
	secrets     []*secret
	repos       []*repository
	logGroups   []*logGroup
	apoints     []*accessPoint
	lbs         []*loadBalancer
	clbs        []*classicLB
	certs       []*certificate
	an          analyticsRes
	stores      dataStores   // DynamoDB, DAX, ElastiCache (render_datastores.go)
	bigdata     bigData      // Kinesis, EMR, SageMaker, Elastic Beanstalk (render_bigdata.go)
	ctr         containerRes // ECS, EFS, EKS, CodeBuild (render_containers.go)
	backup      backupRes    // AWS Backup resource-assignment plant (render_backup.go)
	guardDuty   bool
	securityHub bool
	macieOff    bool // Macie was never enabled in the region (CIS 2.1.3)
	config      bool
	analyzer    bool // organization analyzer (Audit only)
	compute     computeRes
	// net holds the VPC networking plants (render_ec2net.go).
	net     *netRes
	stacks  []*stack
	ssmDocs []*ssmDocument
	// ssmUnmanaged, patchFailing and associationFailing name instances
	// Systems Manager does not manage, or reports NON_COMPLIANT for.
	ssmUnmanaged, patchFailing, associationFailing map[string]bool
}

// stack is a CloudFormation stack.
type stack struct {
	name     string
	notify   []string // SNS topic ARNs
	created  time.Time
	stackSet bool
}

// ssmDocument is a Systems Manager document the account owns.
type ssmDocument struct {
	name    string
	public  bool
	created time.Time
}

type vpc struct {
	id       string
	cidr     string
	flowLogs bool
	naclID   string
	subnets  []string
	tags     map[string]string
}

type secGroup struct {
	id      string
	name    string
	vpcID   string
	isDef   bool
	ingress []sgRule
	egress  bool // allow all egress
	tags    map[string]string
}

type sgRule struct {
	proto    string
	from, to int32
	cidr     string
	sgRef    string
	desc     string
}

type instance struct {
	id     string
	imdsV2 bool
	// plainVolume leaves the instance's root volume unencrypted.
	plainVolume bool
	publicIP    string
	sgID        string
	subnet      string
	vpcID       string
	profile     string
	launched    time.Time
	tags        map[string]string
	privateIP   string
	// legacyType runs the instance on an m3.xlarge, which can be
	// EBS-optimized, without EBS optimization.
	legacyType bool
}

type kmsKey struct {
	id       string
	alias    string
	rotation bool
	deletion time.Time // zero: not scheduled
	created  time.Time
}

type database struct {
	id        string
	public    bool
	encrypted bool
	engine    string
	kmsKey    string
	created   time.Time
	tags      map[string]string
	port      int32
	vpcID     string
	admin     string
	cluster   string // the Aurora cluster the instance belongs to, if any
}

type dbSnapshot struct {
	id     string
	db     string
	public bool
}

type function struct {
	name   string
	public bool
	role   string
	// singleAZ connects the function to its VPC's first subnet only.
	singleAZ bool
}

type topic struct {
	name      string
	encrypted bool
	policy    string // "" means the owner-only policy
	// noDeliveryLog leaves delivery status logging off.
	noDeliveryLog bool
}

type secret struct {
	name     string
	rotation bool
	created  time.Time
	kmsKey   string
}

// logGroup is a CloudWatch Logs log group; retention 0 is "never expire".
type logGroup struct {
	name      string
	retention int32
	created   time.Time
}

// repository is a private ECR repository.
type repository struct {
	name       string
	scanOnPush bool
	mutable    bool
	lifecycle  bool
	policy     string
	created    time.Time
}

// extraTrail is an account's own trail besides the organization trail.
type extraTrail struct {
	name       string
	region     string
	validation bool
	bucket     string
}

// planted is planted.json.
type planted struct {
	Violations []violation `json:"violations"`
	Detections []detection `json:"detections"`
	// Access is the planted access that `orgrail access` must find.
	Access []plantedAccess `json:"access,omitempty"`
}

// violation is one deliberate violation, keyed by AWS Config managed rule.
type violation struct {
	ConfigRule  string `json:"configRule"`
	Account     string `json:"account"`
	Region      string `json:"region"`
	ResourceArn string `json:"resourceArn"`
}

// detection is one planted event a built-in detection must fire on.
type detection struct {
	EventName   string `json:"eventName"`
	EventID     string `json:"eventId"`
	DetectionID string `json:"detectionId"`
}

func (w *world) region(a *acct, r string) *regionRes {
	rr := a.regional[r]
	if rr == nil {
		rr = &regionRes{region: r}
		a.regional[r] = rr
	}
	return rr
}
