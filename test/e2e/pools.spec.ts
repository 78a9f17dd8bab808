// `run --windows-nodes`: every Windows pod of the run lands on the pool (observed from pod.spec.nodeName by a
// watch during the run), the report card equals the per-test results (console, summary.json, JUnit, Allure), and a
// selector that matches no Ready Windows node — or is not a selector — stops the run in one line, exit 2.
// One run on the shared docs-layout cluster, whose 2025 pool (one node) is not where Windows tests go by default.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, expectOneLineError, localKubeConfig } from "../support/local-cluster.js";
import { repoRoot } from "../../localcluster/paths.js";
import { count, type Summary } from "../../lib/results/model.js";

const POOL = "node.kubernetes.io/windows-build=10.0.26100";

/** The CLI, asynchronously: the watch below must see the pods while the run creates them. */
function cliAsync(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin/hybrid-conformance.mjs"), ...args], { cwd: repoRoot, env: { ...process.env, KUBECONFIG: "" } });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.resume();
    child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe("run --windows-nodes: one pool, its report card", function () {
  this.timeout(600_000);
  const kc = localKubeConfig();
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-pools-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("places every Windows pod on the pool (pod.spec.nodeName), Linux helpers elsewhere; the report card equals the per-test results", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const nodes = (await core.listNode()).items;
    const pool = nodes.filter((n) => n.metadata?.labels?.["node.kubernetes.io/windows-build"] === "10.0.26100").map((n) => n.metadata!.name!);
    const osOf = new Map(nodes.map((n) => [n.metadata!.name!, n.metadata?.labels?.["kubernetes.io/os"]]));
    expect(pool, "the docs layout's 2025 pool").to.have.length(1);

    // Every binding the run makes, seen as it happens (the run deletes its pods before it ends).
    const placed = new Map<string, { node: string; os: string }>();
    let watchEnded: string | undefined;
    const watcher = new k8s.Watch(kc);
    // client-node ends a watch after 30 s without an event; the run's CLI may take that long to start on a busy machine.
    Object.assign(watcher, { requestTimeoutMs: 600_000 });
    const watch = await watcher.watch(
      "/api/v1/pods",
      { labelSelector: "hybrid-conformance.io/run" },
      (_type: string, p: k8s.V1Pod) => {
        if (p.spec?.nodeName) placed.set(`${p.metadata!.namespace}/${p.metadata!.name}`, { node: p.spec.nodeName, os: p.spec.os?.name ?? "?" });
      },
      (err) => (watchEnded = err ? String(err) : "ended"),
    );
    const reportDir = join(dir, "pool");
    let r: { code: number; stderr: string };
    try {
      r = await cliAsync(["run", "--local", "--category", "Core.Nodes", "--category", "Core.Scheduling", "--windows-nodes", POOL, "--report-dir", reportDir]);
    } finally {
      watch.abort();
    }
    expect(r.stderr).to.match(
      new RegExp(
        `Windows pool under test \\(--windows-nodes\\) ${POOL}: 1 node\\(s\\) \\(1 Ready: ${pool[0]}\\), build 10\\.0\\.26100, taints os=windows:NoSchedule`,
      ),
    );

    // Core.Scheduling binds one Windows pod to a Linux node on purpose (spec.nodeName, no scheduler: PodOSNotSupported).
    const bypass = [...placed].filter(([, p]) => p.os === "windows" && osOf.get(p.node) === "linux");
    expect(bypass, "Windows pods on Linux nodes").to.have.length(1);
    expect(bypass[0][0]).to.match(/^hc-does-not-schedule-by-spe-[0-9a-f]{6}\//);
    const windowsPods = [...placed].filter(([, p]) => p.os === "windows" && osOf.get(p.node) !== "linux");
    expect(windowsPods.length, `Windows pods the run bound (${placed.size} pods seen; watch ${watchEnded ?? "open"}): ${r.stderr.slice(-1500)}`).to.be.at.least(
      2,
    );
    for (const [pod, p] of windowsPods) expect(p.node, `Windows pod ${pod}`).to.equal(pool[0]);
    const linuxPods = [...placed].filter(([, p]) => p.os !== "windows"); // Linux helpers, and Linux pods with no OS set
    expect(linuxPods.length, "Linux helper pods the run bound").to.be.greaterThan(0);
    for (const [pod, p] of linuxPods) expect(osOf.get(p.node), `Linux pod ${pod} on ${p.node}`).to.equal("linux");

    const summary = JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary;
    expect(
      summary.tests.filter((t) => t.state === "failed"),
      r.stderr,
    ).to.deep.equal([]);
    expect(summary.pools).to.have.length(1);
    const card = summary.pools[0];
    expect(card).to.deep.include({ pool: POOL, targeted: true, builds: ["10.0.26100"], nodes: pool });
    expect(card.counts).to.deep.equal(count(summary.tests));
    for (const c of card.categories)
      expect({ ...c, category: undefined }, c.category).to.deep.equal({
        ...count(summary.tests.filter((t) => t.category === c.category)),
        category: undefined,
      });
    expect(card.categories.map((c) => c.category)).to.deep.equal(["Core.Nodes", "Core.Scheduling"]);
    // The 2022 pool's build is not the pool's: the build-pinned placement test for it is skipped, naming the pool.
    expect(summary.tests.find((t) => /windows-build=10\.0\.20348/.test(t.title))?.reason).to.match(/pool under test .* has no Windows Server 2022 node/);

    const c = card.counts;
    expect(r.stderr).to.include(`  ${POOL} (build 10.0.26100, 1 node(s), --windows-nodes): ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
    const junit = readFileSync(join(reportDir, "junit.xml"), "utf8");
    expect(junit.match(new RegExp(`<property name="pool" value="${POOL}"/>`, "g"))).to.have.length(summary.tests.length);
    const allure = readdirSync(join(reportDir, "allure-results"))
      .filter((f) => f.endsWith("-result.json"))
      .map((f) => JSON.parse(readFileSync(join(reportDir, "allure-results", f), "utf8")) as { labels: { name: string; value: string }[] });
    expect(allure.length).to.equal(summary.tests.length);
    for (const a of allure) expect(a.labels.filter((l) => l.name === "pool").map((l) => l.value)).to.deep.equal([POOL]);
  });

  it("a selector matching no Ready Windows node: one line, exit 2", () =>
    expectOneLineError(
      cli(["run", "--local", "--category", "Core.Nodes", "--windows-nodes", "agentpool=win99", "--report-dir", join(dir, "none")], { KUBECONFIG: "" }),
      /--windows-nodes agentpool=win99: matches no node; no Ready Windows node to test \(Windows pools found: node\.kubernetes\.io\/windows-build=10\.0\.20348 \(2 Ready\), node\.kubernetes\.io\/windows-build=10\.0\.26100 \(1 Ready\)\)/,
    ));

  it("a selector that is not one: one line, exit 2, before any cluster contact", () =>
    expectOneLineError(cli(["run", "--windows-nodes", "pool in (a", "--report-dir", join(dir, "bad")]), /--windows-nodes.*unbalanced "\("/));
});
