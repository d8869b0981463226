package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/macie2"
)

func init() { collectors["macie2"] = collectMacie }

// collectMacie reads the account's Macie session in the region. Where
// Macie is off, AWS answers AccessDeniedException "Macie is not
// enabled.", recorded as the operation's error (benignOnlyWith).
func collectMacie(j *job) {
	c := macie2.NewFromConfig(j.cfg)
	once(j, "GetMacieSession", func(ctx context.Context) (*macie2.GetMacieSessionOutput, error) {
		return c.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	})
}
