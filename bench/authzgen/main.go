// Command authzgen writes random authorization requests as JSON Lines
// for the differential test and the benchmarks (bench/conformance.sh,
// bench/authz_bench.sh).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/orgrail/orgrail/internal/authz/randreq"
)

func main() {
	seed := flag.Uint64("seed", 1, "random seed")
	n := flag.Int("n", 1000, "number of requests")
	pool := flag.Int("pool", 0, "draw policies from a pool of this many per kind (0: every policy new)")
	flag.Parse()
	g := randreq.New(*seed)
	if *pool > 0 {
		g = randreq.NewPooled(*seed, *pool)
	}
	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for range *n {
		if err := enc.Encode(g.Next()); err != nil {
			fmt.Fprintln(os.Stderr, "authzgen:", err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "authzgen:", err)
		os.Exit(1)
	}
}
