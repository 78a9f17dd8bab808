// Runs the selected suite files in-process with mocha: allure-mocha writes allure-results, the spec reporter
// prints progress, and every test's outcome is collected for JUnit and summary.json.
import Mocha from "mocha";
import { join } from "node:path";
import { repoRoot } from "../../localcluster/paths.js";

export interface TestOutcome {
  category: string;
  title: string;
  fullTitle: string;
  file: string;
  state: "passed" | "failed" | "skipped";
  durationMs: number;
  error?: string;
}

export interface MochaRun {
  outcomes: TestOutcome[];
  aborted: boolean;
}

export interface MochaRunOptions {
  files: string[];
  grep?: string;
  dryRun?: boolean;
  resultsDir?: string;
  /** Called with the runner so signal handling can abort it. */
  onRunner?: (r: Mocha.Runner) => void;
  quiet?: boolean;
}

export async function runMocha(o: MochaRunOptions): Promise<MochaRun> {
  const mocha = new Mocha({
    timeout: 0, // waits carry their own budgets and fail with the cause
    grep: o.grep ? new RegExp(o.grep, "i") : undefined,
    dryRun: o.dryRun,
    reporter: o.dryRun || o.quiet ? class Silent extends Mocha.reporters.Base {} : "allure-mocha",
    reporterOptions: o.dryRun || o.quiet ? {} : { resultsDir: o.resultsDir, extraReporters: "spec" },
  });
  for (const f of o.files) mocha.addFile(join(repoRoot, f));
  await mocha.loadFilesAsync();
  const outcomes: TestOutcome[] = [];
  let aborted = false;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    o.onRunner?.(runner);
    const record = (t: Mocha.Test, state: TestOutcome["state"], err?: Error) => {
      const path = t.titlePath();
      outcomes.push({
        category: path[0] ?? "",
        title: t.title,
        fullTitle: path.join(" › "),
        file: (t.file ?? "").replace(repoRoot + "/", ""),
        state,
        durationMs: t.duration ?? 0,
        ...(err ? { error: err.message.split("\n")[0] } : {}),
      });
    };
    runner.on("pass", (t) => record(t, "passed"));
    runner.on("fail", (t: Mocha.Runnable, err) => {
      // A failing hook is reported on the hook; attribute it to its test (once).
      const test = ((t as unknown as { type: string }).type === "hook" ? t.ctx?.currentTest : t) as Mocha.Test | undefined;
      if (!test || outcomes.some((o) => o.fullTitle === test.titlePath().join(" › ") && o.state === "failed")) return;
      const prior = outcomes.findIndex((o) => o.fullTitle === test.titlePath().join(" › "));
      if (prior >= 0) outcomes.splice(prior, 1); // passed, then its afterEach failed: it failed
      record(test, "failed", err);
    });
    runner.on("pending", (t) => record(t, "skipped"));
    runner.on("end", () => (aborted = (runner as unknown as { _abort?: boolean })._abort === true));
  });
  return { outcomes, aborted };
}
