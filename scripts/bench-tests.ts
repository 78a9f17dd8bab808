// Where the harness's own end-to-end time goes, on the running local cluster (`cluster up` first):
//   1. CLI start-up: `--version`, `list` (node + the compiled harness's modules), wall and CPU;
//   2. one `run --local --category <c> --parallel 1` (what each sensitivity case costs): wall, the run's own clock
//      (execute + report), and mocha's test time; the rest is start-up, preflight and the final sweep;
//   3. the cluster: namespace create → a Windows pod Ready → namespace deleted → gone (what useNamespace and every
//      harness test pay), and an empty namespace's deletion;
//   4. memory (--sections memory; needs no running cluster): a local cluster of its own in a temporary state
//      directory — the resident memory of every process it starts (kube-apiserver, etcd, scheduler,
//      controller-manager, kwok, the Node processes, and their children) at rest, then during one
//      `run --local --suite core`, with the harness's own peak (the CLI and any workers it forks);
//   5. with --e2e [files…]: the e2e spec files through scripts/e2e-lanes.ts, per-file wall times (--lanes N).
// --baseline DIR (repeatable) measures other checkouts (e.g. `git archive <commit>` unpacked, node_modules linked)
// beside this one — start-up interleaved sample by sample — with ratios to the first: before/after in one run on a
// noisy machine.
//
//   npm run bench:tests [-- --runs 3 --category Core.Scheduling] [-- --e2e --lanes 3 [test/e2e/x.spec.ts …]]
//   npm run bench:tests -- --sections startup,memory --baseline /tmp/before
import * as k8s from "@kubernetes/client-node";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { repoRoot } from "../localcluster/paths.js";
import { localKubeConfig } from "../test/support/local-cluster.js";
import { windowsPod } from "../test/support/dataplane.js";
import { waits } from "../lib/cluster/waits.js";
import { readState } from "../localcluster/state.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: "string", default: "3" },
    category: { type: "string", default: "Core.Scheduling" },
    e2e: { type: "boolean", default: false },
    lanes: { type: "string", default: "3" },
    sections: { type: "string", default: "startup,run,cluster" },
    baseline: { type: "string", multiple: true },
  },
});
const sections = new Set(values.sections!.split(","));
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

/** The checkouts measured: the --baseline ones (labelled by their directory), then this one. */
const trees = [...(values.baseline ?? []).map((d) => ({ label: resolve(d), root: resolve(d) })), { label: "this tree", root: repoRoot }];
const binOf = (root: string) => join(root, "bin/hybrid-conformance.mjs");

// 1. CLI start-up.
if (sections.has("startup")) {
  for (const cmd of [["--version"], ["list"]]) {
    const wall = trees.map(() => [] as number[]);
    const cpu = trees.map(() => [] as number[]);
    for (let i = 0; i < runs; i++)
      trees.forEach((t, j) => {
        const r = timed([binOf(t.root), ...cmd]);
        if (r.code !== 0) throw new Error(`${t.label}: ${cmd.join(" ")} exited ${r.code}: ${r.stderr.trim().split("\n").pop()}`);
        wall[j].push(r.wallMs);
        cpu[j].push(r.cpuMs);
      });
    trees.forEach((t, j) => {
      line(`CLI start-up (\`${cmd.join(" ")}\`), wall, ${t.label}`, wall[j]);
      line(`CLI start-up (\`${cmd.join(" ")}\`), CPU, ${t.label}`, cpu[j]);
    });
    for (let j = 1; j < trees.length; j++)
      process.stdout.write(
        `  ratio ${trees[j].label} / ${trees[0].label}: wall ${(median(wall[j]) / median(wall[0])).toFixed(2)}, CPU ${(median(cpu[j]) / median(cpu[0])).toFixed(2)}\n`,
      );
  }
}

// 2. One run of one category, as the sensitivity specs invoke it.
if (sections.has("run")) {
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
}

// 3. The cluster's own pace for what every test pays.
if (sections.has("cluster")) {
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
}

// 4. Memory: a cluster of its own per checkout, at rest and during one core run.
if (sections.has("memory")) {
  const results: Awaited<ReturnType<typeof memoryOf>>[] = [];
  for (const t of trees) results.push(await memoryOf(t.root));
  trees.forEach((t, j) => {
    const m = results[j];
    process.stdout.write(`\nmemory, ${t.label} (${m.tests}; --parallel default: ${m.workers} worker process(es) beside the CLI)\n`);
    const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`.padStart(8);
    for (const [name, c] of Object.entries(m.components))
      process.stdout.write(`  ${name.padEnd(24)} at rest ${mb(c.rest)}   peak during the run ${mb(c.peak)}\n`);
    process.stdout.write(`  ${"whole cluster".padEnd(24)} at rest ${mb(m.clusterRest)}   peak during the run ${mb(m.clusterPeak)}\n`);
    process.stdout.write(`  ${"harness (CLI + workers)".padEnd(24)} peak ${mb(m.harnessPeak)} (the CLI process alone: VmHWM ${mb(m.cliHwm)})\n`);
  });
  for (let j = 1; j < trees.length; j++) {
    const [a, b] = [results[0], results[j]];
    process.stdout.write(
      `\nratio ${trees[j].label} / ${trees[0].label}: harness peak ${(b.harnessPeak / a.harnessPeak).toFixed(2)}, ` +
        `cluster at rest ${(b.clusterRest / a.clusterRest).toFixed(2)}, cluster peak ${(b.clusterPeak / a.clusterPeak).toFixed(2)}\n`,
    );
  }
}

// 5. The e2e spec files, per-file wall times.
if (values.e2e) {
  process.stdout.write("\n");
  const r = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "scripts/e2e-lanes.ts"), "--lanes", values.lanes!, ...positionals], {
    cwd: repoRoot,
    stdio: "inherit",
  });
  process.exitCode = r.status ?? 1;
}

/** Every descendant of these pids (children of children…), with themselves. */
function withDescendants(pids: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (out.push(p), (children.get(p) ?? []).forEach(walk));
  pids.forEach(walk);
  return out;
}

/** A /proc/<pid>/status field in kB (VmRSS, VmHWM); 0 for a process gone meanwhile. */
function statusKb(pid: number, field: string): number {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
function treeRss(pid: number): number {
  return withDescendants([pid]).reduce((a, p) => a + statusKb(p, "VmRSS"), 0);
}

/**
 * One checkout's cluster and harness memory: `cluster up` in a temporary state directory, 10 s of samples at rest
 * (the mean), then `run --local --suite core` sampled every 250 ms (the peaks); `cluster down` in any case.
 */
async function memoryOf(root: string) {
  const state = mkdtempSync(join(tmpdir(), "hc-bench-mem-"));
  const env = { ...process.env, HC_LOCALCLUSTER_DIR: state, KUBECONFIG: "" };
  const cli = (...args: string[]) => spawnSync(process.execPath, [binOf(root), ...args], { cwd: root, env, encoding: "utf8", maxBuffer: 64 << 20 });
  try {
    const up = cli("cluster", "up");
    if (up.status !== 0) throw new Error(`cluster up (${root}) exited ${up.status}: ${up.stderr.trim().split("\n").pop()}`);
    const components = readState(state)!.components;
    const sample = () => Object.fromEntries(components.map((c) => [c.name, treeRss(c.pid)]));
    const rest: Record<string, number>[] = [];
    for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) rest.push(sample());
    const peak: Record<string, number> = Object.fromEntries(components.map((c) => [c.name, 0]));
    let clusterPeak = 0;
    let harnessPeak = 0;
    let cliHwm = 0;
    let workers = 0;
    const child = spawn(process.execPath, [binOf(root), "run", "--local", "--suite", "core", "--report-dir", join(state, "report")], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number>((r) => child.on("close", (code) => r(code ?? -1)));
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      const s = sample();
      for (const [k, v] of Object.entries(s)) peak[k] = Math.max(peak[k], v);
      clusterPeak = Math.max(
        clusterPeak,
        Object.values(s).reduce((a, b) => a + b, 0),
      );
      const tree = withDescendants([child.pid!]);
      workers = Math.max(workers, tree.filter((p) => p !== child.pid && /node/.test(readFileSync(`/proc/${p}/comm`, "utf8"))).length);
      harnessPeak = Math.max(
        harnessPeak,
        tree.reduce((a, p) => a + statusKb(p, "VmRSS"), 0),
      );
      cliHwm = Math.max(cliHwm, statusKb(child.pid!, "VmHWM"));
      await Promise.race([exited, new Promise((r) => setTimeout(r, 250))]);
    }
    const code = await exited;
    if (code !== 0 && code !== 1) throw new Error(`run --suite core (${root}) exited ${code}: ${out.trim().split("\n").pop()}`);
    const tests = /(\d+ passed[^\n]*)/.exec(out)?.[1] ?? `exit ${code}`;
    const mean = (name: string) => rest.reduce((a, s) => a + s[name], 0) / rest.length;
    return {
      tests,
      workers,
      components: Object.fromEntries(components.map((c) => [c.name, { rest: mean(c.name), peak: peak[c.name] }])),
      clusterRest: components.reduce((a, c) => a + mean(c.name), 0),
      clusterPeak,
      harnessPeak,
      cliHwm,
    };
  } finally {
    cli("cluster", "down");
    rmSync(state, { recursive: true, force: true });
  }
}
