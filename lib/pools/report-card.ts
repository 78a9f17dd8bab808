// The report card: a verdict per Windows pool — passed/failed/skipped per category — for the console, summary.json
// (`pools`), Allure (a `pool` label the HTML groups by) and JUnit (properties). Which tests count for a pool:
// with `--windows-nodes` every test of the run (each Windows pod was placed on the pool, node checks judged only
// it); without it, the tests whose pods ran on the pool's nodes (observed from pod.spec.nodeName at the end of
// each test), and tests that placed no pod on a Windows node count for no pool (`windowsPods: false` entry).
import { count, type Counts, type TestOutcome } from "../results/model.js";
import type { Capabilities } from "../preflight/types.js";

export interface PoolCard {
  /** The pool's selector (`agentpool=win25`), or "(no Windows pod)" for tests that placed none. */
  pool: string;
  /** False for the entry of tests that ran no pod on a Windows node (node facts, API refusals, Linux-only). */
  windowsPods: boolean;
  /** True when the run was narrowed to this pool (`--windows-nodes`). */
  targeted: boolean;
  builds: string[];
  nodes: string[];
  counts: Counts;
  categories: ({ category: string } & Counts)[];
}

export const NO_WINDOWS_POD = "(no Windows pod)";

function card(pool: string, o: { windowsPods: boolean; targeted: boolean; builds: string[]; nodes: string[] }, outcomes: TestOutcome[]): PoolCard {
  const cats = [...new Set(outcomes.map((x) => x.category))];
  return {
    pool,
    ...o,
    counts: count(outcomes),
    categories: cats.map((category) => ({ category, ...count(outcomes.filter((x) => x.category === category)) })),
  };
}

/** The pools each test counts for (see the file comment). */
export function poolsOfTest(caps: Pick<Capabilities, "pools" | "targetPool">, o: TestOutcome): string[] {
  if (caps.targetPool) return [caps.targetPool.selector];
  const ran = new Set(o.nodes ?? []);
  return (caps.pools ?? []).filter((p) => p.nodes.some((n) => ran.has(n))).map((p) => p.selector);
}

export function reportCard(caps: Pick<Capabilities, "pools" | "targetPool">, outcomes: TestOutcome[]): PoolCard[] {
  if (caps.targetPool) {
    const p = caps.targetPool;
    return [card(p.selector, { windowsPods: true, targeted: true, builds: p.builds, nodes: p.nodes }, outcomes)];
  }
  const of = new Map(outcomes.map((o) => [o, poolsOfTest(caps, o)]));
  const cards = (caps.pools ?? []).map((p) =>
    card(
      p.selector,
      { windowsPods: true, targeted: false, builds: p.builds, nodes: p.nodes },
      outcomes.filter((o) => of.get(o)!.includes(p.selector)),
    ),
  );
  const none = outcomes.filter((o) => !of.get(o)!.length);
  if (none.length) cards.push(card(NO_WINDOWS_POD, { windowsPods: false, targeted: false, builds: [], nodes: [] }, none));
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
      : "tests that placed no pod on a Windows node";
    const total = c.counts.passed + c.counts.failed + c.counts.skipped + c.counts.flaky + c.counts.broken;
    out.push(`  ${c.pool} (${what}): ${total ? fmt(c.counts) : "no test placed a pod here: test it with --windows-nodes " + c.pool}`);
    for (const k of c.categories) out.push(`    ${k.category}: ${fmt(k)}`);
  }
  return out;
}
