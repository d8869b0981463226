// Command gen regenerates the embedded demo organization:
// `go generate ./internal/demo` runs it in internal/demo.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/orgrail/orgrail/internal/demo"
)

func main() {
	out := flag.String("out", "data", "directory to (re)write")
	flag.Parse()
	if err := os.RemoveAll(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sum, err := demo.Generate(context.Background(), *out, demo.DefaultOptions())
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("demo organization %s: %d accounts, %d service files, %d log files, %d violations, %d detections\n",
		sum.OrgID, sum.Accounts, sum.ServiceFiles, sum.LogFiles, sum.Violations, sum.Detections)
}
