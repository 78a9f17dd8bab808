// `hybrid-conformance compare BASELINE.json CURRENT.json`: release sign-off against the last good run.
import { Command } from "commander";
import { compareRuns, formatComparison, readSummary } from "../report/compare.js";

export function compareCommand(): Command {
  return new Command("compare")
    .description(
      "compare two runs' summary.json: regressions (passed → failed), fixes, new and removed tests, tests >50% slower, changed cluster facts; exit 1 on any regression",
    )
    .argument("<baseline>", "summary.json of the last good run")
    .argument("<current>", "summary.json of the run to sign off")
    .action((baseline: string, current: string) => {
      const c = compareRuns(readSummary(baseline, "baseline"), readSummary(current, "current run"));
      for (const l of formatComparison(c)) process.stdout.write(l + "\n");
      process.exitCode = c.regressions.length ? 1 : 0;
    });
}
