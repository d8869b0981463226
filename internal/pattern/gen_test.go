package pattern

import (
	"fmt"
	"math/rand"
)

// genPatterns makes n realistic CloudTrail detection patterns: each picks
// a service and a few event names (most of which are not in any event),
// and a third add a second condition with another operator.
func genPatterns(n int, seed int64) [][]byte {
	r := rand.New(rand.NewSource(seed))
	services := []string{"iam", "ec2", "s3", "sts", "kms", "cloudtrail", "config", "guardduty", "organizations", "lambda", "rds", "ssm"}
	verbs := []string{"Create", "Delete", "Put", "Update", "Attach", "Detach", "Modify", "Stop", "Start", "Get", "List", "Describe"}
	nouns := []string{"User", "Role", "Policy", "AccessKey", "Bucket", "Trail", "Detector", "Key", "SecurityGroup", "Instance", "Snapshot", "Function", "Parameter"}
	extras := []string{
		`"userIdentity": {"type": [{"anything-but": ["AWSService"]}]}`,
		`"sourceIPAddress": [{"cidr": "10.%d.0.0/16"}]`,
		`"userAgent": [{"prefix": "aws-cli/%d"}]`,
		`"errorCode": [{"exists": false}]`,
		`"userIdentity": {"arn": [{"wildcard": "arn:aws:iam::*:user/u%d*"}]}`,
		`"awsRegion": [{"equals-ignore-case": "US-EAST-%d"}]`,
		`"requestParameters": {"durationSeconds": [{"numeric": [">", %d]}]}`,
	}
	out := make([][]byte, n)
	for i := range out {
		svc := services[r.Intn(len(services))]
		names := ""
		for k := 0; k < 1+r.Intn(3); k++ {
			if k > 0 {
				names += ", "
			}
			name := verbs[r.Intn(len(verbs))] + nouns[r.Intn(len(nouns))]
			if r.Intn(4) > 0 {
				name += fmt.Sprint(i) // mostly names no event has
			}
			names += `"` + name + `"`
		}
		extra := ""
		if r.Intn(3) == 0 {
			e := extras[r.Intn(len(extras))]
			if len(e) > 0 && containsVerb(e) {
				e = fmt.Sprintf(e, r.Intn(4))
			}
			extra = ", " + e
		}
		out[i] = []byte(fmt.Sprintf(`{"detail": {"eventSource": ["%s.amazonaws.com"], "eventName": [%s]%s}}`, svc, names, extra))
	}
	return out
}

func containsVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 'd' {
			return true
		}
	}
	return false
}
