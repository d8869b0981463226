package rules

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const typeDB = "AWS::RDS::DBInstance"

func init() {
	register(
		&Rule{ID: "rds.instance-not-public", Title: "RDS instances are not publicly accessible", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: typeDB, Services: []string{"rds"},
			Rationale:   "A publicly accessible database gets an internet-resolvable address; one security-group mistake exposes it.",
			Remediation: "Modify the instance with --no-publicly-accessible and reach it through private networking.",
			Mappings: findings.Mappings{ConfigRule: "RDS_INSTANCE_PUBLIC_ACCESS_CHECK", SecurityHub: "RDS.2", CIS: "2.3.3", NistCsf: "PR.IR",
				ControlTower: "AWS-GR_RDS_INSTANCE_PUBLIC_ACCESS_CHECK"},
			check: checkRDSPublic},
		&Rule{ID: "rds.storage-encrypted", Title: "RDS instances encrypt storage", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeDB, Services: []string{"rds"},
			Rationale:   "Unencrypted database storage, snapshots and replicas expose data to anyone who gets a copy.",
			Remediation: "Encryption can only be set at creation: snapshot the instance, copy the snapshot with a KMS key, restore and switch over.",
			Mappings: findings.Mappings{ConfigRule: "RDS_STORAGE_ENCRYPTED", SecurityHub: "RDS.3", CIS: "2.3.1", NistCsf: "PR.DS",
				ControlTower: "AWS-GR_RDS_STORAGE_ENCRYPTED"},
			check: checkRDSEncrypted},
		&Rule{ID: "rds.snapshot-not-public", Title: "RDS snapshots are not public", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: "AWS::RDS::DBSnapshot", Services: []string{"rds"},
			Rationale:   "A public snapshot lets any AWS account restore a full copy of the database.",
			Remediation: "Remove 'all' from the snapshot's restore attribute (aws rds modify-db-snapshot-attribute --values-to-remove all).",
			Mappings: findings.Mappings{ConfigRule: "RDS_SNAPSHOTS_PUBLIC_PROHIBITED", SecurityHub: "RDS.1", NistCsf: "PR.DS",
				ControlTower: "AWS-GR_RDS_SNAPSHOTS_PUBLIC_PROHIBITED"},
			check: checkRDSSnapshotPublic},
		&Rule{ID: "rds.snapshot-encrypted", Title: "RDS snapshots are encrypted", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::RDS::DBSnapshot", Services: []string{"rds"},
			Rationale:   "An unencrypted snapshot is a full copy of the database readable by whoever it is shared with.",
			Remediation: "Copy the snapshot with a KMS key (aws rds copy-db-snapshot --kms-key-id) and delete the unencrypted one.",
			Mappings:    findings.Mappings{ConfigRule: "RDS_SNAPSHOT_ENCRYPTED", SecurityHub: "RDS.4", NistCsf: "PR.DS"},
			check:       checkRDSSnapshotEncrypted},
		&Rule{ID: "rds.auto-minor-version-upgrade", Title: "RDS instances apply minor version upgrades", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: typeDB, Services: []string{"rds"},
			Rationale:   "Minor versions carry security fixes; automatic upgrades apply them in the maintenance window.",
			Remediation: "Modify the instance with --auto-minor-version-upgrade.",
			Mappings:    findings.Mappings{ConfigRule: "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED", SecurityHub: "RDS.13", CIS: "2.3.2", NistCsf: "PR.PS"},
			check:       checkRDSMinorUpgrade},
		&Rule{ID: "kms.key-rotation-enabled", Title: "Customer managed KMS keys rotate", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::KMS::Key", Services: []string{"kms"},
			Rationale:   "Rotation limits how much data one key version protects and follows key-management standards.",
			Remediation: "Enable automatic rotation on the symmetric customer managed key (aws kms enable-key-rotation).",
			Mappings:    findings.Mappings{ConfigRule: "CMK_BACKING_KEY_ROTATION_ENABLED", SecurityHub: "KMS.4", CIS: "3.6", NistCsf: "PR.DS"},
			check:       checkKeyRotation},
		&Rule{ID: "kms.key-not-scheduled-for-deletion", Title: "KMS keys are not scheduled for deletion", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::KMS::Key", Services: []string{"kms"},
			Rationale:   "A deleted key makes everything encrypted with it unreadable forever; scheduled deletion is also a ransom technique.",
			Remediation: "Cancel the deletion if the key may still be needed (aws kms cancel-key-deletion).",
			Mappings:    findings.Mappings{ConfigRule: "KMS_CMK_NOT_SCHEDULED_FOR_DELETION", SecurityHub: "KMS.3", NistCsf: "PR.DS"},
			check:       checkKeyDeletion},
		&Rule{ID: "kms.key-policy-not-public", Title: "KMS key policies do not allow everyone", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: "AWS::KMS::Key", Services: []string{"kms"},
			Rationale:   "A key policy allowing Principal * without conditions lets any AWS account use the key.",
			Remediation: "Name the accounts or roles in the key policy, or add aws:PrincipalOrgID / kms:CallerAccount conditions.",
			Mappings:    findings.Mappings{NistCsf: "PR.AA"},
			check:       checkKeyPolicy},
		&Rule{ID: "lambda.function-not-public", Title: "Lambda function policies do not allow public invocation", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: "AWS::Lambda::Function", Services: []string{"lambda"},
			Rationale:   "A public function policy lets anyone invoke the function, run up costs and reach what its role can.",
			Remediation: "Remove the statement with Principal * or add a SourceArn/SourceAccount condition.",
			Mappings: findings.Mappings{ConfigRule: "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED", SecurityHub: "Lambda.1", NistCsf: "PR.AA",
				ControlTower: "AWS-GR_LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED"},
			check: checkLambdaPublic},
		&Rule{ID: "lambda.supported-runtime", Title: "Lambda functions use supported runtimes", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::Lambda::Function", Services: []string{"lambda"},
			Rationale:   "Deprecated runtimes receive no security patches.",
			Remediation: "Upgrade the function to a supported runtime version.",
			Mappings:    findings.Mappings{ConfigRule: "LAMBDA_FUNCTION_SETTINGS_CHECK", SecurityHub: "Lambda.2", NistCsf: "PR.PS"},
			check:       checkLambdaRuntime},
	)
}

func dbInstances(c *Ctx) (*rds.DescribeDBInstancesOutput, error) {
	out, err := get[rds.DescribeDBInstancesOutput](c.v, c.Region, "rds", "DescribeDBInstances")
	if err == nil && len(out.DBInstances) == 0 {
		c.NA("", "no RDS instances in %s", c.Region)
	}
	return out, err
}

// eachDBBool judges a boolean attribute of every instance; a missing
// attribute is an ERROR, not a pass.
func eachDBBool(c *Ctx, field string, pick func(db *rdstypes.DBInstance) *bool, want bool, pass, fail string) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		v := pick(db)
		if v == nil {
			c.Err(arn, fmt.Errorf("DescribeDBInstances gives no %s for %s", field, id))
			return
		}
		c.Check(*v == want, arn, id+" "+pass, id+" "+fail)
	})
}

func checkRDSPublic(c *Ctx) error {
	return eachDBBool(c, "PubliclyAccessible", func(db *rdstypes.DBInstance) *bool { return db.PubliclyAccessible },
		false, "is not publicly accessible", "is publicly accessible")
}

func checkRDSEncrypted(c *Ctx) error {
	return eachDBBool(c, "StorageEncrypted", func(db *rdstypes.DBInstance) *bool { return db.StorageEncrypted },
		true, "encrypts storage", "does not encrypt storage")
}

func checkRDSMinorUpgrade(c *Ctx) error {
	return eachDBBool(c, "AutoMinorVersionUpgrade", func(db *rdstypes.DBInstance) *bool { return db.AutoMinorVersionUpgrade },
		true, "applies minor upgrades", "does not apply minor version upgrades automatically")
}

func checkRDSSnapshotPublic(c *Ctx) error {
	out, err := get[rds.DescribeDBSnapshotsOutput](c.v, c.Region, "rds", "DescribeDBSnapshots")
	if err != nil {
		return err
	}
	if len(out.DBSnapshots) == 0 {
		c.NA("", "no manual RDS snapshots in %s", c.Region)
	}
	for _, s := range out.DBSnapshots {
		id := aws(s.DBSnapshotIdentifier)
		arn := nonEmpty(aws(s.DBSnapshotArn), c.arn("rds", c.Region, c.Account.Id, "snapshot:"+id))
		attrs, err := getRes[rds.DescribeDBSnapshotAttributesOutput](c.v, c.Region, "rds", "DescribeDBSnapshotAttributes", id)
		if err != nil {
			c.Err(arn, err)
			continue
		}
		public := false
		if r := attrs.DBSnapshotAttributesResult; r != nil {
			for _, a := range r.DBSnapshotAttributes {
				if aws(a.AttributeName) == "restore" && contains(a.AttributeValues, "all") {
					public = true
				}
			}
		}
		c.Check(!public, arn, "snapshot "+id+" is private", "snapshot "+id+" can be restored by any AWS account")
	}
	return nil
}

// eachCustomerKey runs fn on the region's customer managed keys.
func eachCustomerKey(c *Ctx, fn func(id, arn string, md *kms.DescribeKeyOutput)) error {
	lk, err := get[kms.ListKeysOutput](c.v, c.Region, "kms", "ListKeys")
	if err != nil {
		return err
	}
	n := 0
	for _, k := range lk.Keys {
		id := aws(k.KeyId)
		arn := nonEmpty(aws(k.KeyArn), c.arn("kms", c.Region, c.Account.Id, "key/"+id))
		md, err := getRes[kms.DescribeKeyOutput](c.v, c.Region, "kms", "DescribeKey", id)
		if err != nil {
			c.Err(arn, err)
			continue
		}
		if md.KeyMetadata == nil || string(md.KeyMetadata.KeyManager) == "AWS" {
			continue
		}
		fn(id, arn, md)
		n++
	}
	if n == 0 {
		c.NA("", "no customer managed keys in %s", c.Region)
	}
	return nil
}

func checkKeyRotation(c *Ctx) error {
	return eachCustomerKey(c, func(id, arn string, md *kms.DescribeKeyOutput) {
		m := md.KeyMetadata
		if string(m.KeySpec) != "SYMMETRIC_DEFAULT" && m.KeySpec != "" || string(m.KeyState) != "Enabled" ||
			string(m.Origin) == "EXTERNAL" {
			c.NA(arn, "key %s is not an enabled symmetric AWS_KMS key", id)
			return
		}
		rs, err := getRes[kms.GetKeyRotationStatusOutput](c.v, c.Region, "kms", "GetKeyRotationStatus", id)
		if err != nil {
			c.Err(arn, err)
			return
		}
		c.Check(rs.KeyRotationEnabled, arn, "key "+id+" rotates", "key "+id+" has rotation off")
	})
}

func checkKeyDeletion(c *Ctx) error {
	return eachCustomerKey(c, func(id, arn string, md *kms.DescribeKeyOutput) {
		m := md.KeyMetadata
		pending := string(m.KeyState) == "PendingDeletion" || string(m.KeyState) == "PendingReplicaDeletion"
		msg := "key " + id + " is scheduled for deletion"
		if m.DeletionDate != nil {
			msg += " on " + m.DeletionDate.Format("2006-01-02")
		}
		c.Check(!pending, arn, "key "+id+" is not scheduled for deletion", msg)
	})
}

func checkKeyPolicy(c *Ctx) error {
	return eachCustomerKey(c, func(id, arn string, md *kms.DescribeKeyOutput) {
		kp, err := getRes[kms.GetKeyPolicyOutput](c.v, c.Region, "kms", "GetKeyPolicy", id)
		if err != nil {
			c.Err(arn, err)
			return
		}
		sts, err := parsePolicy(aws(kp.Policy))
		if err != nil {
			c.Err(arn, err)
			return
		}
		c.Check(!anyPublic(sts), arn, "key policy names its principals", "key "+id+" policy allows everyone")
	})
}

// s3InvokeUnscoped reports an Allow to the S3 service principal without
// a fixed aws:SourceAccount: AWS's Lambda.1 counts it as public, since a
// bucket name (aws:SourceArn) can be taken by any account.
func s3InvokeUnscoped(sts []statement) bool {
	for _, s := range sts {
		if !s.allows() {
			continue
		}
		for _, sp := range s.Principal.Values["Service"] {
			if strings.EqualFold(sp, "s3.amazonaws.com") && !s.conditionKey("aws:SourceAccount") {
				return true
			}
		}
	}
	return false
}

func anyPublic(sts []statement) bool {
	for _, s := range sts {
		if s.publicAllow() {
			return true
		}
	}
	return false
}

// eachFunction calls fn for every Lambda function of the region with
// its ARN and name (NOT_APPLICABLE for the region when it has none).
func eachFunction(c *Ctx, fn func(f *lambdatypes.FunctionConfiguration, arn, name string)) error {
	lf, err := get[lambda.ListFunctionsOutput](c.v, c.Region, "lambda", "ListFunctions")
	if err != nil {
		return err
	}
	if len(lf.Functions) == 0 {
		c.NA("", "no Lambda functions in %s", c.Region)
	}
	for i := range lf.Functions {
		f := &lf.Functions[i]
		name := aws(f.FunctionName)
		fn(f, nonEmpty(aws(f.FunctionArn), c.arn("lambda", c.Region, c.Account.Id, "function:"+name)), name)
	}
	return nil
}

func checkLambdaPublic(c *Ctx) error {
	return eachFunction(c, func(_ *lambdatypes.FunctionConfiguration, arn, name string) {
		p, err := getRes[lambda.GetPolicyOutput](c.v, c.Region, "lambda", "GetPolicy", name)
		if isBenign(err) {
			c.Pass(arn, "function %s has no resource policy", name)
			return
		}
		if err != nil {
			c.Err(arn, err)
			return
		}
		sts, err := parsePolicy(aws(p.Policy))
		if err != nil {
			c.Err(arn, err)
			return
		}
		switch {
		case anyPublic(sts):
			c.Fail(arn, "function %s can be invoked by anyone", name)
		case s3InvokeUnscoped(sts):
			c.Fail(arn, "function %s may be invoked by Amazon S3 without an aws:SourceAccount condition (any account's bucket can trigger it)", name)
		default:
			c.Pass(arn, "function %s is not public", name)
		}
	})
}

// deprecatedRuntimes are Lambda runtimes past their deprecation date.
var deprecatedRuntimes = []string{"nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
	"nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x", "python2.7", "python3.6", "python3.7", "python3.8", "python3.9",
	"ruby2.5", "ruby2.7", "ruby3.2", "java8", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1",
	"dotnet5.0", "dotnet6", "dotnet7", "go1.x", "provided"}

func checkLambdaRuntime(c *Ctx) error {
	return eachFunction(c, func(f *lambdatypes.FunctionConfiguration, arn, name string) {
		rt := string(f.Runtime)
		switch {
		case rt == "" && string(f.PackageType) == "Image":
			c.NA(arn, "function %s is a container image", name)
		case rt == "":
			c.Err(arn, errors.New("ListFunctions gives no runtime for "+name))
		default:
			c.Check(!contains(deprecatedRuntimes, strings.ToLower(rt)), arn, "runtime "+rt+" is supported",
				"function "+name+" uses deprecated runtime "+rt)
		}
	})
}

func checkRDSSnapshotEncrypted(c *Ctx) error {
	out, err := get[rds.DescribeDBSnapshotsOutput](c.v, c.Region, "rds", "DescribeDBSnapshots")
	if err != nil {
		return err
	}
	if len(out.DBSnapshots) == 0 {
		c.NA("", "no manual RDS snapshots in %s", c.Region)
	}
	for _, s := range out.DBSnapshots {
		id := aws(s.DBSnapshotIdentifier)
		arn := nonEmpty(aws(s.DBSnapshotArn), c.arn("rds", c.Region, c.Account.Id, "snapshot:"+id))
		if s.Encrypted == nil {
			c.Err(arn, fmt.Errorf("DescribeDBSnapshots gives no Encrypted for %s", id))
			continue
		}
		c.Check(*s.Encrypted, arn, "snapshot "+id+" is encrypted", "snapshot "+id+" is not encrypted")
	}
	return nil
}
