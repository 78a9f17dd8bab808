// The seam between a run and what it writes: each reporter turns a finished run into one artefact (JUnit XML,
// summary.json, the Allure report, the console totals). A new output (a per-pool report card, a baseline
// compare) is one more Reporter in the list `run` passes to `report`; run() itself does not change.
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { summaryOf, count, type RunResult } from "../results/model.js";
import { junitXml } from "./junit.js";
import { writeAllureExtras, generateHtml, finalizeResults } from "./allure.js";
import { recordEnvironment } from "../run/record.js";
import { comparisonEnvironment, formatComparison } from "./compare.js";
import { prepullEnvironment, prepullLine } from "../prepull/report.js";
import { phaseParameters } from "../run/pod-timeline.js";
import { formatReportCard, reportCard } from "../pools/report-card.js";

export interface ReportPaths {
  /** --report-dir, absolute. */
  dir: string;
  /** allure-mocha's raw results, written during the run. */
  allureResults: string;
  /** The Allure history file (JSONL) carried across runs. */
  historyFile: string;
}

export interface Reporter {
  readonly name: string;
  /** Writes its artefact. */
  write(run: RunResult, paths: ReportPaths): Promise<void> | void;
}

const info = (l: string) => process.stderr.write(l + "\n");

export const junitReporter: Reporter = {
  name: "junit",
  write(run, paths) {
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(join(paths.dir, "junit.xml"), junitXml(run.outcomes, "hybrid-conformance", { prepull: run.prepull }));
  },
};

export const summaryReporter: Reporter = {
  name: "summary",
  write(run, paths) {
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(join(paths.dir, "summary.json"), JSON.stringify(summaryOf(run), null, 2));
  },
};

/** Allure: the environment and categories next to allure-mocha's results, flaky marking, then the HTML report. */
export const allureReporter: Reporter = {
  name: "allure",
  async write(run, paths) {
    // The baseline comparison leads the report's front page (its environment rows); the sign-off record follows.
    writeAllureExtras(
      paths.allureResults,
      run.caps,
      run.runId,
      { ...prepullEnvironment(run.prepull), ...recordEnvironment(run.record) },
      run.comparison ? comparisonEnvironment(run.comparison) : {},
    );
    finalizeResults(
      paths.allureResults,
      run.outcomes.filter((o) => o.state === "flaky"),
      run.outcomes.flatMap((o) => (o.phases ? [{ ref: o, parameters: phaseParameters(o.phases) }] : [])),
    );
    // A run the cluster ended must exit promptly (within the outage window + 10 s): its results are all on disk,
    // and rendering them (seconds on a busy machine) is one command away.
    if (run.infrastructureError) {
      info(`the HTML report is not rendered after an infrastructure error: render it with \`hybrid-conformance report --report-dir ${paths.dir}\``);
      return;
    }
    await generateHtml(paths.allureResults, htmlDir(paths), `hybrid-conformance ${run.caps.context}`, paths.historyFile).catch((e) =>
      info(`the HTML report could not be generated: ${(e as Error).message.split("\n")[0]}`),
    );
  },
};

/** `run --baseline`: what changed since the baseline, on stderr. */
export const comparisonReporter: Reporter = {
  name: "comparison",
  write(run) {
    if (run.comparison) for (const l of formatComparison(run.comparison)) info(l);
  },
};

/** The report card (per Windows pool, per category), on stderr. */
export const reportCardReporter: Reporter = {
  name: "report-card",
  write(run) {
    for (const l of formatReportCard(reportCard(run.caps, run.outcomes))) info(l);
  },
};

/** The totals and where the reports are, on stderr. */
export const consoleReporter: Reporter = {
  name: "console",
  write(run, paths) {
    const c = count(run.outcomes);
    info(
      `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.flaky ? `, ${c.flaky} flaky` : ""}${c.broken ? `, ${c.broken} broken (infrastructure)` : ""}${run.interrupted ? " (interrupted)" : ""} in ${((Date.now() - run.startedAt) / 1000).toFixed(1)} s`,
    );
    if (run.prepull) info(prepullLine(run.prepull));
    const html = join(htmlDir(paths), "index.html");
    info(`report: ${existsSync(html) ? html : "(no HTML)"}; junit: ${join(paths.dir, "junit.xml")}; summary: ${join(paths.dir, "summary.json")}`);
  },
};

/** In this order: the machine-readable files first, the console line last (it names what exists). */
export const defaultReporters: Reporter[] = [junitReporter, summaryReporter, allureReporter, comparisonReporter, reportCardReporter, consoleReporter];

const htmlDir = (paths: ReportPaths) => join(paths.dir, "html");

/** Runs every reporter in order. A reporter that cannot write its file fails the run (as a broken --report-dir should). */
export async function report(run: RunResult, paths: ReportPaths, reporters: Reporter[] = defaultReporters): Promise<void> {
  for (const r of reporters) await r.write(run, paths);
}
