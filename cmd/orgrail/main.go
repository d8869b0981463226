// Command orgrail runs governance for AWS multi-account environments.
//
// The command is deliberately thin: everything it does lives in
// internal/cli and the engine packages it calls.
package main

import (
	"os"

	"github.com/orgrail/orgrail/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
