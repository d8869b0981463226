#!/bin/sh
# audit_output.sh — the cost of `orgrail audit --output json` and of the
# state store against the evaluation alone, on the generated 1,000-account
# organization (issue 12: JSON output and store write together add < 50 %
# to the evaluation time, peak RSS < 1 GiB). In the same run, each case
# runs the same binary over the same snapshot:
#
#   eval        --output table --no-store  (the rules; the table is the summary)
#   json        --output json  --no-store  (every finding as JSON)
#   json+store  --output json  --state S   (JSON and the findings stored; S
#                                           already holds one run)
#
# Times are CPU seconds (user + system, /usr/bin/time), which a loaded
# machine inflates far less than wall time; the added fraction is
# cpu(case)/cpu(eval) - 1. Peak RSS is the process's maximum resident set.
# ROUNDS (default 3) runs the three cases in turn that many times; the
# table shows each case's median CPU and largest RSS, and every round's
# figures are printed as they come.
#
#   go run ./bench/auditgen -accounts 1000 -out /tmp/bench1000
#   SNAPSHOT=/tmp/bench1000/snapshot bench/audit_output.sh
set -eu
cd "$(dirname "$0")/.."
snap="${SNAPSHOT:?set SNAPSHOT to the snapshot directory written by bench/auditgen}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/orgrail" ./cmd/orgrail

# run NAME ARGS... prints "NAME cpu-seconds peak-KiB" after running audit.
run() {
	name=$1
	shift
	/usr/bin/time -f "%U %S %M" -o "$work/time" "$work/orgrail" audit --snapshot "$snap" --quiet --fail-on none "$@" >"$work/out" || {
		rc=$?
		[ "$rc" -le 1 ] || { echo "$name: exit $rc" >&2; exit 1; }
	}
	read -r u s m <"$work/time"
	echo "$name $(echo "$u + $s" | bc) $m"
}

"$work/orgrail" audit --snapshot "$snap" --quiet --fail-on none --output table --state "$work/state.db" >/dev/null
rounds="${ROUNDS:-3}"
i=0
while [ "$i" -lt "$rounds" ]; do
	run eval --output table --no-store
	run json --output json --no-store
	run json+store --output json --state "$work/state.db"
	i=$((i + 1))
done | tee "$work/results"
for n in eval json json+store; do
	awk -v n="$n" '$1 == n { print $2, $3 }' "$work/results" | sort -n | awk -v n="$n" '
		{ cpu[NR] = $1; if ($2 > rss) rss = $2 }
		END { print n, (NR % 2 ? cpu[(NR + 1) / 2] : (cpu[NR / 2] + cpu[NR / 2 + 1]) / 2), rss }'
done | awk '
	$1 == "eval" { base = $2 }
	{ cpu[$1] = $2; rss[$1] = $3; order[NR] = $1 }
	END {
		printf "%-11s %9s %8s %10s   (median of '"$rounds"' rounds)\n", "case", "cpu-s", "added", "peak-RSS"
		for (i = 1; i <= NR; i++) {
			n = order[i]
			printf "%-11s %9.1f %7.0f%% %7.0f MiB\n", n, cpu[n], (cpu[n] / base - 1) * 100, rss[n] / 1024
		}
	}'
echo "state store after $((rounds + 1)) stored runs: $(($(cat "$work"/state.db* | wc -c) / 1024)) KiB"
