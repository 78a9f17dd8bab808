// The one runner of sensitivity cases (sensitivity/*.cases.ts): `hybrid-conformance run --local` for the case's
// categories with its fault on, then: the tests that ran are exactly the selected categories' tests (from
// `hybrid-conformance list`), exactly the case's `breaks` failed — each message matching its patterns — the
// `skips` were skipped with their reasons, every other test passed, and the exit code says so.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, type CliResult, onePool, sensitivityParallel } from "./local-cluster.js";
import { applyFault } from "./sensitivity-setup.js";
import { faultLabel, type SensitivityCase } from "../../sensitivity/case.js";
import type { Summary, TestOutcome } from "../../lib/results/model.js";

export interface SensitivityRun {
  r: CliResult;
  summary: Summary;
  reportDir: string;
}

/** What a run selects, apart from its fault. */
export type Selection = Pick<SensitivityCase, "categories" | "args" | "env" | "grep" | "skips">;

/** The test title a case's `it` carries: the fault and why exactly these checks break. */
export function caseTitle(c: SensitivityCase): string {
  const n = Object.keys(c.breaks).length;
  return `${faultLabel(c)}${c.env ? ` [${Object.entries(c.env).map(([k, v]) => `${k}=${v}`)}]` : ""} breaks ${n} check(s)${c.why ? ` — ${c.why}` : ""}`;
}

const listed = new Map<string, string[]>();
/** The full titles `run` must have run for this selection, as `hybrid-conformance list` names them. */
export function selectedTests(s: Pick<Selection, "categories" | "grep">): string[] {
  const key = JSON.stringify([s.categories, s.grep]);
  if (!listed.has(key)) {
    const r = cli(["list", "--suite", "all", ...s.categories.flatMap((c) => ["--category", c]), ...(s.grep ? ["--grep", s.grep] : [])]);
    if (r.code !== 0) throw new Error(`hybrid-conformance list: exit ${r.code}: ${r.stderr}`);
    const tests: string[] = [];
    let category = "";
    for (const line of r.stdout.split("\n")) {
      if (line.startsWith("  ")) tests.push(`${category} › ${line.slice(2)}`);
      else if (line.trim()) category = line.split(" (")[0];
    }
    if (!tests.length) throw new Error(`hybrid-conformance list selects no test for ${key}`);
    listed.set(key, tests.sort());
  }
  return listed.get(key)!;
}

function runCli(s: Selection, reportDir: string, extra: string[]): SensitivityRun {
  const r = cli(
    [
      "run",
      "--local",
      "--suite",
      "all",
      ...s.categories.flatMap((c) => ["--category", c]),
      ...(s.grep ? ["--grep", s.grep] : []),
      ...(s.args ?? []),
      ...extra,
      // Not about pools: the cluster's Windows nodes as one pool (test/support/local-cluster.ts onePool).
      ...(s.args?.includes("--windows-nodes") ? [] : onePool),
      ...sensitivityParallel,
      "--report-dir",
      reportDir,
    ],
    { KUBECONFIG: "", ...s.env },
    20 * 60_000,
  );
  const file = join(reportDir, "summary.json");
  if (!existsSync(file)) throw new Error(`no summary.json (exit ${r.code}); stderr: ${r.stderr.slice(-2000)}`);
  return { r, reportDir, summary: JSON.parse(readFileSync(file, "utf8")) as Summary };
}

const show = (ts: TestOutcome[]) => ts.map((t) => `${t.fullTitle}: ${t.state} ${t.error ?? t.reason ?? ""}`).join("\n");

/** The outcome assertions every sensitivity run shares (the healthy baseline is a run that breaks nothing). */
export function expectOutcome(run: SensitivityRun, s: Selection, breaks: Record<string, RegExp[]>): void {
  const { summary, r } = run;
  const tests = summary.tests;
  const expected = selectedTests(s);
  expect(tests.map((t) => t.fullTitle).sort(), "the tests that ran are exactly the selected categories' tests").to.deep.equal(expected);
  const skips = s.skips ?? {};
  const titles = new Set(expected.map((t) => t.split(" › ").slice(1).join(" › ")));
  for (const t of [...Object.keys(breaks), ...Object.keys(skips)]) expect(titles.has(t), `"${t}" is not a test of ${s.categories.join(", ")}`).to.equal(true);

  const failed = tests.filter((t) => t.state === "failed");
  expect(failed.map((t) => t.title).sort(), show(failed)).to.deep.equal(Object.keys(breaks).sort());
  const skipped = tests.filter((t) => t.state === "skipped");
  expect(skipped.map((t) => t.title).sort(), show(skipped)).to.deep.equal(Object.keys(skips).sort());
  const others = tests.filter((t) => !(t.title in breaks) && !(t.title in skips) && t.state !== "passed");
  expect(
    others.map((t) => `${t.title}: ${t.state}`),
    show(others),
  ).to.deep.equal([]);
  for (const t of failed) for (const p of breaks[t.title]) expect(t.error ?? "", t.title).to.match(p);
  for (const t of skipped) for (const p of skips[t.title]) expect(t.reason ?? "", t.title).to.match(p);

  const code = Object.keys(breaks).length ? 1 : 0;
  expect(r.code, r.stderr.slice(-2000)).to.equal(code);
  expect(summary.exitCode).to.equal(code);
}

/**
 * The healthy baseline: every selected test passes (or is skipped as `skips` says), exit 0. A pool-independent test
 * (run once, its result without a pool: lib/pools/passes.ts) placed no pod on a Windows node — the mark's promise.
 */
export function runHealthy(s: Selection, reportDir: string): SensitivityRun {
  const run = runCli(s, reportDir, []);
  expectOutcome(run, s, {});
  const windows = new Set(run.summary.cluster.nodes.filter((n) => n.os === "windows").map((n) => n.name));
  const placed = run.summary.tests.filter((t) => !t.pool && (t.nodes ?? []).some((n) => windows.has(n)));
  expect(
    placed.map((t) => `${t.fullTitle}: ${t.nodes!.join(", ")}`),
    "pool-independent tests that placed a pod on a Windows node",
  ).to.deep.equal([]);
  return run;
}

export interface CaseHooks {
  /** Called while the fault is on, before the run (e.g. to check how the fault is registered). */
  whileOn?: () => Promise<void>;
}

/** Runs one case: its fault on, the run, the fault off (always), then the shared assertions. */
export async function runCase(c: SensitivityCase, reportDir: string, hooks: CaseHooks = {}): Promise<SensitivityRun> {
  const applied = await applyFault(c);
  let run: SensitivityRun;
  try {
    await hooks.whileOn?.();
    run = runCli(c, reportDir, applied.args);
  } finally {
    await applied.clear();
  }
  expectOutcome(run, c, c.breaks);
  return run;
}

/**
 * One `it` per case, each in its own report folder below `dir()`; `extra` adds a case's own assertions beyond the
 * shared ones (on the run, or while its fault is on).
 */
export function itCases(
  cases: SensitivityCase[],
  dir: () => string,
  extra: (c: SensitivityCase) => CaseHooks & { after?: (run: SensitivityRun) => void | Promise<void> } = () => ({}),
): void {
  cases.forEach((c, i) =>
    it(caseTitle(c), async () => {
      const hooks = extra(c);
      const run = await runCase(c, join(dir(), `${i}-${c.fault}`), hooks);
      await hooks.after?.(run);
    }),
  );
}
