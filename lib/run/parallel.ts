// --parallel N: the tests of a run spread over N worker processes (lib/run/worker.ts), each running mocha on its
// share selected by exact full title. Mocha has no in-file concurrency, and every test already lives in its own
// namespace with per-test names for cluster-scoped objects, so tests are independent; a test marked with
// `runsAlone` (lib/run/serial.ts) runs afterwards with nothing beside it. Outcomes come back in catalogue order;
// allure-results are written by every worker into the same directory; interrupts are forwarded and the parent's
// sweep (lib/run/execute.ts) removes whatever the run left.
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import type * as k8s from "@kubernetes/client-node";
import type { Capabilities } from "../preflight/types.js";
import type { TestOutcome } from "../results/model.js";
import type { RunOptions } from "./context.js";
import { runMocha, type MochaRun } from "./mocha-runner.js";
import { declareFatal } from "../cluster/outage.js";
import { windowsNodesUnderTest } from "../pools/pools.js";
import { testsOfPass, type Pass } from "../pools/passes.js";
import { nodeArgsFor } from "../../localcluster/paths.js";

/** What a worker receives: everything it needs to set the run context a serial run sets in-process. */
export interface WorkerTask {
  type: "task";
  /** The kubeconfig in use, serialised (handed over IPC, never written to disk). */
  kubeconfig: string;
  runId: string;
  options: RunOptions;
  files: string[];
  /** Its share, pass by pass: the pool, the pass's capabilities (narrowed to the pool) and the exact titles. */
  passes: { pool: string; caps: Capabilities; only: string[] }[];
  retries?: number;
  resultsDir: string;
  /** The run's API outage window: each worker follows the same error model as a serial run. */
  outageWindowMs?: number;
}

/** `fatal`: the infrastructure error (API gone past the window, permission lost) that ended the worker's share. */
export type WorkerReply =
  | { type: "done"; outcomes: TestOutcome[]; aborted: boolean; fatal?: string }
  | { type: "crashed"; error: string }
  /** A pass of its share begins: its console lines name that pool from now on. */
  | { type: "pass"; pool: string };

export interface ParallelRun {
  kc: k8s.KubeConfig;
  runId: string;
  options: RunOptions;
  files: string[];
  grep?: string;
  /** One per Windows pool (lib/pools/passes.ts); a worker's share may hold tests of several passes. */
  passes: Pass[];
  /** --rerun-failed: only these results (test, pool). */
  only?: { fullTitle: string; pool?: string }[];
  retries?: number;
  resultsDir: string;
  outageWindowMs?: number;
  workers: number;
  /** Called with a handle whose abort() stops every worker after its current test. */
  onRunner?: (r: { abort(): void }) => void;
  /** Where worker output goes, line by line, prefixed with the worker's number. */
  out?: (line: string) => void;
}

/**
 * The default for --parallel: two tests per schedulable Windows node (Windows pods are what tests wait on; a node
 * runs a couple of test pods at once without skewing start times), capped at 8 to spare the API server; at least 1.
 * When the cluster runs on this very machine (the embedded local cluster, or any API server on loopback: kind,
 * minikube, k3d), workers compete with it for CPU — each
 * worker is a Node process that spends seconds of CPU loading the suites — so at most one per two CPUs (measured on
 * 2 cores: 4 workers made local runs 2-3x slower than one; see docs/parallel.md).
 */
export function defaultParallelism(caps: Capabilities, cpus = availableParallelism()): number {
  const windows = windowsNodesUnderTest(caps).filter((n) => n.ready && !n.taints.some((t) => t.key === "node.kubernetes.io/unschedulable")).length;
  return Math.max(1, Math.min(8, 2 * windows, caps.local || onThisMachine(caps.server?.url ?? "") ? Math.floor(cpus / 2) : 8));
}

/** An API server on a loopback address runs on this machine, whatever the kubeconfig's context is called. */
function onThisMachine(server: string): boolean {
  try {
    const host = new URL(server).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Tests → worker shares: round-robin in catalogue order, so every worker gets a mix of categories. */
export function shares<T>(titles: T[], workers: number): T[][] {
  const out: T[][] = Array.from({ length: Math.min(workers, titles.length) }, () => []);
  titles.forEach((t, i) => out[i % out.length].push(t));
  return out;
}

/** A test of one pass: the unit the workers share. */
interface Item {
  pass: number;
  title: string;
}

export async function runParallel(p: ParallelRun): Promise<MochaRun> {
  const listed = await runMocha({ files: p.files, grep: p.grep, dryRun: true });
  const order = listed.listing.map((o) => o.fullTitle);
  const alone = new Set(listed.alone ?? []);
  // Passes run concurrently: every (pass, test) is one item, shared round-robin in pass and catalogue order.
  const items: Item[] = p.passes.flatMap((_, pass) => testsOfPass(listed.listing, p.passes, pass, p.only).map((title) => ({ pass, title })));
  const together = items.filter((t) => !alone.has(t.title));
  const out = p.out ?? ((l: string) => process.stdout.write(l + "\n"));

  const live = new Set<ChildProcess>();
  let aborted = false;
  p.onRunner?.({
    abort() {
      aborted = true;
      for (const c of live) if (c.connected) c.send({ type: "abort" });
    },
  });

  const outcomes: TestOutcome[] = [];
  let anyAborted = false;
  const batch = async (groups: Item[][], first: number) => {
    const replies = await Promise.all(
      groups.map((share, i) => (aborted ? Promise.resolve(undefined) : runWorker({ ...p, share }, first + i, live, out, () => aborted))),
    );
    for (const r of replies) {
      if (!r) continue;
      outcomes.push(...r.outcomes);
      anyAborted ||= r.aborted;
    }
  };
  await batch(shares(together, p.workers), 1);
  // Tests that need the cluster to themselves: one after the other, nothing beside them.
  for (const t of items.filter((t) => alone.has(t.title))) if (!aborted) await batch([[t]], 1);

  // Pass by pass, each in catalogue order (a pool-independent result ran in the first pass).
  const at = new Map(order.map((t, i) => [t, i]));
  const passOf = (o: TestOutcome) =>
    Math.max(
      0,
      p.passes.findIndex((x) => x.pool === o.pool),
    );
  outcomes.sort((a, b) => passOf(a) - passOf(b) || (at.get(a.fullTitle) ?? 0) - (at.get(b.fullTitle) ?? 0));
  return { outcomes, aborted: aborted || anyAborted, alone: [...alone], listing: listed.listing };
}

// The worker runs in the same form as this process: compiled, or (the harness's own tests) its source through tsx.
const workerArgs = nodeArgsFor("lib/run/worker.ts");

function runWorker(
  p: ParallelRun & { share: Item[] },
  n: number,
  live: Set<ChildProcess>,
  out: (l: string) => void,
  aborted: () => boolean,
): Promise<{ outcomes: TestOutcome[]; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const child = fork(workerArgs.at(-1)!, [], { execArgv: workerArgs.slice(0, -1), stdio: ["ignore", "pipe", "pipe", "ipc"] });
    live.add(child);
    let prefix = `[${n}] `;
    for (const [stream, write] of [
      [child.stdout!, out],
      [child.stderr!, (l: string) => process.stderr.write(l + "\n")],
    ] as const) {
      let rest = "";
      stream.setEncoding("utf8");
      stream.on("data", (d: string) => {
        const lines = (rest + d).split("\n");
        rest = lines.pop()!;
        for (const l of lines) if (l.trim()) write(prefix + l);
      });
      stream.on("end", () => rest && write(prefix + rest));
    }
    let reply: WorkerReply | undefined;
    child.on("message", (m: WorkerReply) => {
      if (m.type === "pass") {
        if (p.passes.length > 1) prefix = `[${n} ${m.pool}] `;
        return;
      }
      reply = m;
      // One worker's infrastructure error ends the run, as in a serial run: the others stop after their current test.
      if (m.type === "done" && m.fatal) declareFatal(m.fatal);
    });
    child.on("exit", (code, signal) => {
      live.delete(child);
      if (reply?.type === "done") resolve(reply);
      else if (reply?.type === "crashed") reject(new Error(`worker ${n} crashed: ${reply.error}`));
      // Ended by a second interrupt before it could report: its tests have no outcome, as in an interrupted serial run.
      else if (aborted()) resolve({ outcomes: [], aborted: true });
      else reject(new Error(`worker ${n} ended (${signal ?? `exit code ${code}`}) before reporting its tests`));
    });
    const task: WorkerTask = {
      type: "task",
      kubeconfig: p.kc.exportConfig(),
      runId: p.runId,
      options: p.options,
      files: p.files,
      // The share, pass by pass (items are in pass order).
      passes: p.passes
        .map((pass, i) => ({ pool: pass.pool, caps: pass.caps, only: p.share.filter((t) => t.pass === i).map((t) => t.title) }))
        .filter((x) => x.only.length),
      retries: p.retries,
      resultsDir: p.resultsDir,
      outageWindowMs: p.outageWindowMs,
    };
    child.send(task);
  });
}
