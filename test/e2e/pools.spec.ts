// `run --windows-nodes`: every Windows pod of the run lands on the pool (observed from pod.spec.nodeName by a
// watch during the run), the report card equals the per-test results (console, summary.json, JUnit, Allure), and a
// selector that matches no Ready Windows node — or is not a selector — stops the run in one line, exit 2.
// One run on the shared docs-layout cluster, whose 2025 pool (one node) is not where Windows tests go by default.
// Then a default run (no --windows-nodes): one pass per pool, every pool-dependent test on each pool (its pods on
// that pool's nodes, from pod.spec.nodeName), the card equal to the results, and a fault on one pool's node failing
// the tests it breaks for that pool only.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, expectOneLineError, localKubeConfig } from "../support/local-cluster.js";
import { SCHEDULING as SCHED } from "../../suites/core/scheduling.titles.js";
import { NODES } from "../../suites/core/nodes.titles.js";
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
    // The pool's card, and the tests that run once (pool-independent: no Windows pod, no node judged).
    expect(summary.pools.map((p) => p.pool)).to.deep.equal([POOL, "(pool-independent)"]);
    const card = summary.pools[0];
    expect(card).to.deep.include({ pool: POOL, targeted: true, builds: ["10.0.26100"], nodes: pool });
    const pooled = summary.tests.filter((t) => t.pool === POOL);
    expect(pooled.length + summary.pools[1].counts.passed + summary.pools[1].counts.failed + summary.pools[1].counts.skipped).to.equal(summary.tests.length);
    expect(card.counts).to.deep.equal(count(pooled));
    for (const c of card.categories)
      expect({ ...c, category: undefined }, c.category).to.deep.equal({
        ...count(pooled.filter((t) => t.category === c.category)),
        category: undefined,
      });
    expect(card.categories.map((c) => c.category)).to.deep.equal(["Core.Nodes", "Core.Scheduling"]);
    // The 2022 pool's build is not the pool's: the build-pinned placement test for it is skipped, naming the pool.
    expect(summary.tests.find((t) => /windows-build=10\.0\.20348/.test(t.title))?.reason).to.match(/pool under test .* has no Windows Server 2022 node/);

    const c = card.counts;
    expect(r.stderr).to.include(`  ${POOL} (build 10.0.26100, 1 node(s), --windows-nodes): ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
    const junit = readFileSync(join(reportDir, "junit.xml"), "utf8");
    expect(junit.match(new RegExp(`<property name="pool" value="${POOL}"/>`, "g"))).to.have.length(pooled.length);
    const allure = readdirSync(join(reportDir, "allure-results"))
      .filter((f) => f.endsWith("-result.json"))
      .map((f) => JSON.parse(readFileSync(join(reportDir, "allure-results", f), "utf8")) as { labels: { name: string; value: string }[] });
    expect(allure.length).to.equal(summary.tests.length);
    expect(allure.filter((a) => a.labels.some((l) => l.name === "pool" && l.value === POOL))).to.have.length(pooled.length);
  });

  it("without --windows-nodes: each pool gets its pass; a fault on one pool's node fails its tests for that pool only; the card equals the results", () => {
    const POOLS = { 2022: "node.kubernetes.io/windows-build=10.0.20348", 2025: "node.kubernetes.io/windows-build=10.0.26100" };
    const reportDir = join(dir, "all-pools");
    // hc-win2022-1 loses its Windows taint: the 2022 pool is half tainted (a defect); the 2025 pool is untouched.
    const on = cli(["cluster", "fault", "add", "windows-taint-missing", "--node", "hc-win2022-1"]);
    expect(on.code, on.stderr).to.equal(0);
    let r: ReturnType<typeof cli>;
    try {
      r = cli(["run", "--local", "--category", "Core.Nodes", "--category", "Core.Scheduling", "--report-dir", reportDir], { KUBECONFIG: "" }, 500_000);
    } finally {
      cli(["cluster", "fault", "clear", "windows-taint-missing"]);
    }
    expect(r.code, r.stderr.slice(-3000)).to.equal(1);
    const summary = JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary;
    const listed = cli(["list", "--category", "Core.Nodes", "--category", "Core.Scheduling"])
      .stdout.split("\n")
      .filter((l) => l.startsWith("  ")).length;
    const independent: string[] = [NODES.controlPlane, SCHED.osField];
    // Every pool-dependent test once per pool; the pool-independent ones once, without a pool.
    expect(summary.tests.length, r.stderr.slice(-2000)).to.equal(2 * listed - independent.length);
    for (const t of summary.tests.filter((t) => !independent.includes(t.title))) expect([POOLS[2022], POOLS[2025]], t.title).to.include(t.pool);
    expect(summary.tests.filter((t) => independent.includes(t.title)).map((t) => t.pool)).to.deep.equal([undefined, undefined]);
    expect(r.stdout).to.include(`Windows pool ${POOLS[2022]}: `).and.include(`Windows pool ${POOLS[2025]}: `);

    // Where each result's pods ran (pod.spec.nodeName): only on its pool's Windows nodes; both pools got pods.
    const poolNodes = new Map(summary.pools.filter((p) => p.windowsPods).map((p) => [p.pool, p.nodes]));
    expect([...poolNodes.keys()]).to.deep.equal([POOLS[2022], POOLS[2025]]);
    const windows = new Set(summary.cluster.nodes.filter((n) => n.os === "windows").map((n) => n.name));
    // Not the Linux-pods check: its pods are Linux pods, which no pool pins; under this fault they also land on the
    // untainted 2022 node, which the 2022 pass reports and the 2025 pass (judging its own nodes) does not.
    for (const t of summary.tests.filter((t) => t.pool && t.title !== SCHED.linuxOff))
      for (const n of (t.nodes ?? []).filter((n) => windows.has(n))) expect(poolNodes.get(t.pool!), `${t.title} [${t.pool}] ran a pod on ${n}`).to.include(n);
    for (const pool of [POOLS[2022], POOLS[2025]]) {
      const placed = summary.tests.filter((t) => t.pool === pool && (t.nodes ?? []).some((n) => windows.has(n))).map((t) => t.title);
      expect(placed, `tests that placed a Windows pod on ${pool}`).to.include(SCHED.toleration);
    }

    // The fault fails exactly the tests it breaks, on the 2022 pool only.
    const failed = summary.tests.filter((t) => t.state === "failed").map((t) => `${t.title} [${t.pool}]`);
    expect(failed.sort()).to.deep.equal([NODES.posture, SCHED.noToleration, SCHED.linuxOff].map((t) => `${t} [${POOLS[2022]}]`).sort());
    // Each pool skips the other build's placement test, naming its pool.
    expect(
      summary.tests
        .filter((t) => t.state === "skipped")
        .map((t) => `${t.title} [${t.pool}]`)
        .sort(),
    ).to.deep.equal([`${SCHED.build("10.0.20348")} [${POOLS[2025]}]`, `${SCHED.build("10.0.26100")} [${POOLS[2022]}]`].sort());

    // The report card: each pool's numbers are its results'; the pool-independent tests apart; the sum is the run's.
    for (const card of summary.pools) {
      const mine = summary.tests.filter((t) => (card.windowsPods ? t.pool === card.pool : !t.pool));
      expect(card.counts, card.pool).to.deep.equal(count(mine));
      for (const c of card.categories)
        expect({ ...c, category: undefined }, `${card.pool} ${c.category}`).to.deep.equal({
          ...count(mine.filter((t) => t.category === c.category)),
          category: undefined,
        });
      const k = card.counts;
      expect(r.stderr).to.include(`  ${card.pool} (`).and.include(`: ${k.passed} passed, ${k.failed} failed, ${k.skipped} skipped`);
    }
    expect(summary.pools.map((p) => p.counts.passed + p.counts.failed + p.counts.skipped).reduce((a, b) => a + b)).to.equal(summary.tests.length);

    // JUnit: one testcase per (test, pool), the pool in its name and property; Allure: a result per (test, pool),
    // the pool as label and parameter, each its own history entry.
    const junit = readFileSync(join(reportDir, "junit.xml"), "utf8");
    const cases = [...junit.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(cases).to.have.length(summary.tests.length);
    expect(new Set(cases).size).to.equal(cases.length);
    expect(cases).to.include(`Core.Scheduling/${SCHED.noToleration} [${POOLS[2022]}]`).and.include(`Core.Scheduling/${SCHED.noToleration} [${POOLS[2025]}]`);
    const allure = readdirSync(join(reportDir, "allure-results"))
      .filter((f) => f.endsWith("-result.json"))
      .map(
        (f) =>
          JSON.parse(readFileSync(join(reportDir, "allure-results", f), "utf8")) as {
            name: string;
            status: string;
            historyId: string;
            labels: { name: string; value: string }[];
            parameters: { name: string; value: string; excluded?: boolean }[];
          },
      );
    expect(allure).to.have.length(summary.tests.length);
    expect(new Set(allure.map((a) => a.historyId)).size).to.equal(allure.length);
    const noTol = allure.filter((a) => a.name === SCHED.noToleration);
    // allure-mocha reports a thrown Error that is not an assertion as "broken" (this check's "scheduled onto node …").
    expect(
      noTol
        .map((a) => [
          a.labels.find((l) => l.name === "pool")?.value,
          a.parameters.find((p) => p.name === "pool")?.value,
          a.status === "passed" ? "passed" : "not passed",
        ])
        .sort(),
    ).to.deep.equal([
      [POOLS[2022], POOLS[2022], "not passed"],
      [POOLS[2025], POOLS[2025], "passed"],
    ]);
  });

  it("a selector matching no Ready Windows node: one line, exit 2", () =>
    expectOneLineError(
      cli(["run", "--local", "--category", "Core.Nodes", "--windows-nodes", "agentpool=win99", "--report-dir", join(dir, "none")], { KUBECONFIG: "" }),
      /--windows-nodes agentpool=win99: matches no node; no Ready Windows node to test \(Windows pools found: node\.kubernetes\.io\/windows-build=10\.0\.20348 \(2 Ready\), node\.kubernetes\.io\/windows-build=10\.0\.26100 \(1 Ready\)\)/,
    ));

  it("a selector that is not one: one line, exit 2, before any cluster contact", () =>
    expectOneLineError(cli(["run", "--windows-nodes", "pool in (a", "--report-dir", join(dir, "bad")]), /--windows-nodes.*unbalanced "\("/));
});
