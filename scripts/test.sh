#!/usr/bin/env bash
# The harness's own tests: type check and lint, unit tests, then end-to-end tests against the embedded local cluster.
# Does its own set-up (npm deps, the cluster's binaries, the cluster) and always stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error

# The report tests open the HTML report in a real browser: Debian's chromium (no browser download).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null 2>&1)) || echo "warning: could not install chromium" >&2
  else echo "warning: chromium is not installed; the report rendering test will fail" >&2; fi
fi

counts_dir=$(mktemp -d)
trap 'rm -rf "$counts_dir"' EXIT
mocha() { MOCHA_COUNTS_FILE="$counts_dir/$1.json" npx mocha --node-option import=tsx --reporter ./test/support/counting-reporter.cjs "${@:2}"; }

status=0
# Static checks first: types (tsc --noEmit), lint (ESLint) and formatting (Prettier).
npx tsc --noEmit -p . || status=1
npx eslint . || status=1
npx prettier --check --log-level warn "**/*.{ts,js,mjs,cjs}" || status=1
# The compiled harness (dist/) that the CLI, and so every e2e test, runs; incremental after the first build.
node scripts/build.mjs || status=1

mocha unit --timeout 20000 'test/unit/**/*.spec.ts' || status=1

started_cluster=0
if ! node bin/hybrid-conformance.mjs cluster status >/dev/null 2>&1; then
  node bin/hybrid-conformance.mjs cluster up >/dev/null
  started_cluster=1
fi
stop_cluster() { [ "$started_cluster" = 1 ] && node bin/hybrid-conformance.mjs cluster down >/dev/null 2>&1 || true; rm -rf "$counts_dir"; }
trap stop_cluster EXIT

# End-to-end: spec files in lanes, each lane with its own local cluster (HC_E2E_LANES, default 3), so specs that
# inject cluster-wide faults never share a cluster; per-file wall times at the end (scripts/e2e-lanes.ts).
node --import tsx scripts/e2e-lanes.ts --counts-dir "$counts_dir" || status=1

node -e '
  const fs = require("fs"), dir = process.argv[1];
  const t = { passed: 0, failed: 0, skipped: 0 };
  for (const f of fs.readdirSync(dir)) { const c = JSON.parse(fs.readFileSync(dir + "/" + f, "utf8")); for (const k in t) t[k] += c[k]; }
  console.log(`total: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
' "$counts_dir"
exit $status
