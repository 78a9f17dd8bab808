// JUnit XML for CI systems: one testsuite per category, counts equal to summary.json's. Retried attempts use
// Maven Surefire's elements (understood by Jenkins and most JUnit readers): a flaky test is a passed testcase
// with a <flakyFailure> per failed attempt; a test that failed every attempt has <rerunFailure> for the others.
import type { TestOutcome } from "../results/model.js";
import { redactText } from "./redact.js";
import { prepullJunitSuite } from "../prepull/report.js";
import type { PrepullRecord } from "../prepull/prepull.js";

// XML 1.0 cannot hold control characters other than tab and newlines: they are dropped.
const esc = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // eslint-disable-next-line no-control-regex -- these control characters are exactly what is dropped
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

/**
 * `prepull`: the pre-pull phase, as a suite of properties. Each result's pool (one pass per Windows pool,
 * lib/pools/passes.ts) is a <property name="pool">; when the run covers several pools a test has a result per
 * pool, and CI tools merge equal names, so the name carries the pool too: `<title> [<pool>]`.
 */
export function junitXml(outcomes: TestOutcome[], name = "hybrid-conformance", extras: { prepull?: PrepullRecord } = {}): string {
  const { prepull } = extras;
  const severalPools = new Set(outcomes.map((o) => o.pool).filter(Boolean)).size > 1;
  const byCat = new Map<string, TestOutcome[]>();
  for (const o of outcomes) byCat.set(o.category, [...(byCat.get(o.category) ?? []), o]);
  const count = (xs: TestOutcome[], s: TestOutcome["state"]) => xs.filter((x) => x.state === s).length;
  const secs = (xs: TestOutcome[]) => (xs.reduce((a, x) => a + x.durationMs, 0) / 1000).toFixed(3);
  const suites = [...byCat].map(([cat, xs]) => {
    const cases = xs.map((x) => {
      const msg = (m: string) => `message="${esc(redactText(m))}"`;
      const attempts = (x.failedAttempts ?? []).map((m) => `<${x.state === "flaky" ? "flakyFailure" : "rerunFailure"} ${msg(m)}/>`);
      const elements =
        x.state === "failed"
          ? [`<failure ${msg(x.error ?? "failed")}/>`, ...attempts]
          : x.state === "broken"
            ? [`<error type="infrastructure" ${msg(x.error ?? "broken")}/>`, ...attempts]
            : x.state === "skipped"
              ? [`<skipped${x.reason ? ` ${msg(x.reason)}` : ""}/>`]
              : attempts;
      if (x.pool) elements.unshift(`<properties><property name="pool" value="${esc(x.pool)}"/></properties>`);
      const title = severalPools && x.pool ? `${x.title} [${x.pool}]` : x.title;
      const body = elements.length ? `\n${elements.map((e) => `      ${e}\n`).join("")}    ` : "";
      return `    <testcase classname="${esc(cat)}" name="${esc(title)}" file="${esc(x.file)}" time="${(x.durationMs / 1000).toFixed(3)}">${body}</testcase>`;
    });
    return `  <testsuite name="${esc(cat)}" tests="${xs.length}" failures="${count(xs, "failed")}" errors="${count(xs, "broken")}" skipped="${count(xs, "skipped")}" time="${secs(xs)}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(name)}" tests="${outcomes.length}" failures="${count(outcomes, "failed")}" errors="${count(outcomes, "broken")}" skipped="${count(outcomes, "skipped")}" time="${secs(outcomes)}">\n${suites.join("\n")}\n${prepullJunitSuite(prepull, esc)}</testsuites>\n`;
}
