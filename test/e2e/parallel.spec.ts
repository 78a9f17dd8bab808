// `run --parallel`: the same test states as a serial run (one allure result per test, in the same directory), and
// SIGINT during a `--parallel 8` run exits 3 with no namespace left.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, localKubeConfig } from "../support/local-cluster.js";
import { repoRoot } from "../../localcluster/paths.js";
import { waitOn } from "../../lib/cluster/watch.js";
import type { Summary } from "../../lib/results/model.js";

const CATEGORIES = ["--category", "Core.Nodes", "--category", "Core.Scheduling"];

describe("run --parallel", function () {
  this.timeout(600_000);
  const kc = localKubeConfig();
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-parallel-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const harnessNamespaces = async () =>
    (await kc.makeApiClient(k8s.CoreV1Api).listNamespace({ labelSelector: "hybrid-conformance.io/run" })).items.map((n) => n.metadata!.name!);

  function run(name: string, parallel: number) {
    const reportDir = join(dir, name);
    const r = cli(["run", "--local", ...CATEGORIES, "--parallel", String(parallel), "--report-dir", reportDir], { KUBECONFIG: "" }, 500_000);
    const summary = JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary;
    const allure = readdirSync(join(reportDir, "allure-results"))
      .filter((f) => f.endsWith("-result.json"))
      .map((f) => JSON.parse(readFileSync(join(reportDir, "allure-results", f), "utf8")) as { name: string; status: string; steps: unknown[] });
    return { ...r, summary, allure };
  }

  it("gives the serial run's test states, one allure result (with its steps) per test and pool (the two pools' passes at once)", async () => {
    const serial = run("serial", 1);
    const parallel = run("parallel", 4);
    const states = (s: Summary) => s.tests.map((t) => `${t.fullTitle} [${t.pool ?? "-"}]: ${t.state}`);
    // The docs layout's two builds are two pools: every pool-dependent test ran once on each.
    expect(new Set(serial.summary.tests.map((t) => t.pool).filter(Boolean)).size, serial.stderr).to.equal(2);
    expect(serial.summary.tests.length, serial.stderr).to.be.greaterThan(10);
    expect(states(parallel.summary), parallel.stderr).to.deep.equal(states(serial.summary));
    expect(parallel.code).to.equal(serial.code);
    expect(parallel.stderr).to.match(/4 tests at once/);
    const byName = (a: typeof serial.allure) => a.map((x) => `${x.name}: ${x.status}, ${x.steps.length > 0 ? "steps" : "no steps"}`).sort();
    expect(byName(parallel.allure)).to.deep.equal(byName(serial.allure));
    expect(await harnessNamespaces()).to.deep.equal([]);
  });

  it("SIGINT during a --parallel 8 run: workers stop, cleanup finishes, nothing is left, exit 3", async () => {
    const reportDir = join(dir, "interrupted");
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, "bin/hybrid-conformance.mjs"),
        "run",
        "--local",
        "--category",
        "Core.Workloads",
        "--category",
        "Core.Network",
        "--parallel",
        "8",
        "--report-dir",
        reportDir,
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, KUBECONFIG: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number>((res) => child.on("exit", (code) => res(code ?? -1)));
    // Interrupt once several workers are mid-test (several harness namespaces at once).
    await waitOn<k8s.V1Namespace, true>(
      kc,
      { path: "/api/v1/namespaces", labelSelector: "hybrid-conformance.io/run" },
      "harness namespaces",
      (nss) => (nss.length >= 3 ? { done: true } : { pending: `${nss.length} so far` }),
      300_000,
    );
    child.kill("SIGINT");
    const code = await exited;
    expect(code, stderr).to.equal(3);
    expect(stderr).to.match(/SIGINT: stopping after the current step and cleaning up run r\w+/);
    expect(await harnessNamespaces()).to.deep.equal([]);
    const summary = JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary;
    expect(summary).to.include({ exitCode: 3, interrupted: true });
    expect(summary.tests.length, "stopped before running everything").to.be.lessThan(7 + 12);
  });
});
