// Phase 0 of a run: which suites (and, for --rerun-failed, which tests) it covers. Touches no cluster.
import { readFileSync } from "node:fs";
import { select, type SuiteEntry } from "../../suites/index.js";
import { UserFacingError } from "../errors.js";
import type { Summary } from "../results/model.js";

export interface Plan {
  entries: SuiteEntry[];
  /** --rerun-failed: the results to run again (test, and the pool it failed on); undefined: every test of the entries. */
  only?: { fullTitle: string; pool?: string }[];
}

/** The plan, or undefined when --rerun-failed names a run with nothing to re-run. */
export function plan(o: { suite: "core" | "extended" | "all"; categories: string[]; rerunFailed?: string }, info: (l: string) => void): Plan | undefined {
  const only = o.rerunFailed ? failedIn(o.rerunFailed) : undefined;
  const entries = select(o.suite, o.categories).filter((e) => !only || only.some((t) => t.fullTitle.startsWith(`${e.category} › `)));
  if (only && !only.length) {
    info(`nothing to re-run: ${o.rerunFailed} records no failed test`);
    return undefined;
  }
  if (!entries.length) throw new UserFacingError(`no suite matches --suite ${o.suite}${o.categories.length ? ` --category ${o.categories.join(",")}` : ""}`);
  return { entries, only };
}

/** The results (test and pool) that failed (or only passed on retry) in an earlier run's summary.json. */
function failedIn(file: string): { fullTitle: string; pool?: string }[] {
  let summary: Partial<Summary>;
  try {
    summary = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UserFacingError(
      `--rerun-failed ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not a summary.json written by hybrid-conformance"}`,
    );
  }
  if (!Array.isArray(summary.tests)) throw new UserFacingError(`--rerun-failed ${file}: not a summary.json written by hybrid-conformance (no "tests")`);
  return summary.tests.filter((t) => t.state === "failed" || t.state === "flaky").map((t) => ({ fullTitle: t.fullTitle, pool: t.pool }));
}
