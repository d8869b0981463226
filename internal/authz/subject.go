package authz

import (
	"strings"

	"github.com/orgrail/orgrail/internal/policy"
)

// ParsePrincipal reads a caller: an IAM ARN (user, role, role session,
// root, federated user), a 12-digit account (its root user), a service
// principal such as "lambda.amazonaws.com", or "*", "anonymous" or ""
// for an unsigned request. kind, when not empty, overrides the kind
// derived from the ARN (user, role, roleSession, root,
// serviceLinkedRole, federatedUser, service, anonymous).
func ParsePrincipal(s, kind string) (policy.Subject, bool) {
	s = strings.TrimSpace(s)
	sub := policy.Subject{ARN: s, Partition: "aws"}
	switch {
	case s == "" || s == "*" || strings.EqualFold(s, "anonymous"):
		sub.Kind, sub.ARN = policy.KindAnonymous, "*"
	case !strings.HasPrefix(s, "arn:") && len(s) == 12 && isDigits(s):
		sub.Kind, sub.Account, sub.ARN = policy.KindRoot, s, "arn:aws:iam::"+s+":root"
	case !strings.HasPrefix(s, "arn:") && strings.Contains(s, ".amazonaws.com"):
		sub.Kind = policy.KindService
	default:
		if !parseArnPrincipal(&sub) {
			return sub, false
		}
	}
	if kind != "" {
		k, ok := policy.ParseKind(kind)
		if !ok {
			return sub, false
		}
		sub.Kind = k
	}
	return sub, true
}

func parseArnPrincipal(sub *policy.Subject) bool {
	parts := strings.SplitN(sub.ARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return false
	}
	sub.Partition, sub.Account = parts[1], parts[4]
	svc, res := parts[2], parts[5]
	last := res[strings.LastIndexByte(res, '/')+1:]
	switch {
	case svc == "iam" && res == "root":
		sub.Kind = policy.KindRoot
	case svc == "iam" && strings.HasPrefix(res, "user/"):
		sub.Kind, sub.UserName = policy.KindUser, last
	case svc == "iam" && strings.HasPrefix(res, "role/aws-service-role/"):
		sub.Kind, sub.RoleName = policy.KindServiceLinkedRole, last
	case svc == "iam" && strings.HasPrefix(res, "role/"):
		sub.Kind, sub.RoleName = policy.KindRole, last
	case svc == "sts" && strings.HasPrefix(res, "assumed-role/"):
		f := strings.Split(res, "/")
		if len(f) < 3 {
			return false
		}
		sub.Kind, sub.RoleName = policy.KindRoleSession, f[1]
	case svc == "sts" && strings.HasPrefix(res, "federated-user/"):
		sub.Kind, sub.UserName = policy.KindFederatedUser, last
	default:
		return false
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// principalArn is the value of aws:PrincipalArn: the role ARN for a role
// session (without its path, which a session ARN does not carry).
func principalArn(sub *policy.Subject) string {
	if sub.Kind == policy.KindRoleSession {
		return "arn:" + sub.Partition + ":iam::" + sub.Account + ":role/" + sub.RoleName
	}
	return sub.ARN
}

// principalType is the value of aws:PrincipalType.
func principalType(k policy.PrincipalKind) string {
	switch k {
	case policy.KindUser:
		return "User"
	case policy.KindRole, policy.KindRoleSession, policy.KindServiceLinkedRole:
		return "AssumedRole"
	case policy.KindRoot:
		return "Account"
	case policy.KindFederatedUser:
		return "FederatedUser"
	case policy.KindAnonymous:
		return "Anonymous"
	}
	return ""
}
