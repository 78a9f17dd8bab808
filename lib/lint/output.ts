// The three ways findings are written: text for people, JSON for scripts, SARIF 2.1.0 for code-scanning tools.
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Finding } from "./engine.js";
import { RULES, type Severity } from "./rules.js";

export const OUTPUTS = ["text", "json", "sarif"] as const;
export type OutputFormat = (typeof OUTPUTS)[number];

function summary(findings: readonly Finding[], objects: number): string {
  const count = (s: Severity) => findings.filter((f) => !f.accepted && f.severity === s).length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  const accepted = findings.filter((f) => f.accepted).length;
  return `${plural(objects, "object")} linted: ${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${count("info")} info${accepted ? `, ${accepted} accepted` : ""}`;
}

/** file:line:col severity rule object path: message, then the fix indented. */
export function formatText(findings: readonly Finding[], objects: number): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.file}:${f.line}:${f.column} ${f.accepted ? "accepted" : f.severity} ${f.rule} ${f.object}${f.path ? ` ${f.path}` : ""}: ${f.message}`);
    lines.push(`    fix: ${f.fix}`);
  }
  lines.push(summary(findings, objects));
  return `${lines.join("\n")}\n`;
}

export function formatJson(findings: readonly Finding[], objects: number): string {
  return `${JSON.stringify({ objects, findings, summary: summary(findings, objects) }, null, 2)}\n`;
}

const LEVEL: Record<Severity, Result.level> = { error: "error", warning: "warning", info: "note" };

export function formatSarif(findings: readonly Finding[], version: string): string {
  const rules: ReportingDescriptor[] = RULES.map((r) => ({
    id: r.id,
    shortDescription: { text: r.summary },
    fullDescription: { text: `${r.summary}. Source: ${r.source}. See docs/lint.md.` },
    defaultConfiguration: { level: LEVEL[r.severity] },
  }));
  const index = new Map(RULES.map((r, i) => [r.id as string, i]));
  const results: Result[] = findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule),
    level: LEVEL[f.severity],
    message: { text: `${f.object}${f.path ? ` ${f.path}` : ""}: ${f.message}. Fix: ${f.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: f.file === "<stdin>" ? "stdin" : f.file.replace(/\\/g, "/") },
          // SARIF lines start at 1; objects without a file position (line 0) get none.
          ...(f.line > 0 ? { region: { startLine: f.line, startColumn: f.column } } : {}),
        },
        logicalLocations: [{ fullyQualifiedName: `${f.object}/${f.path}`, kind: "object" }],
      },
    ],
    ...(f.accepted ? { suppressions: [{ kind: "inSource" as const, justification: "hybrid-conformance.io/lint-accept annotation" }] } : {}),
  }));
  const log: Log = {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [{ tool: { driver: { name: "hybrid-conformance lint", version, rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
