#!/usr/bin/env bash
# Times orgrail and @cloud-copilot/iam-simulate on the same file of random
# requests (drawn from a pool of policies, as in a real organization) and
# prints the throughput ratio and whether every decision agrees.
#
#   N=20000 bash bench/authz_bench.sh
#
# iam-simulate is installed at run time into a scratch folder (AGPL, never
# committed). CPU time is reported beside wall time: on a loaded machine
# the CPU-time ratio is the fairer one.
set -euo pipefail

N=${N:-20000}
SEED=${SEED:-1}
POOL=${POOL:-200}
IAMSIM_VERSION=${IAMSIM_VERSION:-0.1.173}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/orgrail-conformance}
mkdir -p "$SCRATCH"
if [ ! -d "$SCRATCH/node_modules/@cloud-copilot/iam-simulate" ]; then
  (cd "$SCRATCH" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --silent "@cloud-copilot/iam-simulate@$IAMSIM_VERSION" >/dev/null)
fi
cd "$ROOT"
ORGRAIL_BIN=${ORGRAIL_BIN:-}
if [ -z "$ORGRAIL_BIN" ]; then
  ORGRAIL_BIN="$SCRATCH/orgrail"
  go build -o "$ORGRAIL_BIN" ./cmd/orgrail
fi
go run ./bench/authzgen -seed "$SEED" -n "$N" -pool "$POOL" > "$SCRATCH/bench.jsonl"

# seconds prints "wall user+sys" for a command, its stdout to $2.
measure() {
  local out=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/env time -f "%U %S" -o "$SCRATCH/time.txt" "$@" > "$out"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" '{printf "%.3f %.3f\n", b-a, $1+$2}' "$SCRATCH/time.txt"
}
# orgrail's run is short (about a second) against iam-simulate's minute,
# so one burst of load from another job can double it: it is run RUNS
# times (default 3) and the run with the median wall time is reported.
RUNS=${RUNS:-3}
: > "$SCRATCH/orgrail-runs.txt"
for _ in $(seq "$RUNS"); do
  measure "$SCRATCH/bench-orgrail.jsonl" "$ORGRAIL_BIN" policy simulate --request "$SCRATCH/bench.jsonl" --output jsonl >> "$SCRATCH/orgrail-runs.txt"
done
read -r ow oc < <(sort -n "$SCRATCH/orgrail-runs.txt" | awk -v r="$RUNS" 'NR == int((r + 1) / 2)')
read -r iw ic < <(measure "$SCRATCH/bench-iamsim.txt" node bench/authz_iamsim.mjs "$SCRATCH" "$SCRATCH/bench.jsonl")
echo "requests: $N (seed $SEED, pool $POOL); orgrail runs (wall cpu): $(tr '\n' ';' < "$SCRATCH/orgrail-runs.txt")"
awk -v n="$N" -v ow="$ow" -v oc="$oc" -v iw="$iw" -v ic="$ic" 'BEGIN {
  printf "orgrail:      %8.2f s wall  %8.2f s cpu  %10.0f decisions/s wall\n", ow, oc, n/ow
  printf "iam-simulate: %8.2f s wall  %8.2f s cpu  %10.0f decisions/s wall\n", iw, ic, n/iw
  printf "ratio (orgrail faster by): %.1fx wall, %.1fx cpu\n", iw/ow, ic/oc
}'
node bench/authz_compare.mjs "$SCRATCH/bench.jsonl" "$SCRATCH/bench-orgrail.jsonl" "$SCRATCH/bench-iamsim.txt" | head -3
