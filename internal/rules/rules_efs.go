package rules

import (
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeEFSFileSystem  = "AWS::EFS::FileSystem"
	typeEFSAccessPoint = "AWS::EFS::AccessPoint"
)

func init() {
	register(
		&Rule{ID: "efs.encrypted", Title: "EFS file systems encrypt data at rest with KMS", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeEFSFileSystem, Services: []string{"efs"}, Reads: []string{"efs:DescribeFileSystems"},
			Rationale:   "Encryption at rest keeps file data unreadable on the storage media and ties reading it to the KMS key's policy.",
			Remediation: "EFS encryption is chosen at creation: create an encrypted file system (with a KMS key) and copy the data over, for example with AWS DataSync.",
			Mappings:    findings.Mappings{ConfigRule: "EFS_ENCRYPTED_CHECK", SecurityHub: "EFS.1", CIS: "2.4.1", NistCsf: "PR.DS"},
			check:       checkEFSEncrypted},
		&Rule{ID: "efs.in-backup-plan", Title: "EFS file systems are backed up by AWS Backup", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeEFSFileSystem, Services: []string{"efs"}, Reads: []string{"efs:DescribeFileSystems", "efs:DescribeBackupPolicy"},
			Rationale:   "Without a backup plan a deleted or corrupted file system cannot be restored.",
			Remediation: "Turn on automatic backups for the file system (aws efs put-backup-policy --backup-policy Status=ENABLED), which adds it to AWS Backup's default EFS plan, or select it in a backup plan of your own.",
			Mappings:    findings.Mappings{ConfigRule: "EFS_IN_BACKUP_PLAN", SecurityHub: "EFS.2", NistCsf: "PR.DS"},
			check:       checkEFSBackup},
		&Rule{ID: "efs.access-point-root-directory", Title: "EFS access points enforce a root directory", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeEFSAccessPoint, Services: []string{"efs"}, Reads: []string{"efs:DescribeAccessPoints"},
			Rationale:   "An access point whose root is the file system's root gives its clients every file; a subdirectory confines them to their own data.",
			Remediation: "Create the access point again with a root directory path other than / (access points cannot be changed).",
			Mappings:    findings.Mappings{ConfigRule: "EFS_ACCESS_POINT_ENFORCE_ROOT_DIRECTORY", SecurityHub: "EFS.3", NistCsf: "PR.AA"},
			check:       checkEFSRootDirectory},
		&Rule{ID: "efs.access-point-user-identity", Title: "EFS access points enforce a user identity", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeEFSAccessPoint, Services: []string{"efs"}, Reads: []string{"efs:DescribeAccessPoints"},
			Rationale:   "Without an enforced POSIX user every NFS client chooses its own user and group ids, and file permissions stop meaning anything.",
			Remediation: "Create the access point again with a POSIX user (uid, gid) that EFS applies to every request through it.",
			Mappings:    findings.Mappings{ConfigRule: "EFS_ACCESS_POINT_ENFORCE_USER_IDENTITY", SecurityHub: "EFS.4", NistCsf: "PR.AA"},
			check:       checkEFSUserIdentity},
	)
}

// eachFileSystem runs fn on every file system of the region.
func eachFileSystem(c *Ctx, fn func(arn, id string, fs *efstypes.FileSystemDescription)) error {
	out, err := get[efs.DescribeFileSystemsOutput](c.v, c.Region, "efs", "DescribeFileSystems")
	if err != nil {
		return err
	}
	if len(out.FileSystems) == 0 {
		c.NA("", "no EFS file systems in %s", c.Region)
	}
	for i := range out.FileSystems {
		fs := &out.FileSystems[i]
		id := aws(fs.FileSystemId)
		fn(nonEmpty(aws(fs.FileSystemArn), c.arn("elasticfilesystem", c.Region, c.Account.Id, "file-system/"+id)), id, fs)
	}
	return nil
}

func checkEFSEncrypted(c *Ctx) error {
	return eachFileSystem(c, func(arn, id string, fs *efstypes.FileSystemDescription) {
		c.Check(boolv(fs.Encrypted), arn, "file system "+id+" is encrypted with "+nonEmpty(aws(fs.KmsKeyId), "a KMS key"),
			"file system "+id+" is not encrypted at rest")
	})
}

func checkEFSBackup(c *Ctx) error {
	return eachFileSystem(c, func(arn, id string, _ *efstypes.FileSystemDescription) {
		bp, err := getRes[efs.DescribeBackupPolicyOutput](c.v, c.Region, "efs", "DescribeBackupPolicy", id)
		switch {
		case err == nil && bp.BackupPolicy != nil && (bp.BackupPolicy.Status == efstypes.StatusEnabled || bp.BackupPolicy.Status == efstypes.StatusEnabling):
			c.Pass(arn, "file system %s is in AWS Backup's automatic backup plan (%s)", id, bp.BackupPolicy.Status)
		case err == nil:
			st := "no status"
			if bp.BackupPolicy != nil {
				st = string(bp.BackupPolicy.Status)
			}
			c.Fail(arn, "file system %s has automatic backups off (%s)", id, st)
		default:
			if code, ok := benign(err); ok && code == "PolicyNotFound" {
				c.Fail(arn, "file system %s has no backup policy: automatic backups are off", id)
				return
			}
			c.Err(arn, err)
		}
	})
}

// eachAccessPoint runs fn on every access point of the region.
func eachAccessPoint(c *Ctx, fn func(arn, id string, ap *efstypes.AccessPointDescription)) error {
	out, err := get[efs.DescribeAccessPointsOutput](c.v, c.Region, "efs", "DescribeAccessPoints")
	if err != nil {
		return err
	}
	if len(out.AccessPoints) == 0 {
		c.NA("", "no EFS access points in %s", c.Region)
	}
	for i := range out.AccessPoints {
		ap := &out.AccessPoints[i]
		id := aws(ap.AccessPointId)
		fn(nonEmpty(aws(ap.AccessPointArn), c.arn("elasticfilesystem", c.Region, c.Account.Id, "access-point/"+id)), id, ap)
	}
	return nil
}

func checkEFSRootDirectory(c *Ctx) error {
	return eachAccessPoint(c, func(arn, id string, ap *efstypes.AccessPointDescription) {
		path := "/"
		if ap.RootDirectory != nil && aws(ap.RootDirectory.Path) != "" {
			path = aws(ap.RootDirectory.Path)
		}
		c.Check(path != "/", arn, "access point "+id+" enforces the root directory "+path,
			"access point "+id+" exposes the file system's root directory /")
	})
}

func checkEFSUserIdentity(c *Ctx) error {
	return eachAccessPoint(c, func(arn, id string, ap *efstypes.AccessPointDescription) {
		c.Check(ap.PosixUser != nil, arn, "access point "+id+" enforces a POSIX user",
			"access point "+id+" enforces no POSIX user")
	})
}
