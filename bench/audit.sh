#!/bin/sh
# audit.sh — the audit of the generated 1,000-account organization (issue
# 19: under 15 s and 1 GiB with the services added since the last
# benchmark), against two baselines measured in the same run:
#
#   read      BenchmarkReadSnapshotBaseline: read and decompress every
#             service file, nothing else (the floor of any audit here)
#   old       BenchmarkAuditOldServices: the rules that read none of the
#             services added since 2026-12-04 05:07 (their files unread)
#   audit     BenchmarkAudit: every built-in rule
#   cli       orgrail audit --output table --no-store (the command a user
#             runs: the audit, the summary table, the binary's start)
#
# Each case is its own process, so its peak RSS (VmHWM; for the cli case
# /usr/bin/time's maximum resident set) is its own. Wall time is what the
# target is about, but on a shared machine CPU seconds (user + system)
# vary far less with the load; both are printed, with each case's ratio to
# the old-services audit. ROUNDS (default 1) repeats the cases in turn;
# the summary takes each case's median.
#
#   go run ./bench/auditgen -accounts 1000 -out /tmp/bench1000
#   SNAPSHOT=/tmp/bench1000/snapshot bench/audit.sh
set -eu
cd "$(dirname "$0")/.."
snap="${SNAPSHOT:?set SNAPSHOT to the snapshot directory written by bench/auditgen}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go test -c -o "$work/bench.test" ./bench
go build -o "$work/orgrail" ./cmd/orgrail
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# bench NAME BENCHMARK prints "NAME wall-s cpu-s peak-MiB rules findings".
bench() {
	ORGRAIL_BENCH_AUDIT_SNAPSHOT="$snap" "$work/bench.test" -test.run '^$' -test.bench "^$2\$" \
		-test.benchtime 1x -test.benchmem >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
	awk -v n="$1" '/^Benchmark/ {
		for (i = 3; i < NF; i++) v[$(i + 1)] = $i
		printf "%s %.2f %.2f %.0f %d %d\n", n, v["wall-s"], v["cpu-s"], v["peak-RSS-MiB"], v["rules"], v["findings"]
	}' "$work/out"
}

# cli prints "cli wall-s cpu-s peak-MiB 0 0".
cli() {
	/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$work/orgrail" audit --snapshot "$snap" --quiet \
		--fail-on none --output table --no-store >/dev/null || {
		rc=$?
		[ "$rc" -le 1 ] || { echo "cli: exit $rc" >&2; exit 1; }
	}
	read -r e u s m <"$work/time"
	echo "cli $e $(echo "$u + $s" | bc) $((m / 1024)) 0 0"
}

rounds="${ROUNDS:-1}"
i=0
while [ "$i" -lt "$rounds" ]; do
	bench read BenchmarkReadSnapshotBaseline
	bench old BenchmarkAuditOldServices
	bench audit BenchmarkAudit
	cli
	i=$((i + 1))
done | tee "$work/results"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in read old audit cli; do
	awk -v n="$n" '$1 == n' "$work/results" | sort -k3,3n | awk -v n="$n" '
		{ w[NR] = $2; c[NR] = $3; if ($4 > rss) rss = $4; r = $5; f = $6 }
		END { m = int((NR + 1) / 2); print n, w[m], c[m], rss, r, f }'
done | awk '
	$1 == "old" { bw = $2; bc = $3 }
	{ n[NR] = $1; w[NR] = $2; c[NR] = $3; m[NR] = $4; r[NR] = $5; f[NR] = $6 }
	END {
		printf "%-6s %7s %7s %9s %9s %6s %9s   (median of '"$rounds"' rounds; ratios to old)\n", "case", "wall-s", "cpu-s", "wall/old", "cpu/old", "rules", "findings"
		for (i = 1; i <= NR; i++)
			printf "%-6s %7.1f %7.1f %8.2fx %8.2fx %6s %9s   peak RSS %d MiB\n", n[i], w[i], c[i], w[i] / bw, c[i] / bc, r[i] ? r[i] : "-", f[i] ? f[i] : "-", m[i]
	}'
