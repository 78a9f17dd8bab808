// `hybrid-conformance report`: regenerate the HTML report from a run's allure-results, or serve it.
import { Command } from "commander";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateHtml } from "../report/allure.js";
import { serveDir } from "../report/static-server.js";
import { UserFacingError } from "../errors.js";
import { portArg } from "./args.js";

export function reportCommand(): Command {
  return new Command("report")
    .description("regenerate (and optionally serve) the HTML report from a run's allure-results")
    .option("--report-dir <dir>", "the run's report directory", "reports/latest")
    .option("--history-file <file>", "Allure history (JSONL) for trends (default: <report-dir>/history.jsonl); read, never changed")
    .option("--serve", "serve the report on 127.0.0.1 until interrupted")
    .option("--port <n>", "port for --serve (default: a free one)", portArg)
    .action(async (o: { reportDir: string; historyFile?: string; serve?: boolean; port?: number }) => {
      const dir = resolve(o.reportDir);
      const results = join(dir, "allure-results");
      if (!existsSync(results)) throw new UserFacingError(`no allure-results in ${dir}: run \`hybrid-conformance run --report-dir ${o.reportDir}\` first`);
      const html = join(dir, "html");
      const scratch = mkdtempSync(join(tmpdir(), "hc-report-"));
      try {
        // Allure appends the report it generates to the history file: regenerating must not add the same run
        // again, so it reads a copy without this run's own point.
        const history = join(scratch, "history.jsonl");
        writeFileSync(history, historyBefore(resolve(o.historyFile ?? join(dir, "history.jsonl")), results));
        await generateHtml(results, html, "hybrid-conformance", history);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      process.stdout.write(`${join(html, "index.html")}\n`);
      if (o.serve) {
        const srv = await serveDir(html, o.port).catch((e: NodeJS.ErrnoException) => {
          throw new UserFacingError(`--serve: cannot listen on 127.0.0.1:${o.port ?? 0}: ${e.code === "EADDRINUSE" ? "the port is in use" : e.message}`);
        });
        process.stdout.write(`serving ${srv.url} (Ctrl-C to stop)\n`);
        await new Promise<void>((r) => process.once("SIGINT", r).once("SIGTERM", r));
        await srv.close();
      }
    });
}

/** The history file's lines, without the point(s) recorded for the results being regenerated. */
function historyBefore(file: string, resultsDir: string): string {
  if (!existsSync(file)) return "";
  const starts = new Set<number>();
  for (const f of readdirSync(resultsDir).filter((f) => f.endsWith("-result.json"))) {
    const start = (JSON.parse(readFileSync(join(resultsDir, f), "utf8")) as { start?: number }).start;
    if (start !== undefined) starts.add(start);
  }
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim());
  const kept = lines.filter((l) => {
    try {
      const point = JSON.parse(l) as { testResults?: Record<string, { start?: number }> };
      return !Object.values(point.testResults ?? {}).some((t) => t.start !== undefined && starts.has(t.start));
    } catch {
      return true; // not ours to judge: Allure reads it as it is
    }
  });
  return kept.map((l) => l + "\n").join("");
}
