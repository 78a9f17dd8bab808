// Benchmark (not a test): a whole run on the local cluster with real Windows pull/start times scaled down
// (`--latency realistic --time-scale 0.1`), three ways, each on a freshly started cluster (no image cached):
//   serial    `run --suite all --parallel 1`: every pull lands in some test's time (the WOR-like baseline);
//   parallel  `run --suite all --parallel 8 --prepull`;
//   critical  the least any schedule can take: the pre-pull plus the longest single test (from the parallel run).
// Goal: parallel ≤ 1.3 × critical. Run: npm run bench:prepull -- [--suite all|core] [--category C …] [--parallel 8]
//   [--time-scale 0.1] [--skip-serial]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { up, down } from "../localcluster/cluster.js";
import { repoRoot } from "../localcluster/paths.js";
import type { Summary } from "../lib/results/model.js";

const arg = (name: string, dflt: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const suite = arg("--suite", "all");
const parallel = arg("--parallel", "8");
const timeScale = Number(arg("--time-scale", "0.1"));
const categories = process.argv.flatMap((a, i) => (a === "--category" ? ["--category", process.argv[i + 1]] : []));
const log = (l: string) => process.stderr.write(`bench: ${l}\n`);

interface Measured {
  wallS: number;
  summary: Summary;
}

/** One run on a fresh cluster: wall time of the whole command (process start, preflight, reports included). */
async function measure(label: string, extra: string[]): Promise<Measured> {
  // On a loaded machine a component may miss its health deadline: one more start before giving up.
  for (let attempt = 1; ; attempt++) {
    await down().catch(() => undefined);
    try {
      await up({ latency: "realistic", timeScale, log: () => undefined });
      break;
    } catch (e) {
      if (attempt >= 2) throw e;
      log(`${label}: the local cluster did not start (${(e as Error).message.split("\n")[0]}); starting it again`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), `hc-bench-prepull-${label}-`));
  log(`${label}: run --suite ${suite} ${[...categories, ...extra].join(" ")} (report ${dir})`);
  const t = Date.now();
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, "bin/hybrid-conformance.mjs"), "run", "--local", "--suite", suite, ...categories, ...extra, "--report-dir", dir],
    { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024 },
  );
  const wallS = (Date.now() - t) / 1000;
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
  const c = summary.counts;
  log(
    `${label}: exit ${r.status} in ${wallS.toFixed(1)} s: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped, ${c.flaky} flaky, ${c.broken} broken`,
  );
  for (const t of summary.tests.filter((x) => x.state === "failed" || x.state === "broken")) log(`  ${t.state}: ${t.fullTitle}: ${t.error?.split("\n")[0]}`);
  return { wallS, summary };
}

try {
  const serial = process.argv.includes("--skip-serial") ? undefined : await measure("serial", ["--parallel", "1"]);
  const par = await measure(`parallel${parallel}`, ["--parallel", parallel, "--prepull"]);
  const prepullS = (par.summary.prepull?.durationMs ?? 0) / 1000;
  const longest = [...par.summary.tests].sort((a, b) => b.durationMs - a.durationMs)[0];
  const criticalS = prepullS + longest.durationMs / 1000;
  const ratio = par.wallS / criticalS;
  console.log(`suite ${suite}${categories.length ? ` ${categories.join(" ")}` : ""}, --latency realistic --time-scale ${timeScale}, fresh cluster per run`);
  if (serial)
    console.log(
      `serial (--parallel 1, no prepull):   ${serial.wallS.toFixed(1)} s (tests to the final sweep ${(serial.summary.durationMs / 1000).toFixed(1)} s)`,
    );
  console.log(
    `parallel (--parallel ${parallel} --prepull):    ${par.wallS.toFixed(1)} s (prepull ${prepullS.toFixed(1)} s; from prepull to the final sweep ${(par.summary.durationMs / 1000).toFixed(1)} s)`,
  );
  console.log(`critical path (prepull + longest test): ${criticalS.toFixed(1)} s (longest: ${longest.fullTitle} ${(longest.durationMs / 1000).toFixed(1)} s)`);
  console.log(`parallel / critical = ${ratio.toFixed(2)} (goal ≤ 1.3)${serial ? `; serial / parallel = ${(serial.wallS / par.wallS).toFixed(2)}` : ""}`);
} finally {
  await down().catch(() => undefined);
}
