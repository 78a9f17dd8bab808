// Allure extras written next to allure-mocha's results, then Allure Report 3 renders the HTML:
// the environment (which cluster), categories (product defect vs infrastructure vs harness error).
import { writeFileSync, mkdirSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import type { Capabilities } from "../preflight/types.js";
import { repoRoot } from "../../localcluster/paths.js";
import { POOL_INDEPENDENT_CARD } from "../pools/report-card.js";

const run = promisify(execFile);

export function environmentProperties(caps: Capabilities, runId: string, extra: Record<string, string> = {}, leading: Record<string, string> = {}): string {
  const win = caps.nodes.filter((n) => n.os === "windows");
  const lin = caps.nodes.filter((n) => n.os === "linux");
  const byBuild = caps.windowsBuilds.map((b) => `${b}×${win.filter((n) => n.build === b).length}`).join(", ");
  const runtimes = [...new Set(caps.nodes.map((n) => `${n.os}: ${n.containerRuntimeVersion}`))].join("; ");
  const rows: Record<string, string> = {
    ...leading,
    Cluster: `${caps.context} (${caps.server.url})${caps.local ? " — embedded local cluster: real control plane, simulated nodes" : ""}`,
    "Server version": caps.server.gitVersion,
    "Windows nodes": `${win.length} (builds ${byBuild || "none"})`,
    "Linux nodes": String(lin.length),
    "Container runtimes": runtimes,
    "Windows taints": caps.windowsTaints.map((t) => `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`).join(", ") || "none",
    GMSA: `CRD ${caps.gmsa.crd ? "present" : "absent"}, webhook ${caps.gmsa.webhook ? "present" : "absent"}`,
    "Run id": runId,
    ...extra,
  };
  return (
    Object.entries(rows)
      .map(([k, v]) => `${k.replace(/([ :=])/g, "\\$1")}=${v.replace(/\n/g, " ")}`)
      .join("\n") + "\n"
  );
}

/** Failure classes: the cluster is broken, the infrastructure is, or the harness is. */
export const categories = [
  {
    id: "infrastructure",
    name: "Infrastructure problems",
    matchedStatuses: ["broken", "failed"],
    messageRegex:
      "[\\s\\S]*(timed out after|cannot reach the API server|has been unreachable for|lost permission on|ECONNREFUSED|ECONNRESET|socket hang up|did not finish within)[\\s\\S]*",
  },
  {
    id: "harness",
    name: "Harness errors",
    matchedStatuses: ["broken", "failed"],
    messageRegex: "[\\s\\S]*(TypeError|ReferenceError|SyntaxError|no run context|is not a function|Cannot read properties)[\\s\\S]*",
  },
  { id: "product", name: "Product defects (the cluster)", matchedStatuses: ["failed"] },
];

/**
 * `extra`: more environment rows after the cluster's (the sign-off record); `leading`: rows before them — the front
 * page shows the first few and hides the rest behind "Show more" (the comparison with a baseline goes first).
 */
export function writeAllureExtras(
  resultsDir: string,
  caps: Capabilities,
  runId: string,
  extra: Record<string, string> = {},
  leading: Record<string, string> = {},
): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, "environment.properties"), environmentProperties(caps, runId, extra, leading));
  writeFileSync(join(resultsDir, "categories.json"), JSON.stringify(categories, null, 2));
}

/** Renders the HTML report (Allure Report 3, pure JavaScript) from the results directory. */
export async function generateHtml(resultsDir: string, outDir: string, name: string, historyFile?: string): Promise<void> {
  const bin = join(repoRoot, "node_modules", ".bin", "allure");
  if (!existsSync(bin)) throw new Error("Allure Report 3 (npm `allure`) is not installed: run npm ci");
  // Allure leaves files of an earlier report in place: start from an empty directory.
  rmSync(outDir, { recursive: true, force: true });
  const config = join(resultsDir, "..", "allurerc.mjs");
  writeFileSync(
    config,
    `export default ${JSON.stringify({ name, output: outDir, categories, ...(historyFile ? { historyPath: historyFile } : {}), plugins: { awesome: { options: { singleFile: false, reportName: name, groupBy: [POOL_LABEL, "parentSuite", "suite"] } } } }, null, 2)};\n`,
  );
  await run(process.execPath, [bin, "generate", resultsDir, "--config", config, "--output", outDir], { cwd: repoRoot, maxBuffer: 16 << 20 });
}

/**
 * Post-processes allure-mocha's results before rendering. A test's identity is its full name and its pool: the
 * parameters we record (node, build, the API's answer) describe what one attempt saw, so they are excluded from
 * Allure's identity (historyId, retry grouping). Otherwise a retry whose pod landed elsewhere — or a first attempt
 * that failed before recording its node — looks like a different test, and retries, flaky marking and history all
 * break. The pool is not excluded: a test has one result per Windows pool (one pass each, lib/pools/passes.ts), and
 * each is its own entry in the HTML, grouped by the `pool` label the pass set when the test started.
 * allure-mocha also records a retried test's final pass as plain "passed": those are marked flaky.
 */
export function finalizeResults(
  resultsDir: string,
  flaky: ResultRef[],
  parametersOf: { ref: ResultRef; parameters: { name: string; value: string }[] }[] = [],
): void {
  const same = (r: AllureResult, pool: string | undefined, ref: ResultRef) =>
    (ref.pool ?? undefined) === pool && !!r.fullName?.endsWith(`: ${ref.fullTitle.split(" › ").join(" > ")}`);
  for (const f of readdirSync(resultsDir).filter((f) => f.endsWith("-result.json"))) {
    const p = join(resultsDir, f);
    const r = JSON.parse(readFileSync(p, "utf8")) as AllureResult;
    const label = r.labels?.find((l) => l.name === POOL_LABEL)?.value;
    const pool = label && label !== POOL_INDEPENDENT_CARD ? label : undefined;
    r.parameters = (r.parameters ?? []).filter((x) => x.name !== "pool").map((x) => ({ ...x, excluded: true }));
    if (pool) r.parameters.push({ name: "pool", value: pool });
    if (r.testCaseId) r.historyId = `${r.testCaseId}:${md5(pool ? `pool=${pool}` : "")}`;
    const extra = parametersOf.find((x) => same(r, pool, x.ref))?.parameters ?? [];
    if (extra.length) r.parameters = [...r.parameters.filter((x) => !extra.some((e) => e.name === x.name)), ...extra.map((e) => ({ ...e, excluded: true }))];
    if (r.status === "passed" && flaky.some((ref) => same(r, pool, ref))) r.statusDetails = { ...r.statusDetails, flaky: true };
    writeFileSync(p, JSON.stringify(r));
  }
}

/** A result of the run: its test and its pool. */
export interface ResultRef {
  fullTitle: string;
  pool?: string;
}

/** The label that groups the HTML report by Windows pool. */
export const POOL_LABEL = "pool";

interface AllureResult {
  fullName?: string;
  labels?: { name: string; value: string }[];
  status?: string;
  testCaseId?: string;
  historyId?: string;
  parameters?: { name: string; value: string; excluded?: boolean }[];
  statusDetails?: Record<string, unknown>;
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");
