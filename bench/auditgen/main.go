// Command auditgen writes the synthetic organization the audit benchmark
// reads: `go run ./bench/auditgen -accounts 1000 -out DIR` (one day of
// activity, no ordinary CloudTrail events: the audit reads only the
// snapshot).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/orgrail/orgrail/internal/demo"
)

func main() {
	accounts := flag.Int("accounts", 1000, "accounts of the synthetic organization")
	out := flag.String("out", "", "output directory")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "auditgen: -out DIR is required")
		os.Exit(2)
	}
	opt := demo.DefaultOptions()
	opt.Accounts, opt.Days, opt.EventsPerAccountDay = *accounts, 1, 0
	sum, err := demo.Generate(context.Background(), *out, opt)
	if err != nil {
		fmt.Fprintln(os.Stderr, "auditgen:", err)
		os.Exit(1)
	}
	fmt.Printf("%d accounts, %d service files, %d planted violations in %s\n", sum.Accounts, sum.ServiceFiles, sum.Violations, *out)
}
