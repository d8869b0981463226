#!/usr/bin/env bash
# bench/demo.sh times `orgrail demo generate --accounts N --days 1` and, in
# the same run, a baseline that writes the same files (same paths, sizes and
# bytes, same number of concurrent writers) with no generation work
# (bench/democopy), and prints both times and their ratio. Runs alternate
# generator and baseline so that a noisy machine affects both alike.
#
#   bench/demo.sh [ACCOUNTS [RUNS]]      # default 1000 accounts, 3 runs
#   ORGRAIL=/path/to/orgrail bench/demo.sh   # time another build (before/after)
set -euo pipefail
accounts=${1:-1000}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/orgrail-bench-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$root"
bin=${ORGRAIL:-}
if [ -z "$bin" ]; then
	bin=$tmp/orgrail
	go build -o "$bin" ./cmd/orgrail
fi
go build -o "$tmp/democopy" ./bench/democopy

echo "orgrail demo generate --accounts $accounts --days 1 ($runs runs, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
ratios=()
for i in $(seq "$runs"); do
	rm -rf "$tmp/gen" "$tmp/copy"
	TIMEFORMAT='%R %U %S'
	{ time "$bin" demo generate --accounts "$accounts" --days 1 --out "$tmp/gen" >/dev/null; } 2>"$tmp/time"
	read -r gen user sys <"$tmp/time"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	line=$("$tmp/democopy" -from "$tmp/gen" -to "$tmp/copy")
	base=${line%% s *}
	ratio=$(awk -v g="$gen" -v b="$base" 'BEGIN { printf "%.2f", g / b }')
	ratios+=("$ratio")
	echo "run $i: generate $gen s (CPU $cpu s); baseline $line; ratio $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "median ratio generate/baseline: $median"
