// Runs the selected suite files in-process with mocha: allure-mocha writes allure-results, the spec reporter
// prints progress, and every test's outcome is collected for JUnit and summary.json.
import Mocha from "mocha";
import { runnable, sourceOf } from "../../localcluster/paths.js";
import type { TestOutcome } from "../results/model.js";
import { InfrastructureError } from "../cluster/errors.js";
import { fatalError } from "../cluster/outage.js";
import { SKIP_REASON } from "./steps.js";
import { isRunsAlone } from "./serial.js";
import { TEST_PHASES, type TestPhases } from "./pod-timeline.js";
import { TEST_NODES } from "./record.js";
import { isPoolIndependent, type ListedTest } from "../pools/passes.js";
import { POOL_INDEPENDENT_CARD } from "../pools/report-card.js";

export interface MochaRun {
  outcomes: TestOutcome[];
  aborted: boolean;
  /** Full titles of the tests marked runsAlone (lib/run/serial.ts). */
  alone: string[];
  /** Every selected test, in catalogue order (with --grep/only applied). */
  listing: ListedTest[];
}

/** One pass over the loaded suites (lib/pools/passes.ts): its pool, its tests, and the run context it sets first. */
export interface MochaPass {
  /** The pool its results are for; a pool-independent test's result carries none. */
  pool: string;
  /** Exact full titles (" › "-joined) to run. */
  only: string[];
  /** Sets the run context (the pass's capabilities) before its first test. */
  enter(): void;
}

export interface MochaRunOptions {
  files: string[];
  grep?: string;
  dryRun?: boolean;
  resultsDir?: string;
  /** Re-run a failed test this many times (each attempt gets a fresh namespace from its beforeEach). */
  retries?: number;
  /** Run only tests whose full titles are listed (--rerun-failed). */
  only?: string[];
  /** Called with the runner so signal handling can abort it (once per pass). */
  onRunner?: (r: Mocha.Runner) => void;
  quiet?: boolean;
  /**
   * Runs the suites once per pass, in this one mocha instance (ESM suites load once per process). Without it: one
   * run of every test the grep/only selects, as for `list`.
   */
  passes?: (listing: ListedTest[]) => MochaPass[];
}

export async function runMocha(o: MochaRunOptions): Promise<MochaRun> {
  const grep = o.only ? exactTitles(o.only) : o.grep ? new RegExp(o.grep, "i") : undefined;
  const mocha = new Mocha({
    timeout: 0, // waits carry their own budgets and fail with the cause
    grep,
    retries: o.retries ?? 0,
    dryRun: o.dryRun,
    reporter: o.dryRun || o.quiet ? class Silent extends Mocha.reporters.Base {} : "allure-mocha",
    reporterOptions: o.dryRun || o.quiet ? {} : { resultsDir: o.resultsDir, extraReporters: "spec" },
  });
  mocha.cleanReferencesAfterRun(false);
  // Suite files are named by their sources; mocha loads them in the form this process runs (compiled in every command).
  for (const f of o.files) mocha.addFile(runnable(f));
  await mocha.loadFilesAsync();
  const tests = allTests(mocha.suite).filter((t) => !grep || grep.test(t.fullTitle()));
  const listing = tests.map((t) => ({ fullTitle: t.titlePath().join(" › "), poolIndependent: isPoolIndependent(t) }));
  // A describe skipped by its before hook stays pending across runs (mocha resets tests, not suites): restore.
  const suites = allSuites(mocha.suite).map((x) => [x, x.pending] as const);
  const passes = o.passes?.(listing) ?? [undefined];
  // By title: a retried attempt is a clone of the test that does not carry a test's own mark.
  const independent = new Set(listing.filter((t) => t.poolIndependent).map((t) => t.fullTitle));
  const run: MochaRun = { outcomes: [], aborted: false, alone: tests.filter(isRunsAlone).map((t) => t.titlePath().join(" › ")), listing };
  for (const pass of passes) {
    if (run.aborted) break;
    if (pass && !pass.only.length) continue;
    pass?.enter();
    if (pass) mocha.grep(exactTitles(pass.only));
    for (const [x, pending] of suites) {
      x.pending = pending;
      delete (x as unknown as Record<string, unknown>)[SKIP_REASON];
    }
    // allure-mocha keeps each test's result scope on the test (a symbol-keyed record); a test the previous pass ran
    // and this one does not would otherwise have that stale scope written again ("no scope with uuid …").
    for (const t of tests) for (const k of Object.getOwnPropertySymbols(t)) delete ((t as unknown as Record<symbol, { scope?: string }>)[k] ?? {}).scope;
    if (pass && !o.quiet && !o.dryRun) process.stdout.write(`\nWindows pool ${pass.pool}: ${pass.only.length} test(s)\n`);
    const r = await runOnce(mocha, o, pass?.pool, independent);
    run.outcomes.push(...r.outcomes);
    run.aborted = r.aborted;
  }
  delete process.env[POOL_ENV_LABEL];
  return run;
}

/** allure-mocha labels each result with the ALLURE_LABEL_* variables set when the test starts: the pool's. */
const POOL_ENV_LABEL = "ALLURE_LABEL_pool";

async function runOnce(
  mocha: Mocha,
  o: MochaRunOptions,
  pool: string | undefined,
  independent: Set<string>,
): Promise<{ outcomes: TestOutcome[]; aborted: boolean }> {
  const outcomes: TestOutcome[] = [];
  const retriedErrors = new Map<string, string[]>();
  // Pod phases are noted in afterEach, after mocha reported the test: read at the end.
  const recorded: [Mocha.Test, TestOutcome][] = [];
  const poolOf = (t: Mocha.Test) => (pool && !independent.has(t.titlePath().join(" › ")) ? pool : undefined);
  let aborted = false;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    o.onRunner?.(runner);
    // Before allure-mocha starts the test's result (it reads the label then), and before anything of a test is noted.
    const begin = (t: Mocha.Test) => {
      for (const k of [TEST_NODES, TEST_PHASES, SKIP_REASON]) delete (t as unknown as Record<string, unknown>)[k];
      if (pool) process.env[POOL_ENV_LABEL] = poolOf(t) ?? POOL_INDEPENDENT_CARD;
    };
    runner.prependListener("test", begin);
    runner.prependListener("pending", (t: Mocha.Test) => {
      if (pool) process.env[POOL_ENV_LABEL] = poolOf(t) ?? POOL_INDEPENDENT_CARD;
    });
    const record = (t: Mocha.Test, state: TestOutcome["state"], err?: Error) => {
      const path = t.titlePath();
      const attempts = attemptOf(t);
      if (state === "passed" && attempts > 1) state = "flaky";
      const testPool = poolOf(t);
      outcomes.push({
        attempts,
        category: path[0] ?? "",
        title: t.title,
        fullTitle: path.join(" › "),
        ...(testPool ? { pool: testPool } : {}),
        file: t.file ? sourceOf(t.file) : "",
        state,
        durationMs: t.duration ?? 0,
        ...(err ? { error: firstLine(err) } : {}),
        ...(retriedErrors.has(path.join(" › ")) ? { failedAttempts: retriedErrors.get(path.join(" › ")) } : {}),
      });
      recorded.push([t, outcomes[outcomes.length - 1]]);
    };
    runner.on("retry", (t: Mocha.Test, err: Error) => {
      // mocha leaves a retried attempt's state unset: mark it failed so its afterEach attaches the failure bundle.
      t.state = "failed";
      const key = t.titlePath().join(" › ");
      retriedErrors.set(key, [...(retriedErrors.get(key) ?? []), firstLine(err)]);
      // The spec reporter says nothing about retries: say which attempt failed and why.
      if (!o.quiet && !o.dryRun)
        process.stdout.write(
          `    ↻ ${t.title}${poolOf(t) ? ` [${poolOf(t)}]` : ""}: attempt ${attemptOf(t)} failed, retrying in a fresh namespace: ${firstLine(err)}\n`,
        );
    });
    runner.on("pass", (t) => record(t, "passed"));
    runner.on("fail", (t: Mocha.Runnable, err) => {
      // A failing hook is reported on the hook; attribute it to its test (once).
      const test = ((t as unknown as { type: string }).type === "hook" ? t.ctx?.currentTest : t) as Mocha.Test | undefined;
      if (!test || outcomes.some((o) => o.fullTitle === test.titlePath().join(" › ") && (o.state === "failed" || o.state === "broken"))) return;
      const prior = outcomes.findIndex((o) => o.fullTitle === test.titlePath().join(" › "));
      if (prior >= 0) outcomes.splice(prior, 1); // passed, then its afterEach failed: it failed
      // Once the run has an infrastructure error, whatever fails with it (or after it) was hit by it.
      record(test, err instanceof InfrastructureError || fatalError() ? "broken" : "failed", err);
    });
    runner.on("pending", (t) => {
      record(t, "skipped");
      const holder = (x: unknown) => (x as Record<string, string | undefined> | undefined)?.[SKIP_REASON];
      const reason = holder(t) ?? holder(t.parent);
      if (reason) outcomes[outcomes.length - 1].reason = reason;
    });
    // A test's afterEach notes where its pods ran (lib/run/test-env.ts), after its pass/fail was recorded.
    runner.on("hook end", (hook: Mocha.Hook) => {
      const t = hook.ctx?.currentTest as unknown as (Mocha.Test & Record<string, unknown>) | undefined;
      const nodes = t?.[TEST_NODES] as string[] | undefined;
      if (!t || !nodes?.length) return;
      const o = [...outcomes].reverse().find((x) => x.fullTitle === t.titlePath().join(" › "));
      if (o) o.nodes = [...new Set([...(o.nodes ?? []), ...nodes])].sort();
    });
    runner.on("end", () => {
      aborted = (runner as unknown as { _abort?: boolean })._abort === true;
      for (const [t, outcome] of recorded) {
        const phases = (t as unknown as Record<string, TestPhases | undefined>)[TEST_PHASES];
        if (phases) outcome.phases = phases;
      }
    });
  });
  return { outcomes, aborted };
}

function allSuites(s: Mocha.Suite): Mocha.Suite[] {
  return [s, ...s.suites.flatMap(allSuites)];
}

function allTests(s: Mocha.Suite): Mocha.Test[] {
  return [...s.tests, ...s.suites.flatMap(allTests)];
}

/** mocha matches grep against titles joined by spaces. */
const exactTitles = (titles: string[]) => new RegExp(`^(${titles.map((t) => escapeRegExp(t.split(" › ").join(" "))).join("|")})$`);

/** 1 for the first run of a test, 2 for its first retry… */
const attemptOf = (t: Mocha.Runnable) => ((t as unknown as { currentRetry?(): number }).currentRetry?.() ?? 0) + 1;
const firstLine = (e: Error) => String(e?.message ?? e).split("\n")[0];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
