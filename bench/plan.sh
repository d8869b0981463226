#!/bin/sh
# bench/plan.sh: orgrail plan over a generated 1,000-account organization
# from a snapshot (issue 14: < 10 s, < 512 MiB). The organization comes
# from bench/auditgen (demo.Generate), its configuration from
# `orgrail import`; one SCP is then edited and 100 accounts moved, so that
# the plan has work to show. Printed in the same run, as a baseline:
# `orgrail validate` of the same configuration (loading it and its policy
# files, which plan must do too).
set -eu
ACCOUNTS=${ACCOUNTS:-1000}
WORK=${WORK:-$(mktemp -d)}
go build -o "$WORK/orgrail" ./cmd/orgrail
[ -f "$WORK/org/snapshot/org.json" ] || go run ./bench/auditgen -accounts "$ACCOUNTS" -out "$WORK/org" >/dev/null
rm -rf "$WORK/cfg"
"$WORK/orgrail" import --quiet --snapshot "$WORK/org" --out "$WORK/cfg"
# Edit: one SCP changes, 100 accounts move to another OU.
scp=$(ls "$WORK/cfg/policies/service_control_policy/" | grep -v -i fullaws | head -1)
echo '{"Version":"2012-10-17","Statement":[{"Sid":"Bench","Effect":"Deny","Action":"*","Resource":"*"}]}' > "$WORK/cfg/policies/service_control_policy/$scp"
first_ou=$(grep -m1 'path:' "$WORK/cfg/ous.yaml" | sed 's/.*path: //')
awk -v ou="$first_ou" '/^ +ou: / && n < 100 && $2 != ou { sub(/ou: .*/, "ou: " ou); n++ } { print }' "$WORK/cfg/accounts.yaml" > "$WORK/a" && mv "$WORK/a" "$WORK/cfg/accounts.yaml"
measure() {
	/usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || true
	tail -1 "$WORK/time"
}
set -- $(measure "$WORK/orgrail" validate --quiet "$WORK/cfg")
base_s=$1 base_kb=$2
set -- $(measure "$WORK/orgrail" plan --quiet --config "$WORK/cfg" --snapshot "$WORK/org" --output json)
plan_s=$1 plan_kb=$2
changes=$("$WORK/orgrail" plan --quiet --config "$WORK/cfg" --snapshot "$WORK/org" --output json 2>/dev/null | grep -c '"key"' || true)
echo "accounts=$ACCOUNTS changes=$changes"
echo "validate (baseline): ${base_s}s, $((base_kb / 1024)) MiB"
echo "plan:                ${plan_s}s, $((plan_kb / 1024)) MiB"
awk -v p="$plan_s" -v b="$base_s" -v m="$plan_kb" 'BEGIN { printf "plan/baseline %.2fx, plan/10s %.3f, RSS/512MiB %.3f\n", p/b, p/10, m/1024/512 }'
