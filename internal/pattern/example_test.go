package pattern_test

import (
	"fmt"

	"github.com/orgrail/orgrail/internal/pattern"
)

func Example() {
	b := pattern.NewBuilder()
	stop, _ := b.Add([]byte(`{"detail": {"eventSource": ["cloudtrail.amazonaws.com"], "eventName": ["StopLogging", "DeleteTrail"]}}`))
	world, _ := b.Add([]byte(`{"detail": {"eventName": ["AuthorizeSecurityGroupIngress"], "requestParameters": {"cidrIp": [{"cidr": "0.0.0.0/0"}]}}}`))
	m := b.Build()

	event := []byte(`{"detail-type": "AWS API Call via CloudTrail", "detail": {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}}`)
	hits, _ := m.Match(event, nil)
	for _, h := range hits {
		fmt.Println(h == stop, h == world)
	}

	_, err := b.Add([]byte(`{"detail": {"eventName": [{"prefx": "Stop"}]}}`))
	fmt.Println(err)
	// Output:
	// true false
	// event pattern at detail.eventName: unknown operator "prefx" (want prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, cidr or exists)
}
