// Where the harness's own end-to-end time goes, on the running local cluster (`cluster up` first):
//   1. CLI start-up: `run --help` (tsx loader + the run command's modules), wall and CPU;
//   2. one `run --local --category <c> --parallel 1` (what each sensitivity case costs): wall, the run's own clock
//      (execute + report), and mocha's test time; the rest is start-up, preflight and the final sweep;
//   3. the cluster: namespace create → a Windows pod Ready → namespace deleted → gone (what useNamespace and every
//      harness test pay), and an empty namespace's deletion;
//   4. with --e2e [files…]: the e2e spec files through scripts/e2e-lanes.ts, per-file wall times (--lanes N).
//
//   npm run bench:tests [-- --runs 3 --category Core.Scheduling] [-- --e2e --lanes 3 [test/e2e/x.spec.ts …]]
import * as k8s from "@kubernetes/client-node";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { repoRoot } from "../localcluster/paths.js";
import { localKubeConfig } from "../test/support/local-cluster.js";
import { windowsPod } from "../test/support/dataplane.js";
import { waits } from "../lib/cluster/waits.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: "string", default: "3" },
    category: { type: "string", default: "Core.Scheduling" },
    e2e: { type: "boolean", default: false },
    lanes: { type: "string", default: "3" },
  },
});
const runs = Number(values.runs);
const cliBin = join(repoRoot, "bin/hybrid-conformance.mjs");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Wall and CPU (user+sys of the child) of one command. */
function timed(args: string[], env: NodeJS.ProcessEnv = {}): { wallMs: number; cpuMs: number; stdout: string; stderr: string; code: number } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 << 20 });
  const wallMs = performance.now() - t;
  return { wallMs, cpuMs: childCpuMs(), stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

/** Cumulative CPU of waited-for children (cutime + cstime from /proc/self/stat), in ms; differences give one child's. */
let lastChildCpu = 0;
function childCpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  const ticks = Number(fields[13]) + Number(fields[14]); // cutime, cstime: fields 16 and 17 of proc(5), counted after the comm
  const ms = (ticks * 1000) / 100; // USER_HZ = 100 on Linux
  const d = ms - lastChildCpu;
  lastChildCpu = ms;
  return d;
}

function line(label: string, xs: number[]): void {
  process.stdout.write(`${label.padEnd(58)} median ${s(median(xs)).padStart(8)}   (${xs.map(s).join(", ")})\n`);
}

childCpuMs();
process.stdout.write(
  `bench-tests: ${runs} sample(s) each; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n\n`,
);

// 1. CLI start-up.
const startWall: number[] = [];
const startCpu: number[] = [];
for (let i = 0; i < runs; i++) {
  const r = timed([cliBin, "run", "--help"]);
  startWall.push(r.wallMs);
  startCpu.push(r.cpuMs);
}
line("CLI start-up (`run --help`), wall", startWall);
line("CLI start-up (`run --help`), CPU", startCpu);

// 2. One run of one category, as the sensitivity specs invoke it.
const dir = mkdtempSync(join(tmpdir(), "hc-bench-tests-"));
const runWall: number[] = [];
const runCpu: number[] = [];
const runClock: number[] = [];
const mochaClock: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const r = timed([cliBin, "run", "--local", "--category", values.category!, "--parallel", "1", "--report-dir", join(dir, String(i))], { KUBECONFIG: "" });
    if (r.code !== 0) throw new Error(`run exited ${r.code}: ${r.stderr.trim().split("\n").pop()}`);
    runWall.push(r.wallMs);
    runCpu.push(r.cpuMs);
    const own = /skipped.* in ([\d.]+) s/.exec(r.stderr);
    if (own) runClock.push(Number(own[1]) * 1000);
    const m = /passing \((\d+)(ms|s|m)\)/.exec(r.stdout);
    if (m) mochaClock.push(Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "s" ? 1000 : 60_000));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
line(`run --category ${values.category}, wall`, runWall);
line(`run --category ${values.category}, CPU (the CLI process)`, runCpu);
line("  of which the run's own clock (execute + sweep + report)", runClock);
line("  of which mocha's test time", mochaClock);

// 3. The cluster's own pace for what every test pays.
const kc = localKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const phases: Record<string, number[]> = {
  "namespace create": [],
  "Windows pod created → Ready": [],
  "namespace (with pod) delete → gone": [],
  "empty namespace delete → gone": [],
};
for (let i = 0; i < runs; i++) {
  const name = `hc-bench-${randomBytes(3).toString("hex")}`;
  let t = performance.now();
  await core.createNamespace({ body: { metadata: { name, labels: { "hybrid-conformance.io/owner": "harness-tests" } } } });
  phases["namespace create"].push(performance.now() - t);
  t = performance.now();
  await core.createNamespacedPod({ namespace: name, body: windowsPod("bench") });
  await waits.podReady(kc, name, "bench", { timeoutMs: 120_000 });
  phases["Windows pod created → Ready"].push(performance.now() - t);
  t = performance.now();
  await core.deleteNamespace({ name });
  await waits.namespaceGone(kc, name, 180_000);
  phases["namespace (with pod) delete → gone"].push(performance.now() - t);

  const empty = `${name}-e`;
  await core.createNamespace({ body: { metadata: { name: empty, labels: { "hybrid-conformance.io/owner": "harness-tests" } } } });
  t = performance.now();
  await core.deleteNamespace({ name: empty });
  await waits.namespaceGone(kc, empty, 180_000);
  phases["empty namespace delete → gone"].push(performance.now() - t);
}
for (const [k, xs] of Object.entries(phases)) line(k, xs);

// 4. The e2e spec files, per-file wall times.
if (values.e2e) {
  process.stdout.write("\n");
  const r = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "scripts/e2e-lanes.ts"), "--lanes", values.lanes!, ...positionals], {
    cwd: repoRoot,
    stdio: "inherit",
  });
  process.exitCode = r.status ?? 1;
}
