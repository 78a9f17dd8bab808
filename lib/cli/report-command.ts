// `hybrid-conformance report`: regenerate the HTML report from a run's allure-results, or serve it.
import { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawn } from "node:child_process";
import { generateHtml } from "../report/allure.js";
import { repoRoot } from "../../localcluster/paths.js";
import { UserFacingError } from "../errors.js";

export function reportCommand(): Command {
  return new Command("report")
    .description("regenerate (and optionally serve) the HTML report from a run's allure-results")
    .option("--report-dir <dir>", "the run's report directory", "reports/latest")
    .option("--history-file <file>", "Allure history (JSONL) for trends (default: <report-dir>/history.jsonl)")
    .option("--serve", "serve the report on 127.0.0.1 until interrupted")
    .option("--port <n>", "port for --serve (default: a free one)")
    .action(async (o: { reportDir: string; historyFile?: string; serve?: boolean; port?: string }) => {
      const dir = resolve(o.reportDir);
      const results = join(dir, "allure-results");
      if (!existsSync(results)) throw new UserFacingError(`no allure-results in ${dir}: run \`hybrid-conformance run --report-dir ${o.reportDir}\` first`);
      const html = join(dir, "html");
      await generateHtml(results, html, "hybrid-conformance", resolve(o.historyFile ?? join(dir, "history.jsonl")));
      process.stdout.write(`${join(html, "index.html")}\n`);
      if (o.serve) {
        const child = spawn(process.execPath, [join(repoRoot, "node_modules/.bin/allure"), "open", html, ...(o.port ? ["--port", o.port] : [])], { stdio: "inherit" });
        await new Promise((r) => child.on("exit", r));
      }
    });
}
