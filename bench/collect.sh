#!/bin/sh
# collect.sh — BenchmarkCollect: orgrail collect against the local AWS
# serving a generated organization, 40 ms per call, AWS-like per-account
# throttling, every enabled region (17). Prints wall time beside the
# floor — the larger of the latency floor (calls × latency ÷ concurrency)
# and the rate-limit floor (the slowest of the collector's per-account,
# region and service buckets: (calls − burst) ÷ rate) — each ratio, the
# calls per service, calls per account-region, CPU and peak RSS, in the
# same run.
#
#   bench/collect.sh                 # 20 accounts, concurrency 256
#   ACCOUNTS=1000 CONCURRENCY=128 ORGRAIL_BENCH_ORG_DIR=/tmp/benchorg bench/collect.sh
#                                    # the issue's target scale (see collect.md)
#   ACCOUNTS=12 LATENCY_MS=400 CONCURRENCY=64 bench/collect.sh
#
# On a shared 2-core machine the local server and the collector share the
# CPU: compare wall/floor with cpu-s (when cpu-s approaches wall × cores,
# the run is CPU-bound, not waiting on "AWS").
set -eu
cd "$(dirname "$0")/.."
export ORGRAIL_BENCH_ACCOUNTS="${ACCOUNTS:-20}"
export ORGRAIL_BENCH_LATENCY_MS="${LATENCY_MS:-40}"
export ORGRAIL_BENCH_CONCURRENCY="${CONCURRENCY:-256}"
exec go test ./bench -run '^$' -bench '^BenchmarkCollect$' -benchtime 1x -timeout 60m
