#!/usr/bin/env bash
# Differential test of orgrail's authorization engine against
# @cloud-copilot/iam-simulate, an independent implementation (AGPL: it is
# installed at run time into a scratch folder and never committed).
#
#   make conformance                 # SEED=1 N=5000 by default
#   SEED=7 N=20000 bash bench/conformance.sh
#
# Needs go, node and npm. Exit 0 when every disagreement is of a kind
# documented in docs/authz.md, 1 otherwise. ORGRAIL_BIN=path uses an
# existing orgrail binary instead of building one; SCRATCH=dir keeps the
# npm install between runs.
set -euo pipefail

SEED=${SEED:-1}
N=${N:-5000}
IAMSIM_VERSION=${IAMSIM_VERSION:-0.1.173}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/orgrail-conformance}
mkdir -p "$SCRATCH"

if [ ! -d "$SCRATCH/node_modules/@cloud-copilot/iam-simulate" ]; then
  echo "installing @cloud-copilot/iam-simulate@$IAMSIM_VERSION into $SCRATCH" >&2
  (cd "$SCRATCH" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --silent "@cloud-copilot/iam-simulate@$IAMSIM_VERSION" >/dev/null)
fi

cd "$ROOT"
ORGRAIL_BIN=${ORGRAIL_BIN:-}
if [ -z "$ORGRAIL_BIN" ]; then
  ORGRAIL_BIN="$SCRATCH/orgrail"
  go build -o "$ORGRAIL_BIN" ./cmd/orgrail
fi
go run ./bench/authzgen -seed "$SEED" -n "$N" > "$SCRATCH/requests.jsonl"
"$ORGRAIL_BIN" policy simulate --request "$SCRATCH/requests.jsonl" --output jsonl > "$SCRATCH/orgrail.jsonl"
node bench/authz_iamsim.mjs "$SCRATCH" "$SCRATCH/requests.jsonl" > "$SCRATCH/iamsim.txt"
echo "seed $SEED, $N random requests"
node bench/authz_compare.mjs "$SCRATCH/requests.jsonl" "$SCRATCH/orgrail.jsonl" "$SCRATCH/iamsim.txt"
