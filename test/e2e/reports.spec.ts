// The reports a run writes, read back: summary.json and JUnit agree, Allure results carry labels, steps and
// attachments, the environment names the cluster, history accumulates, nothing secret leaks, exit codes are
// honest, and the HTML report renders in a real browser with the failed test's attachment.
import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { cli, expectOneLineError, onePool } from "../support/local-cluster.js";
import { freePort } from "../../localcluster/processes.js";
import { filesUnder } from "../support/allure-results.js";
import { inspectReport, chromiumPath } from "../support/report-browser.js";
import { repoRoot, stateDir } from "../../localcluster/paths.js";
import { NODES } from "../../suites/core/nodes.titles.js";

const failing = NODES.posture.split(" (")[0];

/** Resolves when the child prints `line`; fails at once if it exits first, or after `ms`. */
function printed(child: ChildProcess, line: string, ms: number): Promise<void> {
  let out = "";
  return new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no "${line}" within ${ms} ms; stdout: ${out}`)), ms);
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes(line)) {
        clearTimeout(timer);
        ok();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`exited ${code} before printing "${line}"; stdout: ${out}`));
    });
  });
}

describe("reports", function () {
  this.timeout(180_000);
  let dir: string;
  let healthy: ReturnType<typeof cli>;
  let broken: ReturnType<typeof cli>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "hc-reports-"));
    healthy = cli(["run", ...onePool, "--category", "Core.Nodes", "--report-dir", join(dir, "r")]);
    // A second run into the same report dir, with one Windows node's taint removed: one test fails.
    const on = cli(["cluster", "fault", "add", "windows-taint-missing", "--node", "hc-win2022-1"]);
    expect(on.code, on.stderr).to.equal(0);
    try {
      broken = cli(["run", ...onePool, "--category", "Core.Nodes", "--report-dir", join(dir, "r")]);
    } finally {
      cli(["cluster", "fault", "clear", "windows-taint-missing"]);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 when all pass and 1 when a test fails, and says so in summary.json", () => {
    expect(healthy.code, healthy.stderr).to.equal(0);
    expect(broken.code, broken.stderr).to.equal(1);
    const s = JSON.parse(readFileSync(join(dir, "r", "summary.json"), "utf8"));
    expect(s.exitCode).to.equal(1);
    expect(s.counts).to.deep.equal({ passed: 5, failed: 1, skipped: 0, flaky: 0, broken: 0 });
    expect(s.cluster.version).to.equal("v1.36.3");
    const failed = s.tests.filter((t: { state: string }) => t.state === "failed");
    expect(failed).to.have.length(1);
    expect(failed[0].error).to.contain("node hc-win2022-1 has no NoSchedule taint");
  });

  it("writes JUnit whose counts equal summary.json's", () => {
    const xml = readFileSync(join(dir, "r", "junit.xml"), "utf8");
    const s = JSON.parse(readFileSync(join(dir, "r", "summary.json"), "utf8"));
    const attr = (name: string) => Number(new RegExp(`<testsuites [^>]*${name}="(\\d+)"`).exec(xml)![1]);
    expect(attr("tests")).to.equal(s.tests.length);
    expect(attr("failures")).to.equal(s.counts.failed);
    expect(attr("skipped")).to.equal(s.counts.skipped);
    expect((xml.match(/<testcase /g) ?? []).length).to.equal(s.tests.length);
    expect(xml).to.match(/<failure message="node hc-win2022-1 has no NoSchedule taint/);
  });

  it("gives every Allure result its labels and steps, and the failed one its attachment", () => {
    const results = readdirSync(join(dir, "r", "allure-results")).filter((f) => f.endsWith("-result.json"));
    expect(results).to.have.length(6); // only this run's results: the directory is emptied per run
    for (const f of results) {
      const r = JSON.parse(readFileSync(join(dir, "r", "allure-results", f), "utf8"));
      const labels = Object.fromEntries(r.labels.map((l: { name: string; value: string }) => [l.name, l.value]));
      expect(labels).to.include({ feature: "Core.Nodes", category: "Core.Nodes", epic: "Core", severity: "blocker" });
      expect(r.steps, r.name).not.to.be.empty;
      if (r.name.startsWith(failing)) {
        expect(r.status).to.equal("failed");
        const att = r.steps.flatMap((s: { steps: { attachments: { source: string; name: string }[] }[] }) => s.steps.flatMap((x) => x.attachments));
        expect(att.map((a: { name: string }) => a.name)).to.include("taint-posture.txt");
        const text = readFileSync(join(dir, "r", "allure-results", att[0].source), "utf8");
        expect(text).to.contain("hc-win2022-1: no taints");
      }
    }
  });

  it("names the cluster in the environment and classifies failures", () => {
    const env = readFileSync(join(dir, "r", "allure-results", "environment.properties"), "utf8");
    expect(env).to.match(/^Server\\ version=v1\.36\.3$/m);
    expect(env).to.match(/^Windows\\ nodes=3 \(builds 10\.0\.20348×2, 10\.0\.26100×1\)$/m);
    expect(env).to.match(/^Container\\ runtimes=.*windows: containerd:\/\/1\.7\.27/m);
    const rc = readFileSync(join(dir, "r", "allurerc.mjs"), "utf8");
    expect(rc).to.contain("Infrastructure problems").and.contain("Harness errors").and.contain("Product defects");
  });

  it("keeps history across runs for trends", () => {
    const lines = readFileSync(join(dir, "r", "history.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(lines).to.have.length(2);
    const last = JSON.parse(lines[1]);
    const statuses = Object.values(last.testResults as Record<string, { status: string }>).map((t) => t.status);
    expect(statuses.filter((s) => s === "failed")).to.have.length(1);
    // A test keeps its identity across runs whatever it recorded as parameters (nodes, answers), so trends line up.
    expect(Object.keys(last.testResults).sort()).to.deep.equal(Object.keys(JSON.parse(lines[0]).testResults).sort());
  });

  it("never writes a token or key from the cluster's credentials into any report file", () => {
    const tokens = readFileSync(join(stateDir(), "pki", "tokens.csv"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(",")[0]);
    const keys = ["sa.key", "apiserver.key", "webhook.key"].map((f) => readFileSync(join(stateDir(), "pki", f), "utf8").split("\n")[1]);
    const files = filesUnder(join(dir, "r"));
    expect(files.length).to.be.greaterThan(10);
    for (const f of files) {
      const text = readFileSync(f, "latin1");
      for (const secret of [...tokens, ...keys]) expect(text.includes(secret), `${f} contains a credential`).to.equal(false);
    }
  });

  it("re-runs only what failed with --rerun-failed, and says when nothing failed", () => {
    const again = cli(["run", ...onePool, "--category", "Core.Nodes", "--rerun-failed", join(dir, "r", "summary.json"), "--report-dir", join(dir, "rerun")]);
    expect(again.code, again.stderr).to.equal(0); // the fault is cleared: the one failed test passes now
    const s = JSON.parse(readFileSync(join(dir, "rerun", "summary.json"), "utf8"));
    expect(s.tests.map((t: { title: string }) => t.title)).to.have.length(1);
    expect(s.tests[0].title).to.match(new RegExp(`^${failing}`));
    const none = cli([
      "run",
      ...onePool,
      "--category",
      "Core.Nodes",
      "--rerun-failed",
      join(dir, "rerun", "summary.json"),
      "--report-dir",
      join(dir, "rerun2"),
    ]);
    expect(none.code).to.equal(0);
    expect(none.stderr).to.contain("nothing to re-run");
  });

  it("`report` regenerates the HTML from the results without adding the run to the history again", () => {
    const history = readFileSync(join(dir, "r", "history.jsonl"), "utf8");
    rmSync(join(dir, "r", "html"), { recursive: true });
    const r = cli(["report", "--report-dir", join(dir, "r")]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal(join(dir, "r", "html", "index.html"));
    expect(readFileSync(join(dir, "r", "html", "index.html"), "utf8")).to.contain("<html");
    // The regenerated report still knows this run's failed test, and the trend source is untouched.
    expect(readFileSync(join(dir, "r", "html", "widgets", "categories.json"), "utf8"))
      .to.contain("Product defects (the cluster)")
      .and.contain(failing);
    expect(readFileSync(join(dir, "r", "history.jsonl"), "utf8")).to.equal(history);
    expectOneLineError(
      cli(["report", "--report-dir", join(dir, "nothing-here")]),
      /^hybrid-conformance: no allure-results in .*nothing-here: run `hybrid-conformance run --report-dir /,
    );
    expectOneLineError(cli(["report", "--report-dir", join(dir, "r"), "--serve", "--port", "http"]), /--port.*expected a port number, got "http"/);
  });

  it("`report --serve` serves the report on 127.0.0.1 until interrupted", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [join(repoRoot, "bin/hybrid-conformance.mjs"), "report", "--report-dir", join(dir, "r"), "--serve", "--port", String(port)],
      { cwd: repoRoot },
    );
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      await printed(child, `serving http://127.0.0.1:${port}/`, 60_000);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.contain("<html");
      expect((await fetch(`http://127.0.0.1:${port}/..%2fjunit.xml`)).status, "no path escapes the report directory").to.equal(404);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).to.equal(0);
  });

  it("renders in headless Chromium: suites, the failed test and its attachment", async function () {
    expect(chromiumPath, "Debian's chromium is needed (scripts/test.sh installs it)").to.be.a("string");
    const seen = await inspectReport(join(dir, "r", "html"), {
      suites: ["Core.Nodes"],
      failedTest: failing,
      attachment: "taint-posture.txt",
      screenshot: join(dir, "report.png"),
    });
    expect(seen.suitesSeen).to.deep.equal(["Core.Nodes"]);
    expect(seen.failedTestOpened).to.equal(true);
    expect(seen.attachmentSeen).to.equal(true);
  });
});
