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

export interface MochaRun {
  outcomes: TestOutcome[];
  aborted: boolean;
  /** Full titles of the tests marked runsAlone (lib/run/serial.ts). */
  alone: string[];
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
  /** Called with the runner so signal handling can abort it. */
  onRunner?: (r: Mocha.Runner) => void;
  quiet?: boolean;
}

export async function runMocha(o: MochaRunOptions): Promise<MochaRun> {
  const mocha = new Mocha({
    timeout: 0, // waits carry their own budgets and fail with the cause
    // mocha matches grep against titles joined by spaces.
    grep: o.only ? new RegExp(`^(${o.only.map((t) => escapeRegExp(t.split(" › ").join(" "))).join("|")})$`) : o.grep ? new RegExp(o.grep, "i") : undefined,
    retries: o.retries ?? 0,
    dryRun: o.dryRun,
    reporter: o.dryRun || o.quiet ? class Silent extends Mocha.reporters.Base {} : "allure-mocha",
    reporterOptions: o.dryRun || o.quiet ? {} : { resultsDir: o.resultsDir, extraReporters: "spec" },
  });
  // Suite files are named by their sources; mocha loads them in the form this process runs (compiled in every command).
  for (const f of o.files) mocha.addFile(runnable(f));
  await mocha.loadFilesAsync();
  const outcomes: TestOutcome[] = [];
  const alone: string[] = [];
  const retriedErrors = new Map<string, string[]>();
  // Pod phases are noted in afterEach, after mocha reported the test: read at the end.
  const recorded: [Mocha.Test, TestOutcome][] = [];
  let aborted = false;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    o.onRunner?.(runner);
    const record = (t: Mocha.Test, state: TestOutcome["state"], err?: Error) => {
      const path = t.titlePath();
      if (isRunsAlone(t) && !alone.includes(path.join(" › "))) alone.push(path.join(" › "));
      const attempts = attemptOf(t);
      if (state === "passed" && attempts > 1) state = "flaky";
      outcomes.push({
        attempts,
        category: path[0] ?? "",
        title: t.title,
        fullTitle: path.join(" › "),
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
      if (!o.quiet && !o.dryRun) process.stdout.write(`    ↻ ${t.title}: attempt ${attemptOf(t)} failed, retrying in a fresh namespace: ${firstLine(err)}\n`);
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
  return { outcomes, aborted, alone };
}

/** 1 for the first run of a test, 2 for its first retry… */
const attemptOf = (t: Mocha.Runnable) => ((t as unknown as { currentRetry?(): number }).currentRetry?.() ?? 0) + 1;
const firstLine = (e: Error) => String(e?.message ?? e).split("\n")[0];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
