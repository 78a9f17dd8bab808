// Benchmark (not a test): the core suite's wall time on the default 6-node local cluster vs the 200-node topology
// (examples/topology-200-nodes.yaml: 3 Windows pools × 50, 50 Linux incl. the control plane) at the same
// parallelism. Goal: 200-node wall ≤ 1.2× the 6-node wall. One cluster at a time, each in its own state directory,
// stopped afterwards. Run: npm run bench:scale -- [--parallel N] [--suite core] [--category X]… [--latency realistic --time-scale 0.1]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../localcluster/paths.js";
import type { Summary } from "../lib/results/model.js";

const arg = (name: string, dflt?: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const parallel = arg("--parallel", "1")!;
const suite = arg("--suite", "core")!;
// --category X (repeatable): a quicker measure of the node-count-sensitive checks (e.g. Core.Nodes, Core.Network).
const categories = process.argv.flatMap((a, i) => (a === "--category" ? ["--category", process.argv[i + 1]] : []));
const clusterArgs = [...(arg("--latency") ? ["--latency", arg("--latency")!] : []), ...(arg("--time-scale") ? ["--time-scale", arg("--time-scale")!] : [])];

const cli = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [join(repoRoot, "bin/hybrid-conformance.mjs"), ...args], {
    cwd: repoRoot,
    env: { ...process.env, KUBECONFIG: "", ...env },
    encoding: "utf8",
  });

interface Measured {
  layout: string;
  nodes: number;
  upS: number;
  wallS: number;
  exit: number;
  counts: Summary["counts"];
}

function measure(layout: string, topology?: string): Measured {
  const dir = mkdtempSync(join(tmpdir(), "hc-bench-scale-"));
  const env = { HC_LOCALCLUSTER_DIR: join(dir, "state") };
  try {
    let t = Date.now();
    const up = cli(["cluster", "up", ...(topology ? ["--topology", topology] : []), ...clusterArgs], env);
    if (up.status !== 0) throw new Error(`cluster up (${layout}) failed: ${up.stderr.trim().split("\n").pop()}`);
    const upS = (Date.now() - t) / 1000;
    t = Date.now();
    const run = cli(["run", "--local", "--suite", suite, ...categories, "--parallel", parallel, "--report-dir", join(dir, "report")], env);
    const wallS = (Date.now() - t) / 1000;
    const summary = JSON.parse(readFileSync(join(dir, "report", "summary.json"), "utf8")) as Summary;
    return { layout, nodes: summary.cluster.nodes.length, upS, wallS, exit: run.status ?? -1, counts: summary.counts };
  } finally {
    cli(["cluster", "down"], env);
    rmSync(dir, { recursive: true, force: true });
  }
}

const small = measure("default (docs profile)");
const large = measure("200-node topology", join(repoRoot, "examples/topology-200-nodes.yaml"));
for (const m of [small, large])
  console.log(
    `${m.layout}: ${m.nodes} nodes, cluster up ${m.upS.toFixed(1)} s, ${suite} suite${categories.length ? ` (${categories.filter((_, i) => i % 2).join(", ")})` : ""} --parallel ${parallel}: ${m.wallS.toFixed(1)} s (exit ${m.exit}; ${m.counts.passed} passed, ${m.counts.failed} failed, ${m.counts.skipped} skipped)`,
  );
const ratio = large.wallS / small.wallS;
console.log(`200-node / 6-node wall: ${ratio.toFixed(2)}× (goal ≤ 1.20×) ${ratio <= 1.2 ? "met" : "NOT met"}`);
