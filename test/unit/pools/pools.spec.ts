// Pools: the label-selector grammar, discovery by provider label (else build), narrowing a run to one pool,
// pods pinned to it by rendering, and the report card's arithmetic.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import type { Capabilities, NodeInfo } from "../../../lib/preflight/types.js";
import { matches, parseSelector, schedulingTerms } from "../../../lib/pools/selector.js";
import { discoverPools, narrowToPool, nodesUnderTest, windowsNodesUnderTest } from "../../../lib/pools/pools.js";
import { NO_WINDOWS_POD, formatReportCard, reportCard } from "../../../lib/pools/report-card.js";
import { renderFixture } from "../../../lib/fixtures/guard.js";
import { loadFixture } from "../../../lib/fixtures/load.js";
import { junitXml } from "../../../lib/report/junit.js";
import type { TestOutcome } from "../../../lib/results/model.js";
import { UserFacingError } from "../../../lib/errors.js";
import { NODE_CHECK_CONCURRENCY, settleBounded } from "../../../lib/checks/network/bounded.js";
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

describe("pools/report-card", () => {
  const t = (category: string, title: string, state: TestOutcome["state"], nodes?: string[]): TestOutcome => ({
    category,
    title,
    fullTitle: `${category} › ${title}`,
    file: "x",
    state,
    attempts: 1,
    durationMs: 1,
    ...(nodes ? { nodes } : {}),
  });
  const outcomes = [
    t("Core.Nodes", "ready", "passed"),
    t("Core.Network", "a", "passed", ["akswin22000000", "aks-nodepool1-0"]),
    t("Core.Network", "b", "failed", ["akswin25000000"]),
    t("Core.Network", "c", "skipped"),
    t("Core.Workloads", "d", "passed", ["akswin22000001", "akswin25000000"]),
  ];

  it("without --windows-nodes: each test counts for the pools its pods ran on; the rest for no pool", () => {
    const card = reportCard(aksCaps, outcomes);
    expect(card.map((c) => [c.pool, c.counts.passed, c.counts.failed, c.counts.skipped])).to.deep.equal([
      ["agentpool=win22", 2, 0, 0],
      ["agentpool=win25", 1, 1, 0],
      [NO_WINDOWS_POD, 1, 0, 1],
    ]);
    expect(card[1].categories).to.deep.equal([
      { category: "Core.Network", passed: 0, failed: 1, skipped: 0, flaky: 0, broken: 0 },
      { category: "Core.Workloads", passed: 1, failed: 0, skipped: 0, flaky: 0, broken: 0 },
    ]);
  });

  it("with --windows-nodes: one card holding every test, equal to the run's totals", () => {
    const card = reportCard(narrowToPool(aksCaps, parseSelector("agentpool=win25")), outcomes);
    expect(card).to.have.length(1);
    expect(card[0]).to.include({ pool: "agentpool=win25", targeted: true });
    expect(card[0].counts).to.deep.equal({ passed: 3, failed: 1, skipped: 1, flaky: 0, broken: 0 });
    expect(formatReportCard(card)[1]).to.equal("  agentpool=win25 (build 10.0.26100, 1 node(s), --windows-nodes): 3 passed, 1 failed, 1 skipped");
  });

  it("names a pool no test reached, with the flag that tests it", () => {
    const lines = formatReportCard(reportCard(aksCaps, [t("Core.Network", "a", "passed", ["akswin22000000"])]));
    expect(lines).to.include("  agentpool=win25 (build 10.0.26100, 1 node(s)): no test placed a pod here: test it with --windows-nodes agentpool=win25");
  });

  it("JUnit carries each test's pools as properties", () => {
    const xml = junitXml(outcomes, "x", { poolsOf: (o) => (o.nodes?.includes("akswin25000000") ? ["agentpool=win25"] : []) });
    expect(xml.match(/<property name="pool" value="agentpool=win25"\/>/g)).to.have.length(2);
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
