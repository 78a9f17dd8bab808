// Windows pools that scale from zero (--autoscaled-pool): the declaration, which pools need a node, the placeholder
// pod only that pool can take, and cluster-autoscaler's answer read from its events.
import { expect } from "chai";
import { placeholderPod, parseAutoscaledPool, poolsToScale, scaleUpVerdict, nodeOfPool } from "../../../lib/pools/autoscaled.js";
import { podFitsNode } from "../../../localcluster/dataplane/autoscaler.js";
import type { NodeInfo } from "../../../lib/preflight/types.js";

const one = (v: string) => parseAutoscaledPool(v)[0];
const node = (name: string, build: string, ready: boolean, labels: Record<string, string> = {}) =>
  ({
    name,
    os: "windows",
    build,
    ready,
    labels: { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": build, ...labels },
  }) as unknown as NodeInfo;

describe("--autoscaled-pool (lib/pools/autoscaled.ts)", () => {
  it("parses a build, taints (with or without a value) and labels; repeats add pools", () => {
    expect(one("build=10.0.20348,taint=os=windows:NoSchedule,taint=sku:NoExecute,label=agentpool=win22")).to.deep.equal({
      build: "10.0.20348",
      taints: [
        { key: "os", value: "windows", effect: "NoSchedule" },
        { key: "sku", effect: "NoExecute" },
      ],
      labels: { agentpool: "win22" },
      text: "build=10.0.20348,taint=os=windows:NoSchedule,taint=sku:NoExecute,label=agentpool=win22",
    });
    expect(parseAutoscaledPool("build=10.0.26100", parseAutoscaledPool("build=10.0.20348")).map((p) => p.build)).to.deep.equal(["10.0.20348", "10.0.26100"]);
  });

  it("refuses what is not a pool, in one line that shows the form", () => {
    for (const [v, why] of [
      ["taint=os=windows:NoSchedule", /no build= given/],
      ["build=2022", /not a Windows build like 10\.0\.20348/],
      ["build=10.0.20348,taint=os=windows", /not key\[=value\]:Effect/],
      ["build=10.0.20348,taint=os=windows:NoRun", /Effect one of NoSchedule, PreferNoSchedule, NoExecute/],
      ["build=10.0.20348,label=agentpool", /label "agentpool" is not key=value/],
      ["build=10.0.20348,size=3", /unknown part "size=3"/],
    ] as const) {
      expect(() => parseAutoscaledPool(v), v).to.throw(why);
      expect(() => parseAutoscaledPool(v), v).to.throw(/expected e\.g\. build=10\.0\.20348,taint=/);
    }
  });

  it("a pool needs a scale-up until one of its nodes (OS, build, labels) is Ready", () => {
    const pool = one("build=10.0.20348,label=agentpool=win22");
    expect(poolsToScale({ nodes: [] }, [pool])).to.deep.equal([pool]);
    expect(poolsToScale({ nodes: [node("a", "10.0.20348", false, { agentpool: "win22" })] }, [pool])).to.deep.equal([pool]);
    expect(poolsToScale({ nodes: [node("b", "10.0.20348", true, { agentpool: "other" })] }, [pool])).to.deep.equal([pool]);
    expect(poolsToScale({ nodes: [node("c", "10.0.26100", true, { agentpool: "win22" })] }, [pool])).to.deep.equal([pool]);
    expect(poolsToScale({ nodes: [node("d", "10.0.20348", true, { agentpool: "win22" })] }, [pool])).to.deep.equal([]);
    expect(nodeOfPool({ os: "linux", build: "10.0.20348", labels: { agentpool: "win22" } }, pool)).to.equal(false);
  });

  it("the placeholder selects the pool and tolerates exactly its taints: a node of the pool takes it, another does not", () => {
    const pool = one("build=10.0.20348,taint=os=windows:NoSchedule,taint=sku:NoExecute");
    const pod = placeholderPod(pool, "hc-scale-up-x", { "hybrid-conformance.io/run": "x" }, { "registry.k8s.io": "mirror.local/k8s" });
    expect(pod.spec!.nodeSelector).to.deep.equal({ "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348" });
    expect(pod.spec!.tolerations).to.deep.equal([
      { key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" },
      { key: "sku", operator: "Exists", effect: "NoExecute" },
    ]);
    expect(pod.spec!.containers[0].image).to.equal("mirror.local/k8s/pause:3.9");
    expect(pod.metadata!.labels).to.deep.equal({ "hybrid-conformance.io/run": "x" });
    const template = (build: string, taints: { key: string; value?: string; effect: string }[]) => ({
      metadata: { labels: { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": build } },
      spec: { taints },
    });
    expect(podFitsNode(pod, template("10.0.20348", pool.taints))).to.equal(true);
    expect(podFitsNode(pod, template("10.0.26100", pool.taints))).to.equal(false);
    expect(podFitsNode(pod, template("10.0.20348", [...pool.taints, { key: "gpu", value: "true", effect: "NoSchedule" }]))).to.equal(false);
  });

  it("reads cluster-autoscaler's answer: TriggeredScaleUp is done, NotTriggerScaleUp fails at once, else pending with the scheduler's word", () => {
    const ev = (name: string, reason: string, message: string) => ({ involvedObject: { name }, reason, message });
    const sched = ev("scale-up-10-0-20348", "FailedScheduling", "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
    expect(scaleUpVerdict([], "scale-up-10-0-20348")).to.deep.equal({ pending: "no event on the pod yet" });
    expect(scaleUpVerdict([sched], "scale-up-10-0-20348"))
      .to.have.property("pending")
      .that.match(/^FailedScheduling: 0\/3 nodes .*no event from cluster-autoscaler yet$/);
    expect(
      scaleUpVerdict([sched, ev("scale-up-10-0-20348", "TriggeredScaleUp", "pod triggered scale-up: [{win2022 0->1 (max: 2)}]")], "scale-up-10-0-20348"),
    ).to.deep.equal({
      done: "pod triggered scale-up: [{win2022 0->1 (max: 2)}]",
    });
    expect(
      scaleUpVerdict(
        [ev("scale-up-10-0-20348", "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 node(s) had untolerated taint {sku: Windows}")],
        "scale-up-10-0-20348",
      ),
    ).to.deep.equal({
      fail: "cluster-autoscaler will not add a node for it: NotTriggerScaleUp: pod didn't trigger scale-up: 1 node(s) had untolerated taint {sku: Windows}",
    });
    expect(scaleUpVerdict([ev("other", "TriggeredScaleUp", "x")], "scale-up-10-0-20348")).to.have.property("pending");
  });
});
