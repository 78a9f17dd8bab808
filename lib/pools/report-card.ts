// The report card: a verdict per Windows pool — passed/failed/skipped per category — for the console, summary.json
// (`pools`), Allure (a `pool` label the HTML groups by) and JUnit (properties). A run is one pass per pool
// (lib/pools/passes.ts) and every result carries the pool of its pass (TestOutcome.pool), so a pool's card counts
// exactly the results that carry it; the tests that run once because their result cannot depend on the pool
// carry none and are counted under their own entry (`windowsPods: false`).
import { count, type Counts, type TestOutcome } from "../results/model.js";
import type { Capabilities, Pool } from "../preflight/types.js";

export interface PoolCard {
  /** The pool's selector (`agentpool=win25`), or "(pool-independent)" for the tests that run once per run. */
  pool: string;
  /** False for the entry of tests that run once per run: they place no pod on a Windows node and judge no node. */
  windowsPods: boolean;
  /** True when the run was narrowed to this pool (`--windows-nodes`). */
  targeted: boolean;
  builds: string[];
  nodes: string[];
  counts: Counts;
  categories: ({ category: string } & Counts)[];
}

export const POOL_INDEPENDENT_CARD = "(pool-independent)";

function card(pool: string, o: { windowsPods: boolean; targeted: boolean; builds: string[]; nodes: string[] }, outcomes: TestOutcome[]): PoolCard {
  const cats = [...new Set(outcomes.map((x) => x.category))];
  return {
    pool,
    ...o,
    counts: count(outcomes),
    categories: cats.map((category) => ({ category, ...count(outcomes.filter((x) => x.category === category)) })),
  };
}

/**
 * One card per pool the run covers: the targeted pool (`--windows-nodes`), else every discovered pool (one that no
 * pass reached, e.g. left out by `--windows-build`, shows no result); then the pool-independent tests, if any ran.
 */
export function reportCard(caps: Pick<Capabilities, "pools" | "targetPool">, outcomes: TestOutcome[]): PoolCard[] {
  const pools: Pool[] = caps.targetPool ? [caps.targetPool] : (caps.pools ?? []);
  const cards = pools.map((p) =>
    card(
      p.selector,
      { windowsPods: true, targeted: !!caps.targetPool, builds: p.builds, nodes: p.nodes },
      outcomes.filter((o) => o.pool === p.selector),
    ),
  );
  const none = outcomes.filter((o) => !o.pool);
  if (none.length) cards.push(card(POOL_INDEPENDENT_CARD, { windowsPods: false, targeted: false, builds: [], nodes: [] }, none));
  return cards;
}

const fmt = (c: Counts) =>
  `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.flaky ? `, ${c.flaky} flaky` : ""}${c.broken ? `, ${c.broken} broken` : ""}`;

/** The console's report card: one line per pool, one per category under it. */
export function formatReportCard(cards: PoolCard[]): string[] {
  if (!cards.length) return [];
  const out = ["report card (per Windows pool):"];
  for (const c of cards) {
    const what = c.windowsPods
      ? `build ${c.builds.join(", ") || "unlabelled"}, ${c.nodes.length} node(s)${c.targeted ? ", --windows-nodes" : ""}`
      : "tests that run once: no Windows pod, no node judged";
    const total = c.counts.passed + c.counts.failed + c.counts.skipped + c.counts.flaky + c.counts.broken;
    out.push(`  ${c.pool} (${what}): ${total ? fmt(c.counts) : "not tested in this run: test it with --windows-nodes " + c.pool}`);
    for (const k of c.categories) out.push(`    ${k.category}: ${fmt(k)}`);
  }
  return out;
}
