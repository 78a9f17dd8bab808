// `list --compare wor`: windows-operational-readiness's test cases side by side with the checks that cover them.
// The table is Markdown so the terminal and the README show the same thing (README.md holds a generated copy).
import { readFileSync } from "node:fs";
import { catalogue } from "../../suites/index.js";
import { runMocha } from "../run/mocha-runner.js";
import { worCoverage, type Coverage } from "./wor-coverage.js";

export interface WorCases {
  source: { repo: string; commit: string; files: string };
  categories: { category: string; file: string; cases: { description: string; focus: string[] }[] }[];
}

export function worCases(): WorCases {
  return JSON.parse(readFileSync(new URL("./wor-cases.json", import.meta.url), "utf8")) as WorCases;
}

/** Every check's full title ("Category › title"), read from the suites' own sources (a mocha dry run, as `list` does). */
export async function suiteTitles(): Promise<string[]> {
  const r = await runMocha({ files: catalogue.map((e) => e.file), dryRun: true });
  return r.outcomes.map((o) => o.fullTitle);
}

/** What is wrong with the mapping against these suite titles; empty when every WOR case is mapped to real checks. */
export function worMappingProblems(titles: string[], wor: WorCases = worCases(), coverage: Record<string, Coverage> = worCoverage): string[] {
  const problems: string[] = [];
  const descriptions = wor.categories.flatMap((c) => c.cases.map((x) => x.description));
  for (const d of descriptions) {
    const c = coverage[d];
    if (!c) problems.push(`WOR case not mapped: "${d}"`);
    else if (!c.checks.length && !c.pending?.length && !c.gap) problems.push(`WOR case mapped to nothing: "${d}"`);
  }
  for (const [d, c] of Object.entries(coverage)) {
    if (!descriptions.includes(d)) problems.push(`mapped case is not a WOR case (wor-cases.json): "${d}"`);
    for (const t of c.checks) if (!titles.includes(t)) problems.push(`"${d}" maps to a check no suite has: "${t}"`);
    for (const p of c.pending ?? []) {
      const arrived = titles.filter((t) => t.startsWith(`${p.category} › `) && p.title.test(t.slice(p.category.length + 3)) && !c.checks.includes(t));
      if (arrived.length)
        problems.push(`"${d}" is still pending (${p.what}) but ${arrived.map((t) => `"${t}"`).join(", ")} now exists: map it in lib/compare/wor-coverage.ts`);
    }
  }
  return problems;
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

/** The comparison as a Markdown table, with the WOR commit it was read at. */
export function worTable(wor: WorCases = worCases(), coverage: Record<string, Coverage> = worCoverage): string {
  const rows = ["| WOR category | WOR test case | Covered by |", "| --- | --- | --- |"];
  for (const cat of wor.categories) {
    if (!cat.cases.length) rows.push(`| ${cat.category} | _(no active test case in ${cat.file})_ | — |`);
    for (const x of cat.cases) {
      const c = coverage[x.description];
      const by = [
        ...(c?.checks ?? []),
        ...(c?.pending ?? []).map((p) => `⏳ pending (${p.category}, being added in a parallel branch): ${p.what}`),
        ...(c?.gap ? [`✗ not covered: ${c.gap}`] : []),
      ];
      rows.push(`| ${cat.category} | ${cell(x.description)} | ${by.length ? by.map(cell).join("<br>") : "✗ NOT MAPPED"} |`);
    }
  }
  const n = wor.categories.reduce((s, c) => s + c.cases.length, 0);
  return [
    `WOR (${wor.source.repo} ${wor.source.files} at ${wor.source.commit.slice(0, 12)}): ${n} test cases in ${wor.categories.length} categories`,
    "",
    ...rows,
  ].join("\n");
}
