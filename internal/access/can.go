package access

import (
	"fmt"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
)

// DefaultCanActions are the actions `can` asks about when none is
// given: taking over identities and guardrails, reading data, and
// moving between accounts.
var DefaultCanActions = []string{
	"sts:AssumeRole", "iam:CreateUser", "iam:CreateAccessKey", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:PassRole",
	"organizations:LeaveOrganization", "cloudtrail:StopLogging", "guardduty:DeleteDetector", "config:StopConfigurationRecorder",
	"s3:GetObject", "s3:PutBucketPolicy", "kms:Decrypt", "secretsmanager:GetSecretValue", "sqs:SendMessage",
	"sns:Publish", "lambda:InvokeFunction", "ec2:RunInstances",
}

// Can asks what one principal may do. For each action it asks about
// resource when one is given; otherwise about every resource of the
// action's service that has a policy in the snapshot (every role for
// sts:AssumeRole), across all accounts, and about "*" in the
// principal's own account.
func Can(src *orgsnap.Source, eng *authz.Engine, principal string, actions []string, resource string, ctx map[string][]string, all bool) ([]Answer, Stats, error) {
	sub, ok := authz.ParsePrincipal(principal, "")
	if !ok || !sub.Kind.IsIAM() {
		return nil, Stats{}, fmt.Errorf("principal %q: want an IAM ARN (user, role, role session, root) or an account id", principal)
	}
	if len(actions) == 0 {
		actions = DefaultCanActions
	}
	var targets map[string][]string
	if resource == "" {
		res, _ := Resources(src)
		targets = map[string][]string{}
		for _, r := range res {
			if r.AccessPoint != nil {
				continue // who-can and can do not follow access points yet
			}
			targets[r.Service] = append(targets[r.Service], r.ARN)
		}
	}
	k := &asker{src: src, eng: eng}
	st := Stats{Principals: 1}
	var out []Answer
	for _, act := range actions {
		svc, _, _ := strings.Cut(strings.ToLower(act), ":")
		list := []string{resource}
		if resource == "" {
			list = append([]string{"*"}, targets[svc]...)
		}
		for _, r := range list {
			st.Decisions++
			a, allowed, err := k.ask(sub, act, r, ctx, true, all)
			if err != nil {
				return nil, st, err
			}
			if allowed {
				st.Allowed++
			}
			if a != nil {
				out = append(out, *a)
			}
		}
	}
	sortAnswers(out)
	return out, st, nil
}
