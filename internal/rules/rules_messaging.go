package rules

import (
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(
		&Rule{ID: "sqs.queue-encrypted", Title: "SQS queues are encrypted at rest", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::SQS::Queue", Services: []string{"sqs"},
			Rationale:   "Messages often carry personal or payment data; SSE keeps them encrypted on disk.",
			Remediation: "Enable SSE-SQS or SSE-KMS on the queue (SqsManagedSseEnabled=true or KmsMasterKeyId).",
			Mappings:    findings.Mappings{SecurityHub: "SQS.1", NistCsf: "PR.DS"},
			check:       checkSQSEncrypted},
		&Rule{ID: "sqs.queue-not-public", Title: "SQS queue policies do not allow everyone", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: "AWS::SQS::Queue", Services: []string{"sqs"},
			Rationale:   "A public queue lets anyone read or inject messages.",
			Remediation: "Restrict the queue policy's principals or add aws:SourceArn / aws:PrincipalOrgID conditions.",
			Mappings:    findings.Mappings{ConfigRule: "SQS_QUEUE_NO_PUBLIC_ACCESS", NistCsf: "PR.AA"},
			check:       checkSQSPublic},
		&Rule{ID: "sns.topic-encrypted", Title: "SNS topics are encrypted with KMS", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::SNS::Topic", Services: []string{"sns"},
			Rationale:   "Encrypting topics with KMS protects messages at rest and gates publishing on the key policy.",
			Remediation: "Set KmsMasterKeyId on the topic.",
			Mappings:    findings.Mappings{ConfigRule: "SNS_ENCRYPTED_KMS", SecurityHub: "SNS.1", NistCsf: "PR.DS"},
			check:       checkSNSEncrypted},
		&Rule{ID: "sns.topic-not-public", Title: "SNS topic policies do not allow everyone", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: "AWS::SNS::Topic", Services: []string{"sns"},
			Rationale:   "A public topic lets anyone publish (phishing through your notifications) or subscribe.",
			Remediation: "Restrict the topic policy's principals or add an aws:SourceOwner / aws:PrincipalOrgID condition.",
			Mappings:    findings.Mappings{ConfigRule: "SNS_TOPIC_NO_PUBLIC_ACCESS", NistCsf: "PR.AA"},
			check:       checkSNSPublic},
		&Rule{ID: "secretsmanager.rotation-enabled", Title: "Secrets Manager secrets rotate automatically", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::SecretsManager::Secret", Services: []string{"secretsmanager"},
			Rationale:   "Secrets that never change stay valid long after they leak.",
			Remediation: "Configure automatic rotation with a rotation function or managed rotation.",
			Mappings:    findings.Mappings{ConfigRule: "SECRETSMANAGER_ROTATION_ENABLED_CHECK", SecurityHub: "SecretsManager.1", NistCsf: "PR.AA"},
			check:       checkSecretRotation},
		&Rule{ID: "secretsmanager.secret-not-public", Title: "Secret resource policies do not allow everyone", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: "AWS::SecretsManager::Secret", Services: []string{"secretsmanager"},
			Rationale:   "A public secret policy lets any AWS account read the secret.",
			Remediation: "Remove Principal * from the secret's resource policy; Secrets Manager's block public policy option prevents it.",
			Mappings:    findings.Mappings{NistCsf: "PR.AA"},
			check:       checkSecretPublic},
	)
}

// eachQueue runs fn on every queue with its attributes.
func eachQueue(c *Ctx, fn func(url, arn string, attrs map[string]string)) error {
	lq, err := get[sqs.ListQueuesOutput](c.v, c.Region, "sqs", "ListQueues")
	if err != nil {
		return err
	}
	if len(lq.QueueUrls) == 0 {
		c.NA("", "no SQS queues in %s", c.Region)
	}
	for _, u := range lq.QueueUrls {
		qa, err := getRes[sqs.GetQueueAttributesOutput](c.v, c.Region, "sqs", "GetQueueAttributes", u)
		arn := c.arn("sqs", c.Region, c.Account.Id, lastSegment(u))
		if err != nil {
			c.Err(arn, err)
			continue
		}
		fn(u, nonEmpty(qa.Attributes["QueueArn"], arn), qa.Attributes)
	}
	return nil
}

func lastSegment(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[i+1:]
		}
	}
	return s
}

func checkSQSEncrypted(c *Ctx) error {
	return eachQueue(c, func(url, arn string, a map[string]string) {
		ok := a["SqsManagedSseEnabled"] == "true" || a["KmsMasterKeyId"] != ""
		c.Check(ok, arn, "queue is encrypted", "queue "+lastSegment(url)+" is not encrypted at rest")
	})
}

func checkSQSPublic(c *Ctx) error {
	return eachQueue(c, func(url, arn string, a map[string]string) {
		sts, err := parsePolicy(a["Policy"])
		if err != nil {
			c.Err(arn, err)
			return
		}
		c.Check(!anyPublic(sts), arn, "queue policy names its principals", "queue "+lastSegment(url)+" policy allows everyone")
	})
}

func eachTopic(c *Ctx, fn func(arn string, attrs map[string]string)) error {
	lt, err := get[sns.ListTopicsOutput](c.v, c.Region, "sns", "ListTopics")
	if err != nil {
		return err
	}
	if len(lt.Topics) == 0 {
		c.NA("", "no SNS topics in %s", c.Region)
	}
	for _, t := range lt.Topics {
		arn := aws(t.TopicArn)
		ta, err := getRes[sns.GetTopicAttributesOutput](c.v, c.Region, "sns", "GetTopicAttributes", arn)
		if err != nil {
			c.Err(arn, err)
			continue
		}
		fn(arn, ta.Attributes)
	}
	return nil
}

func checkSNSEncrypted(c *Ctx) error {
	return eachTopic(c, func(arn string, a map[string]string) {
		c.Check(a["KmsMasterKeyId"] != "", arn, "topic is encrypted with "+a["KmsMasterKeyId"], "topic "+lastColon(arn)+" is not encrypted with KMS")
	})
}

func lastColon(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return s[i+1:]
		}
	}
	return s
}

func checkSNSPublic(c *Ctx) error {
	return eachTopic(c, func(arn string, a map[string]string) {
		sts, err := parsePolicy(a["Policy"])
		if err != nil {
			c.Err(arn, err)
			return
		}
		c.Check(!anyPublic(sts), arn, "topic policy names its principals", "topic "+lastColon(arn)+" policy allows everyone")
	})
}

func eachSecret(c *Ctx, fn func(arn, name string, s *secretsmanager.ListSecretsOutput, i int)) error {
	ls, err := get[secretsmanager.ListSecretsOutput](c.v, c.Region, "secretsmanager", "ListSecrets")
	if err != nil {
		return err
	}
	if len(ls.SecretList) == 0 {
		c.NA("", "no secrets in %s", c.Region)
	}
	for i, s := range ls.SecretList {
		fn(aws(s.ARN), aws(s.Name), ls, i)
	}
	return nil
}

func checkSecretRotation(c *Ctx) error {
	return eachSecret(c, func(arn, name string, ls *secretsmanager.ListSecretsOutput, i int) {
		s := ls.SecretList[i]
		if aws(s.OwningService) != "" {
			c.NA(arn, "secret %s is managed by %s", name, aws(s.OwningService))
			return
		}
		c.Check(boolv(s.RotationEnabled), arn, "secret "+name+" rotates", "secret "+name+" has no automatic rotation")
	})
}

func checkSecretPublic(c *Ctx) error {
	return eachSecret(c, func(arn, name string, _ *secretsmanager.ListSecretsOutput, _ int) {
		rp, err := getRes[secretsmanager.GetResourcePolicyOutput](c.v, c.Region, "secretsmanager", "GetResourcePolicy", arn)
		if err != nil {
			c.Err(arn, err)
			return
		}
		sts, err := parsePolicy(aws(rp.ResourcePolicy))
		if err != nil {
			c.Err(arn, err)
			return
		}
		c.Check(!anyPublic(sts), arn, "secret policy names its principals", "secret "+name+" policy allows everyone")
	})
}
