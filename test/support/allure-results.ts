// Reading a run's allure-results the way the HTML report will: results, and the failure bundle that a test's
// afterEach hook attached (allure-mocha files hook attachments under the test's "after each" container).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface AllureResult {
  uuid: string;
  name: string;
  fullName: string;
  status: string;
  historyId: string;
  statusDetails?: { message?: string; flaky?: boolean };
}

interface AllureContainer {
  children: string[];
  afters?: { steps?: { attachments?: { name: string; source: string }[] }[] }[];
}

const readAll = <T>(dir: string, suffix: string): T[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as T);

export const allureResults = (resultsDir: string) => readAll<AllureResult>(resultsDir, "-result.json");

/** The attachments of a result's afterEach hook (the failure bundle), by name → content. */
export function failureBundle(resultsDir: string, result: AllureResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of readAll<AllureContainer>(resultsDir, "-container.json").filter((c) => c.children.includes(result.uuid)))
    for (const a of c.afters ?? [])
      for (const s of a.steps ?? [])
        for (const x of s.attachments ?? [])
          // Every test's afterEach also attaches its pod phases (lib/run/pod-timeline.ts): not part of the bundle.
          if (x.name !== "pod phases") out[x.name] = readFileSync(join(resultsDir, x.source), "utf8");
  return out;
}

/** Every file below a directory (a report directory, to scan it whole). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}
