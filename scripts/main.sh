#!/usr/bin/env bash
# The main job: every suite against the embedded local cluster, ending with an Allure HTML report.
# Does its own set-up (npm deps; the compiled harness in dist/, built by the CLI when out of date; the cluster's
# binaries on first use; the cluster, which it stops afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
exec node bin/hybrid-conformance.mjs run --local --suite all --report-dir reports/latest "$@"
