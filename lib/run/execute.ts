// Phase 3 of a run: the suites, in-process under mocha, with the run's context set; SIGINT/SIGTERM stop after the
// current test and clean up; afterwards everything the run created is swept. Returns the result for the reporters.
import type * as k8s from "@kubernetes/client-node";
import { mkdirSync, rmSync } from "node:fs";
import { setRunContext, type RunOptions } from "./context.js";
import { runMocha } from "./mocha-runner.js";
import { runParallel } from "./parallel.js";
import { sweepRun, leftovers } from "./cleanup.js";
import { keptNotice } from "./leftovers.js";
import { resetRecord, signoffRecord } from "./record.js";
import { readNodesForRecord } from "./node-facts.js";
import { resilient } from "../cluster/resilient.js";
import { configureOutage, resetOutage, onFatal, fatalError } from "../cluster/outage.js";
import type { Capabilities } from "../preflight/types.js";
import type { RunResult } from "../results/model.js";
import type { SuiteEntry } from "../../suites/index.js";
import { prepullPhase, type PrepullPlan } from "../prepull/phase.js";
import { testsOfPass, type Pass } from "../pools/passes.js";

export interface Execution {
  kc: k8s.KubeConfig;
  caps: Capabilities;
  options: RunOptions;
  entries: SuiteEntry[];
  /** One per Windows pool under test (lib/pools/passes.ts): the suites run once per pass, narrowed to its pool. */
  passes: Pass[];
  /** --rerun-failed: only these results (test, pool). */
  only?: { fullTitle: string; pool?: string }[];
  retries?: number;
  /** --fail-on-flaky: a test that passed only on retry makes the run fail. */
  failOnFlaky: boolean;
  /** Where allure-mocha writes (emptied first: a report must only show this run). */
  allureResults: string;
  /** Tests at once (--parallel); 1 runs them in this process, one after the other. */
  parallel: number;
  /** How long the API server may be unreachable before the run ends as an infrastructure error. */
  outageWindowMs: number;
  /** Extended suites selected: the sweep also covers the cluster-scoped kinds only they create. */
  extended: boolean;
  /** How to invoke kubectl against this cluster, for the leftovers' removal commands. */
  kubectl: string;
  /** `--prepull`: the images and nodes to pull them on before the tests. */
  prepull?: PrepullPlan;
}

/** Cleanup's own budget once the run ended on an infrastructure error: one more short try, then name the leftovers. */
const cleanupAfterOutageMs = 3_000;

export async function execute(x: Execution, info: (l: string) => void): Promise<RunResult> {
  const { kc, caps, options } = x;
  const runId = `r${Date.now().toString(36)}`;
  // From here on every API call follows the outage window (the preflight before failed fast instead).
  resetOutage(x.outageWindowMs);
  configureOutage({ server: caps.server.url });
  resilient(kc);
  setRunContext({ runId, kc, caps, options });
  resetRecord();
  try {
    // allure-mocha never empties its directory: a report must only show this run.
    rmSync(x.allureResults, { recursive: true, force: true });
    mkdirSync(x.allureResults, { recursive: true });
    info(
      `run ${runId}: ${x.entries.map((e) => e.category).join(", ")} against ${caps.context} (${caps.server.gitVersion}; Windows builds ${caps.windowsBuilds.join(", ")}; ${x.passes.length > 1 ? `${x.passes.length} Windows pools, one pass each` : `Windows pool ${x.passes[0]?.pool}`}; ${x.parallel > 1 ? `${x.parallel} tests at once` : "one test at a time"})`,
    );

    // SIGINT/SIGTERM: stop after the current test, remove everything this run created, exit 3.
    let interrupted = false;
    let runner: { abort(): void } | undefined;
    let sweeping: Promise<unknown> | undefined;
    const onSignal = (sig: string) => {
      if (interrupted) {
        info(`${sig} again: leaving now; remove leftovers with: hybrid-conformance cleanup --run ${runId} --yes`);
        process.exit(3);
      }
      interrupted = true;
      info(`${sig}: stopping after the current step and cleaning up run ${runId}…`);
      runner?.abort();
      sweeping = sweepRun(kc, runId, 120_000, x.extended);
    };
    const handlers = { SIGINT: () => onSignal("SIGINT"), SIGTERM: () => onSignal("SIGTERM") };
    process.on("SIGINT", handlers.SIGINT);
    process.on("SIGTERM", handlers.SIGTERM);
    // API gone past the window or permissions lost: stop after the current test (which ends as broken).
    const stopOnFatal = onFatal(() => runner?.abort());
    const startedAt = Date.now();
    const pre = x.prepull && !interrupted ? await prepullPhase(x.prepull, { kc, caps, options, runId, stopped: () => interrupted }, info) : undefined;
    const files = x.entries.map((e) => e.file);
    // A pass that starts after an interrupt (or the end of the API) ends at once.
    const onRunner = (r: { abort(): void }) => {
      runner = r;
      if (interrupted || fatalError()) r.abort();
    };
    const result =
      pre?.error || interrupted
        ? { outcomes: [] }
        : x.parallel > 1
          ? await runParallel({
              kc,
              runId,
              options,
              files,
              grep: options.grep,
              passes: x.passes,
              only: x.only,
              retries: x.retries,
              resultsDir: x.allureResults,
              outageWindowMs: x.outageWindowMs,
              workers: x.parallel,
              onRunner,
            })
          : await runMocha({
              files,
              grep: options.grep,
              retries: x.retries,
              resultsDir: x.allureResults,
              onRunner,
              passes: (listing) =>
                x.passes.map((p, i) => ({
                  pool: p.pool,
                  only: testsOfPass(listing, x.passes, i, x.only),
                  enter: () => setRunContext({ runId, kc, caps: p.caps, options }),
                })),
            });
    stopOnFatal();
    if (sweeping) await sweeping;
    // Whatever a test still left (an interrupt mid-test, a crashed hook) goes now; after an infrastructure
    // error, cleanup gets its own short budget and names what it could not remove.
    const outage = fatalError();
    if (outage) resetOutage(cleanupAfterOutageMs);
    const swept = await sweepRun(kc, runId, outage ? cleanupAfterOutageMs : 120_000, x.extended);
    // A pull no node can do (the pre-pull's) also ends the run on the cluster's account, but the API is there to clean up.
    const infra = outage ?? (pre?.error && !interrupted ? { message: pre.error } : undefined);
    const left = leftovers(x.kubectl);
    if (swept.problems.length) info(`warning: cleanup of run ${runId} incomplete: ${swept.problems.join("; ")}`);
    for (const l of left) info(`leftover: ${l.kind} ${l.namespace ? `${l.namespace}/` : ""}${l.name}; remove with: ${l.command}`);
    for (const l of await keptNotice(kc, runId).catch(() => [])) info(l);
    process.off("SIGINT", handlers.SIGINT);
    process.off("SIGTERM", handlers.SIGTERM);

    const failed = result.outcomes.some((o) => o.state === "failed" || (x.failOnFlaky && o.state === "flaky"));
    // Node facts as they are now, for the record; after an infrastructure error the API is not asked again.
    const nodesAtRecord = infra
      ? { nodes: caps.nodes, read: { source: "preflight" as const, why: `not read again at the end: ${infra.message}` } }
      : await readNodesForRecord(kc, caps);
    return {
      runId,
      caps,
      outcomes: result.outcomes,
      exitCode: infra ? 2 : interrupted ? 3 : failed ? 1 : 0,
      interrupted,
      ...(infra ? { infrastructureError: infra.message } : {}),
      leftovers: left,
      startedAt,
      finishedAt: Date.now(),
      record: signoffRecord(caps, nodesAtRecord.nodes),
      nodesAtRecord,
      ...(pre?.record ? { prepull: pre.record } : {}),
    };
  } finally {
    setRunContext(undefined);
  }
}
