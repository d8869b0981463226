#!/usr/bin/env bash
# bench/replay.sh — `orgrail policy replay` throughput against plain decoding.
#
# Writes the embedded demo with its CloudTrail archive replicated to about
# RECORDS records (role sessions renamed in each copy, S3 object calls under
# several key prefixes added), then runs BenchmarkReplay over it. In the same
# run the benchmark decodes the archive with a handler that only counts
# (the baseline) and replays it against the issue's Tokyo-only region SCP in
# place of the demo's region-allow-list. Both are reported per second of
# CPU time (user + system of the process): on a shared 2-core machine wall
# time says more about the neighbours than about orgrail.
#
# Usage: bench/replay.sh [RECORDS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

records=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== writing the demo archive replicated to ~$records records"
ORGRAIL_BENCH_WRITE="$work/demo" ORGRAIL_BENCH_RECORDS="$records" \
	go test -count=1 -timeout 60m -run '^TestWriteReplayBenchArchive$' ./internal/access/ >/dev/null
files=$(find "$work/demo/logarchive" -path '*CloudTrail/*' -name '*.json.gz' | wc -l)
echo "   $files log files, $(du -sb "$work/demo/logarchive" | cut -f1) bytes, $(nproc) cores"

echo "== BenchmarkReplay (decode-only baseline and replay, same run)"
ORGRAIL_BENCH_DEMO="$work/demo" \
	go test -count=1 -timeout 60m -run '^$' -bench '^BenchmarkReplay$' -benchtime 1x ./internal/access/ |
	tee "$work/bench.txt" | grep '^Benchmark' || true

line=$(grep '^BenchmarkReplay' "$work/bench.txt")
metric() { echo "$line" | awk -v m="$1" '{for (i = 1; i < NF; i++) if ($(i+1) == m) print $i}'; }
events=$(metric events)
dec=$(metric decode-events/cpu-s)
rep=$(metric replay-events/cpu-s)
echo
printf '%-32s %14s\n' "run ($events events)" "events/CPU-s"
printf '%-32s %14.0f\n' "decode only (baseline)" "$dec"
printf '%-32s %14.0f  (%.0f%% of baseline)\n' "policy replay" "$rep" "$(echo "100 * $rep / $dec" | bc -l)"
printf '%-32s %14.0f\n' "target (issue #17)" 200000
