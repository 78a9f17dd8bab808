// Sign-off against the last good run: compares two summary.json files — regressions (passed → failed), fixes,
// new and removed tests, tests that got much slower, and cluster facts that changed (server, node builds, kernels,
// runtimes, kubelets, image digests). Used by `hybrid-conformance compare` and `run --baseline`.
import { readFileSync } from "node:fs";
import { UserFacingError } from "../errors.js";
import type { SignoffRecord } from "../run/record.js";
import { resultKey } from "../results/model.js";

interface SummaryTest {
  fullTitle: string;
  /** The pool of the result (one result per test and pool): compared by test and pool. */
  pool?: string;
  state: "passed" | "failed" | "skipped" | "flaky" | "broken";
  durationMs?: number;
}

export interface RunSummary {
  runId?: string;
  startedAt?: string;
  tests: SummaryTest[];
  record?: SignoffRecord;
}

export interface Comparison {
  baseline: string;
  current: string;
  regressions: string[];
  fixes: string[];
  added: string[];
  removed: string[];
  /** Passed before, skipped now: not a regression, but a reader signing off should see it. */
  nowSkipped: string[];
  slower: { test: string; beforeMs: number; afterMs: number }[];
  facts: { fact: string; before: string; after: string }[];
}

/** Slower means more than 50% slower and by at least this much: a 40 ms check taking 70 ms is noise. */
export const slowerFloorMs = 1000;

const good = (s?: string) => s === "passed" || s === "flaky";

export function readSummary(file: string, what = "summary"): RunSummary {
  let s: RunSummary;
  try {
    s = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UserFacingError(
      `${what} ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not a summary.json written by hybrid-conformance (not JSON)"}`,
    );
  }
  if (!s || !Array.isArray(s.tests)) throw new UserFacingError(`${what} ${file}: not a summary.json written by hybrid-conformance (no "tests")`);
  return s;
}

export function compareRuns(base: RunSummary, cur: RunSummary): Comparison {
  const before = new Map(base.tests.map((t) => [resultKey(t), t]));
  const after = new Map(cur.tests.map((t) => [resultKey(t), t]));
  const both = [...after.keys()].filter((k) => before.has(k));
  const c: Comparison = {
    baseline: base.runId ?? "?",
    current: cur.runId ?? "?",
    regressions: both.filter((k) => good(before.get(k)!.state) && after.get(k)!.state === "failed"),
    fixes: both.filter((k) => before.get(k)!.state === "failed" && good(after.get(k)!.state)),
    added: [...after.keys()].filter((k) => !before.has(k)),
    removed: [...before.keys()].filter((k) => !after.has(k)),
    nowSkipped: both.filter((k) => good(before.get(k)!.state) && after.get(k)!.state === "skipped"),
    slower: both
      .map((k) => ({ test: k, beforeMs: before.get(k)!.durationMs ?? 0, afterMs: after.get(k)!.durationMs ?? 0 }))
      .filter((x) => x.beforeMs > 0 && x.afterMs > x.beforeMs * 1.5 && x.afterMs - x.beforeMs >= slowerFloorMs),
    facts: base.record && cur.record ? factChanges(base.record, cur.record) : [],
  };
  return c;
}

function factChanges(a: SignoffRecord, b: SignoffRecord) {
  const out: Comparison["facts"] = [];
  const diff = (fact: string, x: string | undefined, y: string | undefined) => {
    if ((x ?? "") !== (y ?? "")) out.push({ fact, before: x ?? "(none)", after: y ?? "(none)" });
  };
  diff("server version", a.server.version, b.server.version);
  const nodesA = new Map(a.nodes.map((n) => [n.name, n]));
  const nodesB = new Map(b.nodes.map((n) => [n.name, n]));
  for (const name of new Set([...nodesA.keys(), ...nodesB.keys()])) {
    const x = nodesA.get(name);
    const y = nodesB.get(name);
    if (!x || !y) {
      diff(`node ${name}`, x && `${x.os} ${x.build ?? ""}`.trim(), y && `${y.os} ${y.build ?? ""}`.trim());
      continue;
    }
    diff(`node ${name} build`, x.build, y.build);
    diff(`node ${name} OS image`, x.osImage, y.osImage);
    diff(`node ${name} kernel`, x.kernel, y.kernel);
    diff(`node ${name} runtime`, x.runtime, y.runtime);
    diff(`node ${name} kubelet`, x.kubelet, y.kubelet);
  }
  // An image that both runs used, now resolved to another digest (a retagged base image, a new CU).
  const digests = (r: SignoffRecord) => {
    const m = new Map<string, string[]>();
    for (const i of r.images) m.set(i.image, [...(m.get(i.image) ?? []), i.imageID].sort());
    return m;
  };
  const da = digests(a);
  const db = digests(b);
  for (const [image, ids] of db) if (da.has(image)) diff(`image ${image}`, da.get(image)!.join(", "), ids.join(", "));
  return out;
}

export function formatComparison(c: Comparison): string[] {
  const lines = [
    `compared with baseline run ${c.baseline}: ${c.regressions.length} regression(s), ${c.fixes.length} fix(es), ${c.added.length} new, ${c.removed.length} removed, ${c.slower.length} slower, ${c.facts.length} cluster fact(s) changed`,
  ];
  const section = (title: string, items: string[]) => {
    if (items.length) lines.push(`${title}:`, ...items.map((i) => `  ${i}`));
  };
  section("regressions (passed → failed)", c.regressions);
  section("fixes (failed → passed)", c.fixes);
  section("new tests", c.added);
  section("removed tests", c.removed);
  section("passed before, skipped now", c.nowSkipped);
  section(
    "more than 50% slower",
    c.slower.map((s) => `${s.test}: ${(s.beforeMs / 1000).toFixed(1)} s → ${(s.afterMs / 1000).toFixed(1)} s`),
  );
  section(
    "cluster facts changed",
    c.facts.map((f) => `${f.fact}: ${f.before} → ${f.after}`),
  );
  return lines;
}

/** The comparison as Allure environment rows, so the HTML report shows it on its front page. */
export function comparisonEnvironment(c: Comparison): Record<string, string> {
  const list = (xs: string[]) => (xs.length ? `${xs.length}: ${xs.join(" | ")}` : "none");
  return {
    "Baseline run": c.baseline,
    "Regressions vs baseline": list(c.regressions),
    "Fixes vs baseline": list(c.fixes),
    "New tests vs baseline": list(c.added),
    "Removed tests vs baseline": list(c.removed),
    "Slower vs baseline": list(c.slower.map((s) => `${s.test} (${(s.beforeMs / 1000).toFixed(1)} s → ${(s.afterMs / 1000).toFixed(1)} s)`)),
    "Cluster facts changed vs baseline": list(c.facts.map((f) => `${f.fact}: ${f.before} → ${f.after}`)),
  };
}
