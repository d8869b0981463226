package detect_test

import (
	"fmt"

	"github.com/orgrail/orgrail/internal/detect"
)

func Example() {
	rules, err := detect.Builtin()
	if err != nil {
		panic(err)
	}
	engine, err := detect.Compile(rules, detect.WithOrgAccounts("111122223333"))
	if err != nil {
		panic(err)
	}
	event := []byte(`{"version": "0", "detail-type": "AWS API Call via CloudTrail", "source": "aws.cloudtrail",
		"account": "111122223333", "region": "us-east-1",
		"detail": {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
			"requestParameters": {"name": "org-trail"}, "userIdentity": {"type": "IAMUser"}}}`)
	hits, err := engine.Match(event, nil)
	if err != nil {
		panic(err)
	}
	for _, h := range hits {
		fmt.Println(h.Rule.ID, h.Rule.Severity, h.Rule.Fields[0], "=", h.Values[0])
	}
	// Output:
	// cloudtrail-stop-logging high detail.requestParameters.name = org-trail
}
