package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orgrail/orgrail/internal/findings"
)

// Documented outcomes of the SQS, SNS and Secrets Manager rules.
const (
	qSQS1        = "This control checks whether an Amazon SQS queue is encrypted at rest. The control fails if the queue isn't encrypted with an SQS-managed key (SSE-SQS) or an AWS Key Management Service (AWS KMS) key (SSE-KMS)."
	qSQSPublic   = "Checks if the SQS queue access policy allows public access. The rule is NON_COMPLIANT if the SQS queue access policy allows public access."
	qSQSFixed    = "To be considered non-public, an SQS policy must grant access only to fixed values. This means values that don't contain a wildcard or the following IAM policy element: Variables."
	qSNSKMS      = "Checks if SNS topics are encrypted with AWS Key Management Service (AWS KMS). The rule is NON_COMPLIANT if an SNS topic is not encrypted with AWS KMS."
	qSNSPublic   = "Checks if the SNS topic access policy allows public access. The rule is NON_COMPLIANT if the SNS topic access policy allows public access."
	qSNSFixed    = "To be considered non-public, an SNS policy must grant access only to fixed values. This means values that don't contain a wildcard or the following IAM policy element: Variables."
	qSecretRot   = "Checks if AWS Secrets Manager secret has rotation enabled. ... The rule is NON_COMPLIANT if the secret is not scheduled for rotation."
	qSecretBlock = "Specifies whether to block resource-based policies that allow broad access to the secret, for example those that use a wildcard for the principal."
	smPutPolicy  = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html"
)

func secretEntry(f *fx) *secretsmanager.ListSecretsOutput {
	return op[secretsmanager.ListSecretsOutput](f, acctW, region1, "secretsmanager", "ListSecrets")
}

func setSecretPolicy(f *fx, doc string) {
	sec := "arn:aws:secretsmanager:" + region1 + ":" + acctW + ":secret:db-AbCdEf"
	res[secretsmanager.GetResourcePolicyOutput](f, acctW, region1, "secretsmanager", "GetResourcePolicy", sec).ResourcePolicy = awsv2.String(doc)
}

// publicStatement is an Allow to Principal "*" with an optional condition.
func publicStatement(action, resource, condition string) string {
	c := ""
	if condition != "" {
		c = `,"Condition":` + condition
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"` + action + `","Resource":"` + resource + `"` + c + `}]}`
}

func init() {
	queueArn := "arn:aws:sqs:" + region1 + ":" + acctW + ":jobs"
	topicArn := "arn:aws:sns:" + region1 + ":" + acctW + ":alerts"
	sqsCtl, sqsPub := shDoc("sqs-controls"), cfgDoc("sqs-queue-no-public-access")
	snsKMS, snsPub := cfgDoc("sns-encrypted-kms"), cfgDoc("sns-topic-no-public-access")
	smRot := cfgDoc("secretsmanager-rotation-enabled-check")
	addDocCases(
		// SQS.1
		docCase{Rule: "sqs.queue-encrypted", Source: sqsCtl, Quote: qSQS1, Name: "SSE-SQS", Want: findings.Passed},
		docCase{Rule: "sqs.queue-encrypted", Source: sqsCtl, Quote: qSQS1, Name: "neither SSE-SQS nor SSE-KMS",
			Mutate: func(f *fx) { queueAttrs(f)["SqsManagedSseEnabled"] = "false" }, Want: findings.Failed},
		docCase{Rule: "sqs.queue-encrypted", Source: sqsCtl, Quote: qSQS1, Name: "SSE-KMS with the AWS managed key",
			Mutate: func(f *fx) {
				queueAttrs(f)["SqsManagedSseEnabled"] = "false"
				queueAttrs(f)["KmsMasterKeyId"] = "alias/aws/sqs"
			}, Want: findings.Passed},

		// SQS_QUEUE_NO_PUBLIC_ACCESS
		docCase{Rule: "sqs.queue-not-public", Source: sqsPub, Quote: qSQSPublic, Name: "Principal * may send",
			Mutate: func(f *fx) { queueAttrs(f)["Policy"] = publicStatement("sqs:SendMessage", queueArn, "") }, Want: findings.Failed},
		docCase{Rule: "sqs.queue-not-public", Source: sqsPub, Quote: qSQSFixed, Name: "Principal * narrowed to a fixed aws:SourceArn",
			Mutate: func(f *fx) {
				queueAttrs(f)["Policy"] = publicStatement("sqs:SendMessage", queueArn, `{"ArnEquals":{"aws:SourceArn":"`+topicArn+`"}}`)
			}, Want: findings.Passed},
		docCase{Rule: "sqs.queue-not-public", Source: sqsPub, Quote: qSQSFixed, Name: "Principal * narrowed by a wildcard aws:SourceArn",
			Mutate: func(f *fx) {
				queueAttrs(f)["Policy"] = publicStatement("sqs:SendMessage", queueArn, `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:alerts"}}`)
			}, Want: findings.Failed},
		docCase{Rule: "sqs.queue-not-public", Source: sqsPub, Quote: qSQSPublic, Name: "another account as principal",
			Mutate: func(f *fx) {
				queueAttrs(f)["Policy"] = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:root"},"Action":"sqs:SendMessage","Resource":"` + queueArn + `"}]}`
			}, Want: findings.Passed},

		// SNS.1
		docCase{Rule: "sns.topic-encrypted", Source: snsKMS, Quote: qSNSKMS, Name: "KmsMasterKeyId set", Want: findings.Passed},
		docCase{Rule: "sns.topic-encrypted", Source: snsKMS, Quote: qSNSKMS, Name: "no KmsMasterKeyId",
			Mutate: func(f *fx) { delete(topicAttrs(f), "KmsMasterKeyId") }, Want: findings.Failed},
		docCase{Rule: "sns.topic-encrypted", Source: snsKMS, Quote: qSNSKMS, Name: "the AWS managed key alias/aws/sns",
			Mutate: func(f *fx) { topicAttrs(f)["KmsMasterKeyId"] = "alias/aws/sns" }, Want: findings.Passed},

		// SNS_TOPIC_NO_PUBLIC_ACCESS
		docCase{Rule: "sns.topic-not-public", Source: snsPub, Quote: qSNSPublic, Name: "Principal * may publish without a condition",
			Mutate: func(f *fx) { topicAttrs(f)["Policy"] = publicStatement("SNS:Publish", topicArn, "") }, Want: findings.Failed},
		docCase{Rule: "sns.topic-not-public", Source: snsPub, Quote: qSNSFixed, Name: "Principal * narrowed to a fixed AWS:SourceOwner",
			Want: findings.Passed},
		docCase{Rule: "sns.topic-not-public", Source: snsPub, Quote: qSNSFixed, Name: "Principal * narrowed by a policy variable",
			Mutate: func(f *fx) {
				topicAttrs(f)["Policy"] = publicStatement("SNS:Publish", topicArn, `{"StringEquals":{"aws:PrincipalAccount":"${aws:username}"}}`)
			}, Want: findings.Failed},

		// SecretsManager.1
		docCase{Rule: "secretsmanager.rotation-enabled", Source: smRot, Quote: qSecretRot, Name: "rotation enabled", Want: findings.Passed},
		docCase{Rule: "secretsmanager.rotation-enabled", Source: smRot, Quote: qSecretRot, Name: "rotation disabled",
			Mutate: func(f *fx) { secretEntry(f).SecretList[0].RotationEnabled = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "secretsmanager.rotation-enabled", Source: smRot, Quote: qSecretRot, Name: "rotation never configured (field absent)",
			Mutate: func(f *fx) { secretEntry(f).SecretList[0].RotationEnabled = nil }, Want: findings.Failed},

		// Secret resource policies: BlockPublicPolicy's definition of broad access
		docCase{Rule: "secretsmanager.secret-not-public", Source: smPutPolicy, Quote: qSecretBlock, Name: "wildcard principal",
			Mutate: func(f *fx) { setSecretPolicy(f, publicStatement("secretsmanager:GetSecretValue", "*", "")) }, Want: findings.Failed},
		docCase{Rule: "secretsmanager.secret-not-public", Source: smPutPolicy, Quote: qSecretBlock, Name: "no resource policy", Want: findings.Passed},
		docCase{Rule: "secretsmanager.secret-not-public", Source: smPutPolicy, Quote: qSecretBlock, Name: "a named role of another account",
			Mutate: func(f *fx) {
				setSecretPolicy(f, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:role/reader"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)
			}, Want: findings.Passed},
	)
}
