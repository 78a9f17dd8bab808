// Pools: the label-selector grammar, discovery by provider label (else build), narrowing a run to one pool,
// pods pinned to it by rendering, and the report card's arithmetic.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import type { Capabilities, NodeInfo } from "../../../lib/preflight/types.js";
import { matches, parseSelector, schedulingTerms } from "../../../lib/pools/selector.js";
import { discoverPools, narrowToPool, nodesUnderTest, windowsNodesUnderTest } from "../../../lib/pools/pools.js";
import { POOL_INDEPENDENT_CARD, formatReportCard, reportCard } from "../../../lib/pools/report-card.js";
import { passesFor, testsOfPass } from "../../../lib/pools/passes.js";
import { compareRuns } from "../../../lib/report/compare.js";
import { renderFixture } from "../../../lib/fixtures/guard.js";
import { loadFixture } from "../../../lib/fixtures/load.js";
import { junitXml } from "../../../lib/report/junit.js";
import type { TestOutcome } from "../../../lib/results/model.js";
import { UserFacingError } from "../../../lib/errors.js";
import { NODE_CHECK_CONCURRENCY, settleBounded } from "../../../lib/checks/network/bounded.js";
import { windowsLandings } from "../../../lib/checks/scheduling.js";
import { untaintedWindowsPool } from "../../../lib/preflight/taints.js";
import { node, runLabels, taintedCaps } from "../fixtures/support.js";

const withLabels = (n: NodeInfo, labels: Record<string, string>, ready = true): NodeInfo => ({ ...n, ready, labels: { ...n.labels, ...labels } });

// AKS-like: a Linux system pool, a 2022 pool (2 nodes) and a 2025 pool (1 node).
const aksNodes = [
  withLabels(node("aks-nodepool1-0", "linux"), { agentpool: "nodepool1" }),
  withLabels(node("akswin22000000", "windows", "10.0.20348"), { agentpool: "win22", "kubernetes.azure.com/agentpool": "win22" }),
  withLabels(node("akswin22000001", "windows", "10.0.20348"), { agentpool: "win22", "kubernetes.azure.com/agentpool": "win22" }),
  withLabels(node("akswin25000000", "windows", "10.0.26100", [{ key: "sku", value: "Windows", effect: "NoSchedule" }]), {
    agentpool: "win25",
    "kubernetes.azure.com/agentpool": "win25",
  }),
];
const aksCaps: Capabilities = {
  ...taintedCaps,
  nodes: aksNodes,
  windowsBuilds: ["10.0.20348", "10.0.26100"],
  windowsTaints: [{ key: "sku", value: "Windows", effect: "NoSchedule" }],
  pools: discoverPools(aksNodes),
};

describe("pools/selector", () => {
  it("parses kubectl's selector forms and matches node labels as the API server does", () => {
    const l = { agentpool: "win25", "kubernetes.io/os": "windows", tier: "gold" };
    const cases: [string, boolean][] = [
      ["agentpool=win25", true],
      ["agentpool==win25", true],
      ["agentpool=win22", false],
      ["agentpool!=win22", true],
      ["missing!=x", true],
      ["agentpool in (win22, win25)", true],
      ["agentpool notin (win25)", false],
      ["tier", true],
      ["!tier", false],
      ["!spot", true],
      ["kubernetes.io/os=windows,agentpool in (win25),!spot", true],
      ["kubernetes.io/os=windows,agentpool=win22", false],
    ];
    for (const [text, want] of cases) expect(matches(parseSelector(text), l), text).to.equal(want);
  });

  it("refuses what kubectl refuses, saying why", () => {
    for (const [text, why] of [
      ["", /empty selector/],
      ["agentpool=", null],
      ["a b", /cannot read/],
      ["pool in (a", /unbalanced/],
      ["pool in ()", /at least one value/],
      ["-bad=x", /label key/],
      ["UPPER.example.com/x=y", /prefix/],
      ["k=bad value!", /cannot read|label value/],
    ] as [string, RegExp | null][]) {
      if (why === null)
        expect(() => parseSelector(text), text).not.to.throw(); // an empty value is a valid label value
      else expect(() => parseSelector(text), text).to.throw(why);
    }
  });

  it("turns equalities into nodeSelector entries and the rest into node-affinity expressions", () => {
    expect(schedulingTerms(parseSelector("agentpool=win25,zone in (a,b),!spot,env!=test"))).to.deep.equal({
      nodeSelector: { agentpool: "win25" },
      expressions: [
        { key: "zone", operator: "In", values: ["a", "b"] },
        { key: "spot", operator: "DoesNotExist" },
        { key: "env", operator: "NotIn", values: ["test"] },
      ],
    });
  });
});

describe("pools/pools", () => {
  it("discovers pools by the provider's pool label, else by Windows build", () => {
    expect(discoverPools(aksNodes).map((p) => [p.selector, p.nodes.length, p.builds, p.taints])).to.deep.equal([
      ["agentpool=win22", 2, ["10.0.20348"], []],
      ["agentpool=win25", 1, ["10.0.26100"], ["sku=Windows:NoSchedule"]],
    ]);
    const gke = [withLabels(node("gke-w-1", "windows", "10.0.20348"), { "cloud.google.com/gke-nodepool": "windows-pool" })];
    const eks = [withLabels(node("ip-10-0-2-10.us-west-2.compute.internal", "windows", "10.0.20348"), { "eks.amazonaws.com/nodegroup": "windows-ng" })];
    expect(discoverPools(gke)[0].selector).to.equal("cloud.google.com/gke-nodepool=windows-pool");
    expect(discoverPools(eks)[0].selector).to.equal("eks.amazonaws.com/nodegroup=windows-ng");
    expect(discoverPools(taintedCaps.nodes).map((p) => p.selector)).to.deep.equal([
      "node.kubernetes.io/windows-build=10.0.20348",
      "node.kubernetes.io/windows-build=10.0.26100",
    ]);
  });

  it("narrows a run to the pool: its builds, its taints, its nodes; Linux nodes stay", () => {
    const c = narrowToPool(aksCaps, parseSelector("agentpool=win22"));
    expect(c.windowsBuilds).to.deep.equal(["10.0.20348"]);
    expect(c.windowsTaints).to.deep.equal([]); // the 2025 pool's sku taint is not this pool's
    expect(windowsNodesUnderTest(c).map((n) => n.name)).to.deep.equal(["akswin22000000", "akswin22000001"]);
    expect(nodesUnderTest(c).map((n) => n.name))
      .to.include("aks-nodepool1-0")
      .and.not.include("akswin25000000");
  });

  it("judges a Linux pod's landing on the pool's Windows nodes only: another pool's untainted node is that pool's failure", () => {
    const linuxPod = (nodeName: string): k8s.V1Pod => ({ metadata: { namespace: "hc-x", name: `l-${nodeName}` }, spec: { nodeName, containers: [] } });
    const win25 = nodesUnderTest(narrowToPool(aksCaps, parseSelector("agentpool=win25")));
    expect(windowsLandings([linuxPod("akswin22000000"), linuxPod("aks-nodepool1-0")], win25)).to.deep.equal([]);
    expect(windowsLandings([linuxPod("akswin25000000")], win25)).to.have.length(1);
    expect(untaintedWindowsPool(win25)).to.equal(undefined);
    // The win22 pool carries no taint: its pass skips the check, naming its nodes (the 2025 taint is not its).
    expect(untaintedWindowsPool(nodesUnderTest(narrowToPool(aksCaps, parseSelector("agentpool=win22"))))).to.match(/akswin22000000, akswin22000001\)$/);
  });

  it("never counts a control-plane node that reports Windows among the Windows nodes under test (the control-plane check fails on it)", () => {
    const cp = { ...withLabels(node("cp-1", "windows"), { "node-role.kubernetes.io/control-plane": "" }), controlPlane: true };
    const c = { ...aksCaps, nodes: [cp, ...aksNodes] };
    expect(windowsNodesUnderTest(c).map((n) => n.name)).to.deep.equal(["akswin22000000", "akswin22000001", "akswin25000000"]);
    expect(nodesUnderTest(c).map((n) => n.name)).to.not.include("cp-1");
  });

  it("refuses a selector that matches no Ready Windows node, in one line naming what it matched and the pools found", () => {
    const refuse = (sel: string, caps = aksCaps) => {
      try {
        narrowToPool(caps, parseSelector(sel));
      } catch (e) {
        expect(e).to.be.instanceOf(UserFacingError);
        expect((e as Error).message).not.to.include("\n");
        return (e as Error).message;
      }
      throw new Error(`${sel} was accepted`);
    };
    expect(refuse("agentpool=nope")).to.match(/^--windows-nodes agentpool=nope: matches no node; .*agentpool=win22 \(2 Ready\), agentpool=win25 \(1 Ready\)/);
    expect(refuse("agentpool=nodepool1")).to.match(/only non-Windows nodes \(aks-nodepool1-0\)/);
    const down = { ...aksCaps, nodes: aksCaps.nodes.map((n) => (n.name === "akswin25000000" ? { ...n, ready: false } : n)) };
    expect(refuse("agentpool=win25", down)).to.match(/only Windows nodes that are not Ready \(akswin25000000\)/);
  });

  it("renders every Windows pod pinned to the pool (set-based requirements into each affinity term); Linux pods untouched", () => {
    const c = narrowToPool(aksCaps, parseSelector("agentpool=win25,!spot"));
    const ctx = { caps: c, namespace: "ns", labels: runLabels };
    const win = renderFixture(loadFixture("windows-client"), ctx)[0] as k8s.V1Pod;
    expect(win.spec!.nodeSelector).to.include({ agentpool: "win25", "node.kubernetes.io/windows-build": "10.0.26100" });
    expect(win.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms).to.deep.equal([
      { matchExpressions: [{ key: "spot", operator: "DoesNotExist" }] },
    ]);
    const linux = renderFixture(loadFixture("linux-client"), ctx)[0] as k8s.V1Pod;
    expect(linux.spec!.nodeSelector).not.to.have.property("agentpool");
    expect(linux.spec!.affinity).to.equal(undefined);
  });
});

describe("pools/passes: one pass per Windows pool", () => {
  it("without --windows-nodes: a pass per discovered pool, each narrowed to it; with it: the one pool", () => {
    const passes = passesFor(aksCaps);
    expect(passes.map((p) => [p.pool, p.caps.windowsBuilds, p.caps.targetPool!.nodes])).to.deep.equal([
      ["agentpool=win22", ["10.0.20348"], ["akswin22000000", "akswin22000001"]],
      ["agentpool=win25", ["10.0.26100"], ["akswin25000000"]],
    ]);
    // Each pass tolerates its own pool's taints only (the 2025 pool's sku taint).
    expect(passes.map((p) => p.caps.windowsTaints.map((t) => t.key))).to.deep.equal([[], ["sku"]]);
    // Rendered for the pool's build and pinned to it.
    const pod = renderFixture(loadFixture("windows-client"), { caps: passes[1].caps, namespace: "ns", labels: runLabels })[0] as k8s.V1Pod;
    expect(pod.spec!.nodeSelector).to.include({ agentpool: "win25", "node.kubernetes.io/windows-build": "10.0.26100" });
    const one = passesFor(narrowToPool(aksCaps, parseSelector("agentpool=win25")));
    expect(one.map((p) => p.pool)).to.deep.equal(["agentpool=win25"]);
    // --windows-build: only the pools with that build.
    expect(passesFor(aksCaps, "10.0.26100").map((p) => p.pool)).to.deep.equal(["agentpool=win25"]);
  });

  it("a pool whose nodes are all NotReady still gets its pass (its checks fail on the nodes), rendered for its build", () => {
    const down = { ...aksCaps, nodes: aksCaps.nodes.map((n) => (n.name === "akswin25000000" ? { ...n, ready: false } : n)) };
    const p = passesFor(down)[1];
    expect([p.pool, p.caps.windowsBuilds, p.caps.windowsTaints.map((t) => t.key)]).to.deep.equal(["agentpool=win25", ["10.0.26100"], ["sku"]]);
  });

  it("the first pass runs every test, later passes the pool-dependent ones; --rerun-failed runs each failed result on its pool", () => {
    const passes = passesFor(aksCaps);
    const listing = [
      { fullTitle: "C › nodes", poolIndependent: false },
      { fullTitle: "C › refusal", poolIndependent: true },
      { fullTitle: "C › pod", poolIndependent: false },
    ];
    expect(testsOfPass(listing, passes, 0)).to.deep.equal(["C › nodes", "C › refusal", "C › pod"]);
    expect(testsOfPass(listing, passes, 1)).to.deep.equal(["C › nodes", "C › pod"]);
    const failed = [{ fullTitle: "C › pod", pool: "agentpool=win25" }, { fullTitle: "C › refusal" }, { fullTitle: "C › nodes" }];
    expect(testsOfPass(listing, passes, 0, failed)).to.deep.equal(["C › nodes", "C › refusal"]);
    // A result without a pool (an earlier run's) is re-run on every pool it applies to.
    expect(testsOfPass(listing, passes, 1, failed)).to.deep.equal(["C › nodes", "C › pod"]);
  });
});

describe("pools/report-card", () => {
  const t = (category: string, title: string, state: TestOutcome["state"], pool?: string): TestOutcome => ({
    category,
    title,
    fullTitle: `${category} › ${title}`,
    file: "x",
    state,
    attempts: 1,
    durationMs: 1,
    ...(pool ? { pool } : {}),
  });
  const outcomes = [
    t("Core.Rejections", "refusal", "passed"),
    t("Core.Nodes", "ready", "passed", "agentpool=win22"),
    t("Core.Nodes", "ready", "failed", "agentpool=win25"),
    t("Core.Network", "a", "passed", "agentpool=win22"),
    t("Core.Network", "a", "skipped", "agentpool=win25"),
    t("Core.Workloads", "d", "passed", "agentpool=win22"),
    t("Core.Workloads", "d", "passed", "agentpool=win25"),
  ];

  it("counts each pool's results (the pool each carries), the pool-independent ones apart; the sum is the run's", () => {
    const card = reportCard(aksCaps, outcomes);
    expect(card.map((c) => [c.pool, c.counts.passed, c.counts.failed, c.counts.skipped])).to.deep.equal([
      ["agentpool=win22", 3, 0, 0],
      ["agentpool=win25", 1, 1, 1],
      [POOL_INDEPENDENT_CARD, 1, 0, 0],
    ]);
    expect(card[1].categories).to.deep.equal([
      { category: "Core.Nodes", passed: 0, failed: 1, skipped: 0, flaky: 0, broken: 0 },
      { category: "Core.Network", passed: 0, failed: 0, skipped: 1, flaky: 0, broken: 0 },
      { category: "Core.Workloads", passed: 1, failed: 0, skipped: 0, flaky: 0, broken: 0 },
    ]);
  });

  it("with --windows-nodes: the targeted pool's card and the pool-independent tests", () => {
    const card = reportCard(
      narrowToPool(aksCaps, parseSelector("agentpool=win25")),
      outcomes.filter((o) => o.pool !== "agentpool=win22"),
    );
    expect(card.map((c) => c.pool)).to.deep.equal(["agentpool=win25", POOL_INDEPENDENT_CARD]);
    expect(card[0]).to.include({ pool: "agentpool=win25", targeted: true });
    expect(formatReportCard(card)[1]).to.equal("  agentpool=win25 (build 10.0.26100, 1 node(s), --windows-nodes): 1 passed, 1 failed, 1 skipped");
  });

  it("names a pool no pass reached, with the flag that tests it", () => {
    const lines = formatReportCard(reportCard(aksCaps, [t("Core.Network", "a", "passed", "agentpool=win22")]));
    expect(lines).to.include("  agentpool=win25 (build 10.0.26100, 1 node(s)): not tested in this run: test it with --windows-nodes agentpool=win25");
  });

  it("JUnit: a pool property per result; with several pools the name carries the pool, so every (test, pool) is its own testcase", () => {
    const xml = junitXml(outcomes, "x");
    expect(xml.match(/<property name="pool" value="agentpool=win25"\/>/g)).to.have.length(3);
    const names = [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(new Set(names).size).to.equal(outcomes.length);
    expect(names).to.include.members(["Core.Nodes/ready [agentpool=win22]", "Core.Nodes/ready [agentpool=win25]", "Core.Rejections/refusal"]);
    // One pool: plain names.
    expect(
      junitXml(
        outcomes.filter((o) => o.pool !== "agentpool=win22"),
        "x",
      ),
    ).to.include(`name="ready" `);
  });

  it("compares runs result by result: a regression on one pool is that pool's", () => {
    const after = outcomes.map((o) => (o.title === "d" && o.pool === "agentpool=win25" ? { ...o, state: "failed" as const } : o));
    expect(compareRuns({ tests: outcomes }, { tests: after }).regressions).to.deep.equal(["Core.Workloads › d [agentpool=win25]"]);
  });
});

describe("checks/network/bounded (NodePort against many nodes)", () => {
  it("runs every item, at most the bound at once, results in the items' order (a rejection stays its own)", async () => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 200 }, (_, i) => i);
    const results = await settleBounded(
      items,
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
        if (i === 7) throw new Error("node 7 refused");
        return i * 2;
      },
      32,
    );
    expect(peak).to.equal(32);
    expect(results).to.have.length(200);
    expect(results[7]).to.deep.include({ status: "rejected" });
    expect(results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<number>).value)).to.deep.equal(
      items.filter((i) => i !== 7).map((i) => i * 2),
    );
    expect(NODE_CHECK_CONCURRENCY).to.equal(32);
  });
});
