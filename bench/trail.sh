#!/usr/bin/env bash
# bench/trail.sh — CloudTrail ingest throughput against the gunzip floor.
#
# In one run, over the same archive:
#   floor      one `gzip -dc` process per core over its share of the files
#   ingest     orgrail's decoder + EventBridge envelope, no matching
#   N patterns ingest plus 10, 100 and 1,000 compiled event patterns
# and the peak memory of `orgrail trail scan` on the archive and on one
# four times its size (it should not grow with the archive).
#
# The archive comes from `orgrail demo generate` when the binary has it,
# otherwise from the trail package's own generator (organization-trail
# layout, gzip, ~1.2 KB records).
#
# Usage: bench/trail.sh [RECORDS]   (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

records=${1:-200000}
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/orgrail" ./cmd/orgrail

make_archive() { # DIR RECORDS
	local dir=$1 n=$2
	mkdir -p "$dir"
	if "$work/orgrail" demo generate --help >/dev/null 2>&1; then
		local per=$(( n / 12 / 5 ))
		"$work/orgrail" demo generate --out "$dir/demo" --accounts 12 --days 5 --events-per-account-day "$per" >/dev/null
		echo "$dir/demo/logarchive"
	else
		ORGRAIL_BENCH_WRITE="$dir" ORGRAIL_BENCH_RECORDS="$n" \
			go test -count=1 -run '^TestWriteBenchArchive$' ./internal/trail/ >/dev/null
		echo "$dir"
	fi
}

count_records() { # DIR: records in the archive's log files, as orgrail counts them
	"$work/orgrail" trail scan --source "$1" --output json --fail-on none --quiet 2>/dev/null |
		grep -o '"records": [0-9]*' | head -1 | grep -o '[0-9]*$'
}

echo "== generating an archive of ~$records records"
arch=$(make_archive "$work/a1" "$records")
n=$(count_records "$arch")
files=$(find "$arch" -path '*CloudTrail/*' -name '*.json.gz' | wc -l)
bytes=$(du -sb "$arch" | cut -f1)
echo "   $n records in $files files, $bytes bytes compressed, $cores cores"

echo "== floor: gzip -dc, one process per core"
find "$arch" -path '*CloudTrail/*' -name '*.json.gz' > "$work/files"
split -n "r/$cores" "$work/files" "$work/share."
start=$(date +%s.%N)
for s in "$work"/share.*; do
	xargs -a "$s" gzip -dc > /dev/null &
done
wait
end=$(date +%s.%N)
floor=$(echo "$n / ($end - $start)" | bc -l)
printf '   floor: %.0f events/s (%.2f s)\n' "$floor" "$(echo "$end - $start" | bc -l)"

echo "== orgrail ingest (Go benchmark over the same archive)"
ORGRAIL_BENCH_ARCHIVE="$arch" ORGRAIL_BENCH_RECORDS="$n" \
	go test -count=1 -run '^$' -bench '^BenchmarkScan$' -benchtime 3x ./internal/trail/ | tee "$work/bench.txt" | grep Benchmark || true

echo
printf '%-14s %14s %8s\n' "run" "events/s" "floor"
printf '%-14s %14.0f %7.0f%%\n' "gzip -dc" "$floor" 100
grep '^BenchmarkScan/' "$work/bench.txt" | while read -r name _ _ _ evs _; do
	label=${name#BenchmarkScan/}
	label=${label%-*}
	[ "$label" = "patterns=0" ] && label="ingest only"
	printf '%-14s %14.0f %7.0f%%\n' "$label" "$evs" "$(echo "100 * $evs / $floor" | bc -l)"
done

echo
echo "== memory: orgrail trail scan (built-in pack) on 1x and 4x archives"
arch4=$(make_archive "$work/a4" $(( records * 4 )))
for a in "$arch" "$arch4"; do
	/usr/bin/time -o "$work/rss" -f '%M %e' "$work/orgrail" trail scan --source "$a" --output json --fail-on none --quiet >"$work/scan.json" || true
	read -r rss secs < "$work/rss"
	recs=$(grep -o '"records": [0-9]*' "$work/scan.json" | head -1 | grep -o '[0-9]*$')
	printf '   %8d records  peak RSS %7d KiB  %6.1f s\n' "$recs" "$rss" "$secs"
done
