package config_test

import (
	"fmt"

	"github.com/orgrail/orgrail/internal/config"
)

// Load reads a configuration directory and reports every problem with
// its position.
func ExampleLoad() {
	c, diags, err := config.Load("../../examples/landing-zone")
	if err != nil {
		fmt.Println("unreadable:", err)
		return
	}
	for _, d := range diags {
		fmt.Println(d)
	}
	fmt.Println(len(c.OUs), "OUs,", len(c.Accounts), "accounts,", len(c.Policies), "policies")
	fmt.Println("log archive:", c.Account(c.Security.LogArchiveAccount).Email)
	// Output:
	// 8 OUs, 17 accounts, 13 policies
	// log archive: aws+log-archive@example.com
}
