// Every Windows pool gets the Windows tests: a run is one pass per pool, each pass narrowed to its pool exactly as
// `--windows-nodes` narrows a run (pods rendered for the pool's build, pinned to its nodes, tolerating its taints;
// node checks judge only its nodes). `--windows-nodes` names one pool: one pass. The first pass runs every selected
// test; later passes run every test except those marked pool-independent (below), which run once.
//
// Which tests run per pool is static metadata, not observed from the first pass: a result depends on the pool when
// the test places a Windows pod *or* judges the pool's nodes or taints (Core.Nodes, the taint checks), and the
// latter place no pod at all — observing pod placement would test them on the first pool only. The mark errs on
// the safe side: an unmarked test runs on every pool. The sensitivity runner's healthy runs assert that a marked
// test placed no pod on a Windows node (test/support/sensitivity.ts).
import type Mocha from "mocha";
import type { Capabilities, Pool } from "../preflight/types.js";
import { narrowToPool } from "./pools.js";
import { parseSelector } from "./selector.js";
import { catalogue } from "../../suites/index.js";

/** One pass of a run: the run's capabilities narrowed to one pool. */
export interface Pass {
  /** The pool's selector: each result of the pass carries it (TestOutcome.pool). */
  pool: string;
  caps: Capabilities;
}

/**
 * The passes of a run: the pool `--windows-nodes` named, else every discovered pool (with `--windows-build`, those
 * with a node of that build). A pool whose Windows nodes are all NotReady still gets its pass: its node checks fail
 * naming the nodes and its pods fail fast as unschedulable — a pool that cannot run pods is not signed off.
 */
export function passesFor(caps: Capabilities, windowsBuild?: string): Pass[] {
  if (caps.targetPool) return [{ pool: caps.targetPool.selector, caps }];
  const pools = (caps.pools ?? []).filter((p) => !windowsBuild || p.builds.includes(windowsBuild));
  return pools.map((p) => ({ pool: p.selector, caps: narrowToPool(caps, parseSelector(p.selector), { allowNotReady: true }) }));
}

/** The pools the passes test, for the report card. */
export const poolsOfPasses = (passes: Pass[]): Pool[] => passes.map((p) => p.caps.targetPool!);

const POOL_INDEPENDENT = "hcPoolIndependent";

/**
 * Marks a test (or a describe: all its tests) whose result cannot depend on the Windows pool: it places no pod on
 * a Windows node and judges no node (an API validation, a webhook's answer, the control plane's OS). It runs once
 * per run, in the first pass, and its result carries no pool. Usage: `poolIndependent(it("…", async () => …))`.
 */
export function poolIndependent<T extends Mocha.Test | Mocha.Suite>(x: T): T {
  (x as unknown as Record<string, boolean>)[POOL_INDEPENDENT] = true;
  return x;
}

/** Marked itself, within a marked describe, or of a category the catalogue marks (suites/index.ts). */
export function isPoolIndependent(t: Mocha.Runnable): boolean {
  for (let x: unknown = t; x; x = (x as Mocha.Test).parent) if ((x as Record<string, boolean | undefined>)[POOL_INDEPENDENT]) return true;
  return catalogue.some((e) => e.poolIndependent && e.category === t.titlePath()[0]);
}

/** A test of the run's listing, with what decides which passes run it. */
export interface ListedTest {
  fullTitle: string;
  poolIndependent: boolean;
}

/**
 * The tests pass `i` runs: every listed test in the first pass, the pool-dependent ones in the others; with
 * `--rerun-failed`, only the (test, pool) results that failed — a result without a pool matches any pass.
 */
export function testsOfPass(listing: ListedTest[], passes: Pass[], i: number, only?: { fullTitle: string; pool?: string }[]): string[] {
  return listing
    .filter((t) => i === 0 || !t.poolIndependent)
    .filter((t) => !only || only.some((o) => o.fullTitle === t.fullTitle && (!o.pool || o.pool === passes[i].pool)))
    .map((t) => t.fullTitle);
}
