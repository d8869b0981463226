package rules

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// AWS Backup coverage: is a DynamoDB table, EBS volume or RDS instance
// assigned to a backup plan that has at least one rule
// (collect/services_backup.go)? A selection assigns a resource as AWS
// Backup documents for BackupSelection: Resources (ARN patterns with *)
// or ListOfTags (StringEquals, any one), further filtered by Conditions
// (all of StringEquals, StringLike, StringNotEquals, StringNotLike on
// aws:ResourceTag/ keys), minus NotResources; a selection naming
// neither Resources nor ListOfTags assigns every supported resource.

var backupReads = []string{"backup:ListBackupPlans", "backup:GetBackupPlan", "backup:ListBackupSelections", "backup:GetBackupSelection"}

func init() {
	register(
		&Rule{ID: "dynamodb.backup-plan-coverage", Title: "DynamoDB tables are covered by an AWS Backup plan", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::DynamoDB::Table", Services: []string{"dynamodb", "backup"},
			Reads:       append([]string{"dynamodb:ListTables"}, backupReads...),
			Rationale:   "Point-in-time recovery keeps 35 days inside the table's own account; a backup plan keeps scheduled copies with their own retention, in a vault that can be locked and copied to another account.",
			Remediation: "Assign the table to a backup plan with at least one rule: by ARN (arn:aws:dynamodb:*:*:table/*) or by a tag the plan's resource assignment selects.",
			Mappings:    findings.Mappings{ConfigRule: "DYNAMODB_RESOURCES_PROTECTED_BY_BACKUP_PLAN", SecurityHub: "DynamoDB.4", NistCsf: "PR.DS"},
			check:       checkDynamoDBBackupCoverage},
		&Rule{ID: "ec2.volume-backup-plan-coverage", Title: "EBS volumes are covered by an AWS Backup plan", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::Volume", Services: []string{"ec2", "backup"},
			Reads:       append([]string{"ec2:DescribeVolumes"}, backupReads...),
			Rationale:   "A volume outside every backup plan has no scheduled snapshots: a deleted or corrupted volume cannot be restored.",
			Remediation: "Assign the volume to a backup plan with at least one rule: by ARN (arn:aws:ec2:*:*:volume/*) or by a tag the plan's resource assignment selects.",
			Mappings:    findings.Mappings{ConfigRule: "EBS_RESOURCES_PROTECTED_BY_BACKUP_PLAN", SecurityHub: "EC2.28", NistCsf: "PR.DS"},
			check:       checkEBSBackupCoverage},
		&Rule{ID: "rds.backup-plan-coverage", Title: "RDS DB instances are covered by an AWS Backup plan", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::RDS::DBInstance", Services: []string{"rds", "backup"},
			Reads:       append([]string{"rds:DescribeDBInstances"}, backupReads...),
			Rationale:   "Automated RDS backups disappear with the instance; a backup plan keeps snapshots with their own retention in a vault, which can be locked and copied to another account.",
			Remediation: "Assign the instance to a backup plan with at least one rule: by ARN (arn:aws:rds:*:*:db:*) or by a tag the plan's resource assignment selects.",
			Mappings:    findings.Mappings{ConfigRule: "RDS_RESOURCES_PROTECTED_BY_BACKUP_PLAN", SecurityHub: "RDS.26", NistCsf: "PR.DS"},
			check:       checkRDSBackupCoverage},
	)
}

// backupTarget is a resource the coverage rules judge. tags is nil when
// the snapshot holds no tags for the resource type (DynamoDB tables).
type backupTarget struct {
	arn, name string
	tags      map[string]string
}

// backupSel is one resource assignment of a plan that has rules.
type backupSel struct {
	plan, name string
	sel        *backuptypes.BackupSelection
}

// backupAssignments reads the region's backup plans and returns the
// selections of the plans that have at least one rule. problems names
// the plans or selections that could not be read: a resource no readable
// selection covers is then an ERROR, not a FAILED.
func backupAssignments(c *Ctx) (sels []backupSel, problems []error, err error) {
	plans, err := get[backup.ListBackupPlansOutput](c.v, c.Region, "backup", "ListBackupPlans")
	if err != nil {
		return nil, nil, err
	}
	for _, m := range plans.BackupPlansList {
		id := aws(m.BackupPlanId)
		name := nonEmpty(aws(m.BackupPlanName), id)
		p, err := getRes[backup.GetBackupPlanOutput](c.v, c.Region, "backup", "GetBackupPlan", id)
		if err != nil {
			if _, ok := benign(err); !ok {
				problems = append(problems, fmt.Errorf("backup plan %s: %w", name, err))
			}
			continue
		}
		if p.BackupPlan == nil || len(p.BackupPlan.Rules) == 0 {
			continue // a plan without rules backs nothing up
		}
		list, err := getRes[backup.ListBackupSelectionsOutput](c.v, c.Region, "backup", "ListBackupSelections", id)
		if err != nil {
			if _, ok := benign(err); !ok {
				problems = append(problems, fmt.Errorf("selections of backup plan %s: %w", name, err))
			}
			continue
		}
		for _, s := range list.BackupSelectionsList {
			sid := aws(s.SelectionId)
			g, err := getRes[backup.GetBackupSelectionOutput](c.v, c.Region, "backup", "GetBackupSelection", id+"|"+sid)
			if err != nil {
				if _, ok := benign(err); !ok {
					problems = append(problems, fmt.Errorf("selection %s of backup plan %s: %w", nonEmpty(aws(s.SelectionName), sid), name, err))
				}
				continue
			}
			if g.BackupSelection == nil {
				problems = append(problems, fmt.Errorf("selection %s of backup plan %s: GetBackupSelection gives no selection", sid, name))
				continue
			}
			sels = append(sels, backupSel{plan: name, name: nonEmpty(aws(g.BackupSelection.SelectionName), sid), sel: g.BackupSelection})
		}
	}
	return sels, problems, nil
}

// judgeBackupCoverage reports each target PASSED when a selection of a
// plan with rules assigns it, FAILED otherwise; ERROR when it is not
// assigned but a plan or selection could not be read.
func judgeBackupCoverage(c *Ctx, kind string, targets []backupTarget) error {
	if len(targets) == 0 {
		return nil
	}
	sels, problems, err := backupAssignments(c)
	if err != nil {
		return err
	}
	for _, t := range targets {
		var by, needTags []string
		for _, s := range sels {
			switch selects(s.sel, t) {
			case selYes:
				by = append(by, s.plan+"/"+s.name)
			case selUnknown:
				needTags = append(needTags, s.plan+"/"+s.name)
			}
		}
		switch {
		case len(by) > 0:
			c.Pass(t.arn, "%s %s is assigned to backup plan %s", kind, t.name, strings.Join(by, ", "))
		case len(problems) > 0:
			c.Err(t.arn, fmt.Errorf("%s %s is in no backup plan that could be read, and %w", kind, t.name, problems[0]))
		case len(needTags) > 0:
			c.Fail(t.arn, "%s %s is not assigned by ARN to a backup plan with rules; %s select by tags, which orgrail does not collect for this resource type",
				kind, t.name, strings.Join(needTags, ", "))
		default:
			c.Fail(t.arn, "%s %s is not assigned to any backup plan with rules", kind, t.name)
		}
	}
	return nil
}

type selResult int

const (
	selNo selResult = iota
	selYes
	selUnknown // the answer depends on tags the snapshot lacks
)

// selects decides whether a backup selection assigns the target.
func selects(s *backuptypes.BackupSelection, t backupTarget) selResult {
	for _, p := range s.NotResources {
		if arnLike(p, t.arn) {
			return selNo
		}
	}
	res := selNo
	if len(s.Resources) == 0 && len(s.ListOfTags) == 0 {
		res = selYes // neither names resources: every supported resource
	}
	for _, p := range s.Resources {
		if arnLike(p, t.arn) {
			res = selYes
		}
	}
	if res == selNo && len(s.ListOfTags) > 0 {
		if t.tags == nil {
			res = selUnknown
		}
		for _, cond := range s.ListOfTags {
			if v, ok := t.tags[tagKey(aws(cond.ConditionKey))]; ok && v == aws(cond.ConditionValue) {
				res = selYes
			}
		}
	}
	if res == selNo || s.Conditions == nil {
		return res
	}
	cs := s.Conditions
	if len(cs.StringEquals)+len(cs.StringLike)+len(cs.StringNotEquals)+len(cs.StringNotLike) == 0 {
		return res
	}
	if t.tags == nil {
		return selUnknown
	}
	all := func(params []backuptypes.ConditionParameter, ok func(v, want string) bool) bool {
		for _, p := range params {
			// A resource without the tag key matches no operator: AWS
			// documents each one as filtering "your tagged resources".
			v, has := t.tags[tagKey(aws(p.ConditionKey))]
			if !has || !ok(v, aws(p.ConditionValue)) {
				return false
			}
		}
		return true
	}
	if all(cs.StringEquals, func(v, w string) bool { return v == w }) &&
		all(cs.StringLike, func(v, w string) bool { return backupGlob(w, v) }) &&
		all(cs.StringNotEquals, func(v, w string) bool { return v != w }) &&
		all(cs.StringNotLike, func(v, w string) bool { return !backupGlob(w, v) }) {
		return res
	}
	return selNo
}

// tagKey strips the aws:ResourceTag/ prefix of a condition key; a
// ListOfTags key may name the tag key alone.
func tagKey(k string) string {
	return strings.TrimPrefix(k, "aws:ResourceTag/")
}

// arnLike matches a resource ARN against a selection's ARN pattern, in
// which * stands for any run of characters ("*" alone for everything).
func arnLike(pattern, arn string) bool {
	return backupGlob(pattern, arn)
}

// backupGlob matches s against a pattern whose only wildcard is *, the
// one AWS Backup documents for ARNs and StringLike (no ?, unlike IAM).
func backupGlob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}

func checkDynamoDBBackupCoverage(c *Ctx) error {
	var targets []backupTarget
	if err := eachTable(c, func(name, arn string) {
		targets = append(targets, backupTarget{arn: arn, name: name})
	}); err != nil {
		return err
	}
	return judgeBackupCoverage(c, "table", targets)
}

func checkEBSBackupCoverage(c *Ctx) error {
	out, err := get[ec2.DescribeVolumesOutput](c.v, c.Region, "ec2", "DescribeVolumes")
	if err != nil {
		return err
	}
	if len(out.Volumes) == 0 {
		c.NA("", "no EBS volumes in %s", c.Region)
	}
	targets := make([]backupTarget, 0, len(out.Volumes))
	for _, v := range out.Volumes {
		id := aws(v.VolumeId)
		tags := map[string]string{}
		for _, t := range v.Tags {
			tags[aws(t.Key)] = aws(t.Value)
		}
		targets = append(targets, backupTarget{arn: c.arn("ec2", c.Region, c.Account.Id, "volume/"+id), name: id, tags: tags})
	}
	return judgeBackupCoverage(c, "volume", targets)
}

func checkRDSBackupCoverage(c *Ctx) error {
	out, err := dbInstances(c)
	if err != nil {
		return err
	}
	targets := make([]backupTarget, 0, len(out.DBInstances))
	for _, db := range out.DBInstances {
		targets = append(targets, rdsBackupTarget(c, db))
	}
	return judgeBackupCoverage(c, "DB instance", targets)
}

func rdsBackupTarget(c *Ctx, db rdstypes.DBInstance) backupTarget {
	id := aws(db.DBInstanceIdentifier)
	tags := map[string]string{}
	for _, t := range db.TagList {
		tags[aws(t.Key)] = aws(t.Value)
	}
	return backupTarget{arn: nonEmpty(aws(db.DBInstanceArn), c.arn("rds", c.Region, c.accountID(), "db:"+id)), name: id, tags: tags}
}
