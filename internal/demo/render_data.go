package demo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func keyPolicy(a *acct) string {
	return compact(policyDoc(
		statement("EnableIAMPolicies", "Allow", "Principal", m{"AWS": "arn:aws:iam::" + a.Id + ":root"}, "Action", "kms:*", "Resource", "*"),
		statement("AllowServicesInAccount", "Allow", "Principal", m{"AWS": "*"},
			"Action", []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"}, "Resource", "*",
			"Condition", m{"StringEquals": m{"kms:CallerAccount": a.Id}})))
}

func renderKMS(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "kms")
	keys := []kmstypes.KeyListEntry{}
	aliases := []kmstypes.AliasListEntry{}
	for _, k := range rr.keys {
		arn := keyARN(a, rr.region, k.id)
		keys = append(keys, kmstypes.KeyListEntry{KeyId: aws.String(k.id), KeyArn: aws.String(arn)})
		aliases = append(aliases, kmstypes.AliasListEntry{AliasName: aws.String("alias/" + k.alias),
			AliasArn:    aws.String(fmt.Sprintf("arn:aws:kms:%s:%s:alias/%s", rr.region, a.Id, k.alias)),
			TargetKeyId: aws.String(k.id), CreationDate: ptime(k.created), LastUpdatedDate: ptime(k.created)})
		md := &kmstypes.KeyMetadata{KeyId: aws.String(k.id), Arn: aws.String(arn), AWSAccountId: aws.String(a.Id),
			CreationDate: ptime(k.created), Enabled: true, KeyState: kmstypes.KeyStateEnabled, KeyManager: kmstypes.KeyManagerTypeCustomer,
			KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt, KeySpec: kmstypes.KeySpecSymmetricDefault,
			CustomerMasterKeySpec: kmstypes.CustomerMasterKeySpecSymmetricDefault, Origin: kmstypes.OriginTypeAwsKms,
			MultiRegion: aws.Bool(false), Description: aws.String("Kumo Foods " + k.alias),
			EncryptionAlgorithms: []kmstypes.EncryptionAlgorithmSpec{kmstypes.EncryptionAlgorithmSpecSymmetricDefault}}
		if !k.deletion.IsZero() {
			md.Enabled, md.KeyState = false, kmstypes.KeyStatePendingDeletion
			md.DeletionDate, md.PendingDeletionWindowInDays = ptime(k.deletion), aws.Int32(30)
		}
		f.res("DescribeKey", k.id, kms.DescribeKeyOutput{KeyMetadata: md})
		f.res("GetKeyPolicy", k.id, kms.GetKeyPolicyOutput{Policy: aws.String(keyPolicy(a)), PolicyName: aws.String("default")})
		rot := kms.GetKeyRotationStatusOutput{KeyId: aws.String(arn), KeyRotationEnabled: k.rotation}
		if k.rotation {
			rot.RotationPeriodInDays = aws.Int32(365)
			rot.NextRotationDate = ptime(k.created.AddDate(4, 0, 0))
		}
		f.res("GetKeyRotationStatus", k.id, rot)
	}
	f.put("ListKeys", kms.ListKeysOutput{Keys: keys})
	f.put("ListAliases", kms.ListAliasesOutput{Aliases: aliases})
	return f
}

func renderRDS(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "rds")
	dbs := []rdstypes.DBInstance{}
	var dbSG string
	for _, g := range rr.sgs {
		if g.name == a.system+"-db" {
			dbSG = g.id
		}
	}
	for _, d := range rr.dbs {
		inst := rdstypes.DBInstance{DBInstanceIdentifier: aws.String(d.id), DBInstanceArn: aws.String(dbARN(a, rr.region, d.id)),
			DBInstanceClass: aws.String("db.t4g.medium"), Engine: aws.String(d.engine), EngineVersion: aws.String(engineVersion(d.engine)),
			DBInstanceStatus: aws.String("available"), PubliclyAccessible: aws.Bool(d.public), StorageEncrypted: aws.Bool(d.encrypted),
			MultiAZ: aws.Bool(true), BackupRetentionPeriod: aws.Int32(7), DeletionProtection: aws.Bool(true),
			AutoMinorVersionUpgrade: aws.Bool(true), IAMDatabaseAuthenticationEnabled: aws.Bool(true), CopyTagsToSnapshot: aws.Bool(true),
			EnabledCloudwatchLogsExports: []string{"postgresql", "upgrade"}, MonitoringInterval: aws.Int32(60),
			MasterUsername: aws.String(d.admin), AllocatedStorage: aws.Int32(100), StorageType: aws.String("gp3"),
			InstanceCreateTime: ptime(d.created), AvailabilityZone: aws.String(rr.region + "a"),
			Endpoint: &rdstypes.Endpoint{Address: aws.String(fmt.Sprintf("%s.c9kumo0demo.%s.rds.amazonaws.com", d.id, rr.region)), Port: aws.Int32(d.port)},
			DBSubnetGroup: &rdstypes.DBSubnetGroup{DBSubnetGroupName: aws.String(a.system + "-db"), VpcId: aws.String(d.vpcID),
				SubnetGroupStatus: aws.String("Complete"), DBSubnetGroupDescription: aws.String("database subnets")},
			VpcSecurityGroups: []rdstypes.VpcSecurityGroupMembership{{VpcSecurityGroupId: aws.String(dbSG), Status: aws.String("active")}},
			TagList:           rdsTags(d.tags), DbiResourceId: aws.String("db-" + randString(newRand(uint64(a.index), 7), upperAlnum, 26))}
		if d.encrypted {
			inst.KmsKeyId = aws.String(keyARN(a, rr.region, d.kmsKey))
		}
		if d.cluster != "" {
			// Aurora members: the cluster holds logs, tags, deletion protection.
			inst.DBClusterIdentifier, inst.EnabledCloudwatchLogsExports = aws.String(d.cluster), nil
			inst.MultiAZ, inst.DeletionProtection, inst.CopyTagsToSnapshot = aws.Bool(false), aws.Bool(false), aws.Bool(false)
		}
		dbs = append(dbs, inst)
	}
	f.put("DescribeDBInstances", rds.DescribeDBInstancesOutput{DBInstances: dbs})
	renderRDSClusters(f, a, rr)
	snaps := []rdstypes.DBSnapshot{}
	for _, s := range rr.dbSnapshots {
		snaps = append(snaps, rdstypes.DBSnapshot{DBSnapshotIdentifier: aws.String(s.id), DBInstanceIdentifier: aws.String(s.db),
			DBSnapshotArn: aws.String(fmt.Sprintf("arn:aws:rds:%s:%s:snapshot:%s", rr.region, a.Id, s.id)),
			SnapshotType:  aws.String("manual"), Encrypted: aws.Bool(false), Status: aws.String("available"), Engine: aws.String("postgres"),
			SnapshotCreateTime: ptime(End.AddDate(0, 0, -9)), AllocatedStorage: aws.Int32(100), TagList: []rdstypes.Tag{}})
		values := []string{}
		if s.public {
			values = append(values, "all")
		}
		f.res("DescribeDBSnapshotAttributes", s.id, rds.DescribeDBSnapshotAttributesOutput{DBSnapshotAttributesResult: &rdstypes.DBSnapshotAttributesResult{
			DBSnapshotIdentifier: aws.String(s.id), DBSnapshotAttributes: []rdstypes.DBSnapshotAttribute{{AttributeName: aws.String("restore"), AttributeValues: values}}}})
	}
	f.put("DescribeDBSnapshots", rds.DescribeDBSnapshotsOutput{DBSnapshots: snaps})
	return f
}

func rdsTags(t map[string]string) []rdstypes.Tag {
	out := []rdstypes.Tag{}
	for _, k := range sortedKeys(t) {
		out = append(out, rdstypes.Tag{Key: aws.String(k), Value: aws.String(t[k])})
	}
	return out
}

func renderLambda(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "lambda")
	fns := []lambdatypes.FunctionConfiguration{}
	for _, fn := range rr.functions {
		arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", rr.region, a.Id, fn.name)
		cfg := lambdatypes.FunctionConfiguration{FunctionName: aws.String(fn.name), FunctionArn: aws.String(arn),
			Runtime: lambdatypes.RuntimePython313, Role: aws.String(fn.role), Handler: aws.String("app.handler"), CodeSize: 48213,
			LastModified: aws.String(End.AddDate(0, 0, -6).Format("2006-01-02T15:04:05.000+0000")), MemorySize: aws.Int32(512),
			Timeout: aws.Int32(30), PackageType: lambdatypes.PackageTypeZip, Architectures: []lambdatypes.Architecture{lambdatypes.ArchitectureArm64},
			TracingConfig: &lambdatypes.TracingConfigResponse{Mode: lambdatypes.TracingModeActive}, Version: aws.String("$LATEST")}
		for _, g := range rr.sgs {
			if g.name == a.system+"-app" && len(rr.vpcs) > 0 {
				subnets := rr.vpcs[0].subnets
				if fn.singleAZ {
					subnets = subnets[:1]
				}
				cfg.VpcConfig = &lambdatypes.VpcConfigResponse{VpcId: aws.String(rr.vpcs[0].id), SubnetIds: subnets,
					SecurityGroupIds: []string{g.id}}
			}
		}
		fns = append(fns, cfg)
		if fn.public {
			f.res("GetPolicy", fn.name, lambda.GetPolicyOutput{RevisionId: aws.String(uuid(newRand(uint64(a.index), 11))),
				Policy: aws.String(compact(jsonDoc(m{"Version": "2012-10-17", "Id": "default", "Statement": []m{{
					"Sid": "public-invoke", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": arn}}})))})
		} else {
			f.SetResourceError("GetPolicy", fn.name, "ResourceNotFoundException")
		}
	}
	f.put("ListFunctions", lambda.ListFunctionsOutput{Functions: fns})
	return f
}

func renderSQS(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "sqs")
	urls := []string{}
	for _, q := range rr.queues {
		url := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", rr.region, a.Id, q)
		arn := fmt.Sprintf("arn:aws:sqs:%s:%s:%s", rr.region, a.Id, q)
		urls = append(urls, url)
		f.res("GetQueueAttributes", url, sqs.GetQueueAttributesOutput{Attributes: map[string]string{
			"QueueArn": arn, "SqsManagedSseEnabled": "true", "VisibilityTimeout": "60", "MessageRetentionPeriod": "345600",
			"CreatedTimestamp": fmt.Sprint(a.JoinedTimestamp.Add(32 * time.Hour).Unix()), "DelaySeconds": "0",
			"Policy": compact(policyDoc(statement("DenyInsecureTransport", "Deny", "Principal", "*", "Action", "sqs:*", "Resource", arn,
				"Condition", m{"Bool": m{"aws:SecureTransport": "false"}})))}})
	}
	f.put("ListQueues", sqs.ListQueuesOutput{QueueUrls: urls})
	return f
}

func renderSNS(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "sns")
	topics := []snstypes.Topic{}
	for _, t := range rr.topics {
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", rr.region, a.Id, t.name)
		topics = append(topics, snstypes.Topic{TopicArn: aws.String(arn)})
		attrs := map[string]string{"TopicArn": arn, "Owner": a.Id, "DisplayName": t.name, "SubscriptionsConfirmed": "2",
			"SubscriptionsPending": "0", "SubscriptionsDeleted": "0",
			"Policy": compact(policyDoc(statement("OwnerOnly", "Allow", "Principal", m{"AWS": "arn:aws:iam::" + a.Id + ":root"},
				"Action", []string{"SNS:Publish", "SNS:Subscribe", "SNS:GetTopicAttributes"}, "Resource", arn)))}
		if t.policy != "" {
			attrs["Policy"] = t.policy
		}
		if t.encrypted {
			attrs["KmsMasterKeyId"] = "alias/" + a.Name + "-data"
		}
		if !t.noDeliveryLog {
			// Delivery status of SQS and Lambda endpoints goes to CloudWatch Logs.
			role := "arn:aws:iam::" + a.Id + ":role/" + snsFeedbackRole
			attrs["SQSSuccessFeedbackRoleArn"], attrs["SQSFailureFeedbackRoleArn"], attrs["SQSSuccessFeedbackSampleRate"] = role, role, "100"
			attrs["LambdaSuccessFeedbackRoleArn"], attrs["LambdaFailureFeedbackRoleArn"], attrs["LambdaSuccessFeedbackSampleRate"] = role, role, "100"
		}
		f.res("GetTopicAttributes", arn, sns.GetTopicAttributesOutput{Attributes: attrs})
	}
	f.put("ListTopics", sns.ListTopicsOutput{Topics: topics})
	return f
}

func renderSecrets(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "secretsmanager")
	list := []smtypes.SecretListEntry{}
	for _, s := range rr.secrets {
		arn := secretARN(a, rr.region, s.name)
		e := smtypes.SecretListEntry{ARN: aws.String(arn), Name: aws.String(s.name), KmsKeyId: aws.String(keyARN(a, rr.region, s.kmsKey)),
			RotationEnabled: aws.Bool(s.rotation), CreatedDate: ptime(s.created), LastChangedDate: ptime(End.AddDate(0, 0, -4)),
			LastAccessedDate: ptime(End.AddDate(0, 0, -1).Truncate(24 * time.Hour)), Tags: []smtypes.Tag{}}
		if s.rotation {
			e.RotationLambdaARN = aws.String(fmt.Sprintf("arn:aws:lambda:%s:%s:function:SecretsManagerRDSPostgreSQLRotationSingleUser", rr.region, a.Id))
			e.RotationRules = &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)}
			e.LastRotatedDate = ptime(End.AddDate(0, 0, -4))
			e.NextRotationDate = ptime(End.AddDate(0, 0, 26))
		}
		list = append(list, e)
		f.res("GetResourcePolicy", arn, secretsmanager.GetResourcePolicyOutput{ARN: aws.String(arn), Name: aws.String(s.name)})
	}
	f.put("ListSecrets", secretsmanager.ListSecretsOutput{SecretList: list})
	return f
}

func renderECR(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "ecr")
	repos := []ecrtypes.Repository{}
	for _, r := range rr.repos {
		mut := ecrtypes.ImageTagMutabilityImmutable
		if r.mutable {
			mut = ecrtypes.ImageTagMutabilityMutable
		}
		repos = append(repos, ecrtypes.Repository{RepositoryName: aws.String(r.name), RepositoryArn: aws.String(repositoryARN(a, rr.region, r.name)),
			RegistryId: aws.String(a.Id), RepositoryUri: aws.String(fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", a.Id, rr.region, r.name)),
			CreatedAt: ptime(r.created), ImageTagMutability: mut,
			ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: r.scanOnPush},
			EncryptionConfiguration:    &ecrtypes.EncryptionConfiguration{EncryptionType: ecrtypes.EncryptionTypeAes256}})
		if r.policy != "" {
			f.res("GetRepositoryPolicy", r.name, ecr.GetRepositoryPolicyOutput{RegistryId: aws.String(a.Id), RepositoryName: aws.String(r.name), PolicyText: aws.String(r.policy)})
		} else {
			f.SetResourceError("GetRepositoryPolicy", r.name, "RepositoryPolicyNotFoundException")
		}
		if r.lifecycle {
			f.res("GetLifecyclePolicy", r.name, ecr.GetLifecyclePolicyOutput{RegistryId: aws.String(a.Id), RepositoryName: aws.String(r.name),
				LifecyclePolicyText: aws.String(`{"rules":[{"rulePriority":1,"description":"expire untagged images after 14 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}`),
				LastEvaluatedAt:     ptime(End.AddDate(0, 0, -1).Truncate(24 * time.Hour))})
		} else {
			f.SetResourceError("GetLifecyclePolicy", r.name, "LifecyclePolicyNotFoundException")
		}
	}
	f.put("DescribeRepositories", ecr.DescribeRepositoriesOutput{Repositories: repos})
	f.put("GetRegistryScanningConfiguration", ecr.GetRegistryScanningConfigurationOutput{RegistryId: aws.String(a.Id),
		ScanningConfiguration: &ecrtypes.RegistryScanningConfiguration{ScanType: ecrtypes.ScanTypeBasic, Rules: []ecrtypes.RegistryScanningRule{}}})
	return f
}
