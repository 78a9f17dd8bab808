// The result model: what a run found, test by test, and the summary.json that records it. Every reporter
// (lib/report/reporters.ts) and every reader of an earlier run (--rerun-failed, the sensitivity tests) uses these types.
import type { Capabilities } from "../preflight/types.js";
import type { SignoffRecord } from "../run/record.js";
import type { Comparison } from "../report/compare.js";
import type { Leftover } from "../run/cleanup.js";
import type { PrepullRecord } from "../prepull/prepull.js";
import type { TestPhases } from "../run/pod-timeline.js";
import { reportCard, type PoolCard } from "../pools/report-card.js";
import { summaryNodes, type NodesAtRecord, type NodesRead, type SummaryNode } from "../run/node-facts.js";

/**
 * flaky: failed, then passed on a retry in a fresh namespace. broken: hit by the infrastructure (the API server
 * gone past the outage window, permissions lost) — says nothing about the product.
 */
export type TestState = "passed" | "failed" | "skipped" | "flaky" | "broken";

export interface TestOutcome {
  category: string;
  title: string;
  fullTitle: string;
  /**
   * The Windows pool this result is for: the selector of the pass that ran it (lib/pools/passes.ts). Absent for a
   * test that runs once per run because its result cannot depend on the pool.
   */
  pool?: string;
  file: string;
  /** flaky: failed, then passed on a retry in a fresh namespace. */
  state: TestState;
  attempts: number;
  durationMs: number;
  error?: string;
  /** The first line of each failed attempt's error, when the test was retried. */
  failedAttempts?: string[];
  /** Why a skipped test was skipped (set by the test through lib/run/steps.ts skipWithReason). */
  reason?: string;
  /** Its pods' time per phase, summed over the pods (lib/run/pod-timeline.ts); absent when it ran no pod. */
  phases?: TestPhases;
  /** The nodes this test's pods ran on (pod.spec.nodeName, read at the end of the test): the report card's placement. */
  nodes?: string[];
}

/** A result's identity within a run and across runs (baseline, --rerun-failed): the test, and its pool. */
export const resultKey = (o: { fullTitle: string; pool?: string }): string => (o.pool ? `${o.fullTitle} [${o.pool}]` : o.fullTitle);

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  flaky: number;
  broken: number;
}

export function count(outcomes: TestOutcome[]): Counts {
  return {
    passed: outcomes.filter((o) => o.state === "passed").length,
    failed: outcomes.filter((o) => o.state === "failed").length,
    skipped: outcomes.filter((o) => o.state === "skipped").length,
    flaky: outcomes.filter((o) => o.state === "flaky").length,
    broken: outcomes.filter((o) => o.state === "broken").length,
  };
}

/** A finished run, as the reporters receive it. */
export interface RunResult {
  runId: string;
  caps: Capabilities;
  outcomes: TestOutcome[];
  /** The exit code the run ends with: 0 all passed, 1 a test failed (or was flaky under --fail-on-flaky), 3 interrupted. */
  exitCode: number;
  interrupted: boolean;
  /** Why the run ended early on the cluster's account (exit 2): API unreachable past the window, permissions lost. */
  infrastructureError?: string;
  /** What cleanup could not remove, each with the command that removes it. */
  leftovers?: Leftover[];
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number;
  /** What was tested: server, nodes, the image digests the pods ran (lib/run/record.ts). */
  record: SignoffRecord;
  /** The nodes as read when the record was written (lib/run/node-facts.ts); absent: the preflight's. */
  nodesAtRecord?: NodesAtRecord;
  /** `run --baseline`: the comparison with that earlier run. */
  comparison?: Comparison;
  /** `run --prepull`: the pre-pull phase, before the tests (lib/prepull). */
  prepull?: PrepullRecord;
}

/** summary.json, as written by the summary reporter. */
export interface Summary {
  runId: string;
  startedAt: string;
  durationMs: number;
  exitCode: number;
  interrupted: boolean;
  infrastructureError?: string;
  counts: Counts;
  leftovers: Leftover[];
  cluster: {
    context: string;
    server: string;
    version: string;
    local: boolean;
    /** Each node as read when this summary was written; `readyAtPreflight` is what the preflight saw. */
    nodes: SummaryNode[];
    nodesRead: NodesRead;
  };
  tests: TestOutcome[];
  /** The report card: per Windows pool, per category (lib/pools/report-card.ts). */
  pools: PoolCard[];
  record: SignoffRecord;
  comparison?: Comparison;
  prepull?: PrepullRecord;
}

export function summaryOf(r: RunResult): Summary {
  return {
    runId: r.runId,
    startedAt: new Date(r.startedAt).toISOString(),
    durationMs: r.finishedAt - r.startedAt,
    exitCode: r.exitCode,
    interrupted: r.interrupted,
    ...(r.infrastructureError ? { infrastructureError: r.infrastructureError } : {}),
    counts: count(r.outcomes),
    leftovers: r.leftovers ?? [],
    cluster: {
      context: r.caps.context,
      server: r.caps.server.url,
      version: r.caps.server.gitVersion,
      local: r.caps.local,
      nodes: summaryNodes(r.nodesAtRecord?.nodes ?? r.caps.nodes, r.caps.nodes),
      nodesRead: r.nodesAtRecord?.read ?? { source: "preflight" },
    },
    tests: r.outcomes,
    pools: reportCard(r.caps, r.outcomes),
    record: r.record,
    ...(r.comparison ? { comparison: r.comparison } : {}),
    ...(r.prepull ? { prepull: r.prepull } : {}),
  };
}
