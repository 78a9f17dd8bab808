// The pre-pull phase in every report: console lines, Allure environment rows, a JUnit testsuite of properties
// (no testcases, so JUnit's counts stay equal to summary.json's); summary.json carries the record itself.
import type { PrepullRecord } from "./prepull.js";

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "prepull: 42.0 s on 4 node(s) (slowest hc-win2022-1 41.8 s)". */
export function prepullLine(r: PrepullRecord): string {
  const slowest = [...r.nodes].sort((a, b) => b.durationMs - a.durationMs)[0];
  return `prepull: ${s(r.durationMs)} on ${r.nodes.length} node(s)${slowest ? ` (slowest ${slowest.node} ${s(slowest.durationMs)})` : ""}`;
}

export function prepullEnvironment(r: PrepullRecord | undefined): Record<string, string> {
  if (!r) return {};
  const rows: Record<string, string> = { Prepull: prepullLine(r).replace(/^prepull: /, "") };
  for (const n of r.nodes) rows[`Prepull ${n.node}`] = `${s(n.durationMs)}: ${n.images.join(", ")}`;
  return rows;
}

/** A <testsuite> holding the phase as properties; `esc` is the JUnit writer's XML escaping. */
export function prepullJunitSuite(r: PrepullRecord | undefined, esc: (v: string) => string): string {
  if (!r) return "";
  const props = [
    ["prepull.seconds", (r.durationMs / 1000).toFixed(3)],
    ...r.nodes.map((n) => [`prepull.node.${n.node}.seconds`, (n.durationMs / 1000).toFixed(3)]),
    ...r.nodes.map((n) => [`prepull.node.${n.node}.images`, n.images.join(" ")]),
  ];
  const lines = props.map(([k, v]) => `      <property name="${esc(k)}" value="${esc(v)}"/>`).join("\n");
  return `  <testsuite name="Prepull" tests="0" failures="0" errors="0" skipped="0" time="${(r.durationMs / 1000).toFixed(3)}">\n    <properties>\n${lines}\n    </properties>\n  </testsuite>\n`;
}
