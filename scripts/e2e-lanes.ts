// The end-to-end specs in lanes: each lane has its own local cluster and runs one spec file at a time (a mocha
// process per file), taking the next file from one queue, longest first. Specs inject cluster-wide faults (node
// NotReady, DNS down, an API server restart), so two specs never share a cluster; within a lane they run one
// after the other, exactly as in a single serial mocha run. Most of an e2e spec's time is waiting on the cluster
// (namespace finalization, pod starts, watch timeouts), so lanes overlap those waits on a 2-core machine.
//
//   node --import tsx scripts/e2e-lanes.ts [--lanes N] [--counts-dir D] [--timings F] [spec files…]
//
// Lane 1 uses the cluster in the usual state directory (started by scripts/test.sh); lanes 2..N start their own
// clusters in temporary state directories and always stop them. Each file's output is printed when it ends
// (lanes do not interleave); at the end, a table of per-file wall times. Exit 1 if any file failed.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../localcluster/paths.js";

/**
 * Wall seconds per spec file, alone on one cluster (2-core machine shared with other work; see the numbers in
 * docs/parallel.md). Only the order matters: the queue starts with the longest files so that no long file starts
 * last. A file not listed is weighed by its kind (`weight`).
 */
const measured: Record<string, number> = {
  // From a 3-lane CI run on this machine kind (other work running too); the split files are estimates from it.
  "test/e2e/sensitivity-network.spec.ts": 1000,
  "test/e2e/sensitivity-network-b.spec.ts": 800,
  "test/e2e/sensitivity-targeted-b.spec.ts": 800,
  "test/e2e/sensitivity-targeted-c.spec.ts": 800,
  // Estimate: 1392 s alone at load average ~30 (issue 19's last gaps; two control-plane restarts included).
  "test/e2e/sensitivity-targeted-d.spec.ts": 700,
  "test/e2e/profile-matrix.spec.ts": 696,
  "test/e2e/reliability.spec.ts": 633,
  "test/e2e/sensitivity-extended.spec.ts": 900,
  "test/e2e/sensitivity-scheduling.spec.ts": 500,
  "test/e2e/profiles.spec.ts": 284,
  "test/e2e/sensitivity-workloads.spec.ts": 280,
  "test/e2e/sensitivity-storage.spec.ts": 268,
  "test/e2e/reports.spec.ts": 216,
  "test/e2e/faults.spec.ts": 208,
  "test/e2e/sensitivity-network-extra.spec.ts": 201,
  "test/e2e/dataplane.spec.ts": 108,
  "test/e2e/sensitivity-rejections.spec.ts": 77,
  "test/e2e/sensitivity-wor.spec.ts": 77,
};
/** Sensitivity specs run the CLI under faults several times (~1 min a run): long, whatever their size. */
const weight = (f: string) => measured[f] ?? (/sensitivity-|faults|reliability|reports|signoff|profile/.test(f) ? 300 : 120);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { lanes: { type: "string" }, "counts-dir": { type: "string" }, timings: { type: "string" } },
});
const lanes = Math.max(1, Number(values.lanes ?? process.env.HC_E2E_LANES ?? 3));
const countsDir = values["counts-dir"];
const cliBin = join(repoRoot, "bin/hybrid-conformance.mjs");

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? specFiles(p) : f.endsWith(".spec.ts") ? [relative(repoRoot, p)] : [];
  });
}

const files = (positionals.length ? positionals : specFiles(join(repoRoot, "test/e2e"))).sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));

interface Lane {
  n: number;
  /** HC_LOCALCLUSTER_DIR for this lane; undefined: the usual one. */
  stateDir?: string;
}

/** `cluster up|down` for a lane's own state directory. */
function cluster(lane: Lane, verb: "up" | "down"): Promise<{ code: number; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [cliBin, "cluster", verb], {
      cwd: repoRoot,
      env: { ...process.env, HC_LOCALCLUSTER_DIR: lane.stateDir },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    c.stderr.on("data", (d: Buffer) => (err += d.toString()));
    c.on("close", (code) => resolve({ code: code ?? 1, err }));
  });
}

const ownDirs: string[] = [];
const laneList: Lane[] = Array.from({ length: Math.min(lanes, files.length) }, (_, i) => {
  if (i === 0) return { n: 1 };
  const dir = mkdtempSync(join(tmpdir(), `hc-e2e-lane${i + 1}-`));
  ownDirs.push(dir);
  return { n: i + 1, stateDir: join(dir, "state") };
});
const ownLanes = laneList.filter((l) => l.stateDir);

const live = new Set<ReturnType<typeof spawn>>();
async function stopOwnClusters(): Promise<void> {
  await Promise.all(ownLanes.map((l) => cluster(l, "down")));
  for (const d of ownDirs) rmSync(d, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    for (const c of live) c.kill(sig);
    void stopOwnClusters().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
  });

interface Timing {
  file: string;
  lane: number;
  seconds: number;
  code: number;
}

function runSpec(lane: Lane, file: string): Promise<Timing> {
  const started = Date.now();
  process.stdout.write(`▶ ${file} (lane ${lane.n})\n`);
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...(lane.stateDir ? { HC_LOCALCLUSTER_DIR: lane.stateDir } : {}) };
    if (countsDir) env.MOCHA_COUNTS_FILE = join(countsDir, `e2e-${file.replace(/[^A-Za-z0-9.-]+/g, "_")}.json`);
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, "node_modules/mocha/bin/mocha.js"),
        "--node-option",
        "import=tsx",
        "--reporter",
        "./test/support/counting-reporter.cjs",
        "--timeout",
        "180000",
        file,
      ],
      { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    live.add(child);
    const out: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => out.push(d));
    child.on("close", (code, signal) => {
      live.delete(child);
      const seconds = (Date.now() - started) / 1000;
      // A file that died before mocha's end (a crash, an import error) still counts as a failure in the totals.
      if (env.MOCHA_COUNTS_FILE && code !== 0 && !existsSync(env.MOCHA_COUNTS_FILE))
        writeFileSync(env.MOCHA_COUNTS_FILE, JSON.stringify({ passed: 0, failed: 1, skipped: 0 }));
      process.stdout.write(`\n── ${file} (lane ${lane.n}, ${seconds.toFixed(0)} s, exit ${code ?? signal}) ──\n${Buffer.concat(out).toString("utf8")}\n`);
      resolve({ file, lane: lane.n, seconds, code: code ?? 1 });
    });
  });
}

const t0 = Date.now();
const timings: Timing[] = [];
try {
  // The extra lanes' clusters start together (each `up` takes its own ports and state directory).
  const ups = await Promise.all(ownLanes.map(async (lane) => ({ lane, ...(await cluster(lane, "up")) })));
  for (const u of ups) if (u.code !== 0) throw new Error(`lane ${u.lane.n}: cluster up failed: ${u.err.trim().split("\n").pop()}`);
  if (ups.length)
    process.stdout.write(`${ups.length} more local cluster(s) up for lanes 2..${laneList.length} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);

  const queue = [...files];
  await Promise.all(
    laneList.map(async (lane) => {
      for (let f = queue.shift(); f; f = queue.shift()) timings.push(await runSpec(lane, f));
    }),
  );
} finally {
  await stopOwnClusters();
}

const wall = (Date.now() - t0) / 1000;
process.stdout.write(`\ne2e: ${files.length} spec files in ${laneList.length} lane(s), ${wall.toFixed(0)} s wall\n`);
for (const t of [...timings].sort((a, b) => b.seconds - a.seconds))
  process.stdout.write(`  ${t.seconds.toFixed(0).padStart(5)} s  lane ${t.lane}  ${t.code === 0 ? "ok  " : "FAIL"}  ${t.file}\n`);
if (values.timings) writeFileSync(values.timings, JSON.stringify({ lanes: laneList.length, wallSeconds: wall, files: timings }, null, 2));
process.exitCode = timings.some((t) => t.code !== 0) ? 1 : 0;
