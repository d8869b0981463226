package baseline

import "strings"

// AggregatorRole is the role the organization Config aggregator in the
// Audit account uses; the Audit stack creates it.
const AggregatorRole = "orgrail-config-aggregator"

// AuditTemplate renders the stack deployed in the Audit account's home
// region: the event bus that every account's forwarding rules send to
// (open to the organization only), an encrypted SNS topic, the rule that
// feeds the topic (subscribe orgrail's Lambda or people), and the role
// of the organization Config aggregator.
func AuditTemplate(s *Settings) (Template, error) {
	topicPolicy := policyDoc(withCondition(
		statement("EventBridgePublishes", "Allow", service("events.amazonaws.com"), "sns:Publish", ref("Topic")),
		obj{"ArnEquals": obj{"aws:SourceArn": getAtt("ForwardToTopic", "Arn")}}))
	doc := obj{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "orgrail baseline: the security account's event bus that receives every account's security events, its SNS topic, and the Config aggregator's role.",
		"Parameters": obj{
			"BusName":        stringParam("Name of the security event bus.", s.BusName),
			"TopicName":      stringParam("Name of the SNS topic fed by the bus.", s.TopicName),
			"OrganizationId": stringParam("AWS Organizations id (o-...): only its accounts may send.", s.OrgID),
		},
		"Resources": obj{
			"AggregatorRole": obj{"Type": "AWS::IAM::Role", "Properties": obj{
				"RoleName":                 AggregatorRole,
				"AssumeRolePolicyDocument": policyDoc(statement("ConfigAssumes", "Allow", service("config.amazonaws.com"), "sts:AssumeRole", nil)),
				"ManagedPolicyArns":        []any{sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations")},
			}},
			"Bus": obj{"Type": "AWS::Events::EventBus", "Properties": obj{"Name": ref("BusName")}},
			"BusPolicy": obj{"Type": "AWS::Events::EventBusPolicy", "Properties": obj{
				"EventBusName": ref("Bus"),
				"StatementId":  "OrganizationAccountsSend",
				"Statement": withCondition(statement("OrganizationAccountsSend", "Allow", obj{"AWS": "*"}, "events:PutEvents", getAtt("Bus", "Arn")),
					obj{"StringEquals": obj{"aws:PrincipalOrgID": ref("OrganizationId")}}),
			}},
			"Topic": obj{"Type": "AWS::SNS::Topic", "Properties": obj{
				"TopicName": ref("TopicName"), "KmsMasterKeyId": "alias/aws/sns"}},
			"TopicPolicy": obj{"Type": "AWS::SNS::TopicPolicy", "Properties": obj{
				"Topics": []any{ref("Topic")}, "PolicyDocument": topicPolicy}},
			"ForwardToTopic": obj{"Type": "AWS::Events::Rule", "Properties": obj{
				"Description":  "orgrail: every event forwarded to the security bus goes to the topic",
				"EventBusName": ref("Bus"),
				"EventPattern": obj{"source": []any{obj{"prefix": ""}}},
				"State":        "ENABLED",
				"Targets":      []any{obj{"Id": "topic", "Arn": ref("Topic")}},
			}},
		},
		"Outputs": obj{
			"BusArn":   obj{"Value": getAtt("Bus", "Arn")},
			"TopicArn": obj{"Value": ref("Topic")},
		},
	}
	body, err := render(doc)
	return Template{Name: StackSetAudit, Body: body, Parameters: map[string]string{
		"BusName": s.BusName, "TopicName": s.TopicName, "OrganizationId": s.OrgID}}, err
}

// BusArn returns the ARN of the security event bus in the Audit account.
func (s *Settings) BusArn() string {
	return "arn:" + Partition(s.HomeRegion) + ":events:" + s.HomeRegion + ":" + s.AuditID + ":event-bus/" + s.BusName
}

// Partition returns the AWS partition of a region name.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
