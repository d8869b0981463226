#!/usr/bin/env bash
# Detections per second through the notification outbox to a local
# webhook, against the baseline of POSTing each detection straight to the
# same webhook, measured in the same run. Prints the ratio per batch size.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
out=$(go test -run '^$' -bench 'WebhookDirect|OutboxEndToEnd|Submit' -benchtime "${n}x" ./internal/notify/)
echo "$out" | grep -E '^Benchmark'
echo "$out" | awk '
  /^Benchmark/ { for (i = 1; i <= NF; i++) if ($(i+1) == "detections/s") rate[$1] = $i }
  END {
    base = rate["BenchmarkWebhookDirect-2"]; if (base == "") for (k in rate) if (k ~ /WebhookDirect/) base = rate[k]
    printf "\nbaseline (direct webhook POST): %.0f detections/s\n", base
    for (k in rate) if (k !~ /WebhookDirect/) printf "%-45s %8.0f detections/s  %.2fx baseline\n", k, rate[k], rate[k] / base
  }'
