// Realistic timing figures, cluster-autoscaler's placement test and the GKE toleration patch: the pure parts
// of the profiles and `--latency realistic`.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { goDuration, realFigures, Timing } from "../../../localcluster/dataplane/timing.js";
import { podFitsNode } from "../../../localcluster/dataplane/autoscaler.js";
import { tolerationPatch } from "../../../localcluster/gmsa-webhook/gke-toleration.js";
import { imageSizeBytes } from "../../../localcluster/dataplane/images.js";

const servercore = "mcr.microsoft.com/windows/servercore:ltsc2022";
const nanoserver = "mcr.microsoft.com/windows/nanoserver:ltsc2022";

describe("local cluster timing", () => {
  it("no latency: every figure is zero", () => {
    const t = new Timing();
    expect(t.pullMs(imageSizeBytes(servercore))).to.equal(0);
    expect(t.startMs("servercore", true)).to.equal(0);
  });

  it("realistic at scale 1: a servercore pull takes minutes (5–15 reported), nanoserver far less; servercore starts slower", () => {
    const t = new Timing({ latency: "realistic", timeScale: 1 });
    const sc = t.pullMs(imageSizeBytes(servercore));
    expect(sc).to.be.within(5 * 60_000, 15 * 60_000);
    expect(t.pullMs(imageSizeBytes(nanoserver))).to.be.below(sc / 5);
    expect(t.startMs("servercore", true)).to.be.within(15_000, 19_000);
    expect(t.startMs("servercore", false)).to.be.below(t.startMs("servercore", true));
    expect(t.startMs("nanoserver", true)).to.be.within(3_000, 4_000);
    expect(t.ms(realFigures.podNetworkReadyMs)).to.be.within(4_000, 5_000);
  });

  it("--time-scale shrinks every figure", () => {
    const full = new Timing({ latency: "realistic", timeScale: 1 });
    const ci = new Timing({ latency: "realistic", timeScale: 0.05 });
    expect(ci.pullMs(imageSizeBytes(servercore))).to.be.closeTo(full.pullMs(imageSizeBytes(servercore)) * 0.05, 1);
    expect(ci.startMs("servercore", true)).to.equal(850);
  });

  it("formats durations as the kubelet's Go time.Duration does", () => {
    expect(goDuration(412)).to.equal("412ms");
    expect(goDuration(4_200)).to.equal("4.2s");
    expect(goDuration(182_100)).to.equal("3m2.1s");
    expect(goDuration(3_723_000)).to.equal("1h2m3s");
  });
});

describe("cluster-autoscaler placement", () => {
  const node: k8s.V1Node = {
    metadata: { name: "n", labels: { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348" } },
    spec: { taints: [{ key: "os", value: "windows", effect: "NoSchedule" }] },
  };
  const pod = (spec: Partial<k8s.V1PodSpec>): k8s.V1Pod => ({ spec: { containers: [], ...spec } });
  const tol = [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }];

  it("fits a Windows pod that selects the pool's labels and tolerates its taint", () => {
    expect(podFitsNode(pod({ nodeSelector: { "kubernetes.io/os": "windows" }, tolerations: tol }), node)).to.equal(true);
    expect(podFitsNode(pod({ tolerations: [{ operator: "Exists" }] }), node)).to.equal(true);
  });
  it("does not fit a pod without the toleration, a Linux pod, or a pod whose affinity wants another build", () => {
    expect(podFitsNode(pod({ nodeSelector: { "kubernetes.io/os": "windows" } }), node)).to.equal(false);
    expect(podFitsNode(pod({ nodeSelector: { "kubernetes.io/os": "linux" }, tolerations: tol }), node)).to.equal(false);
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "node.kubernetes.io/windows-build", operator: "In", values: ["10.0.26100"] }] }],
        },
      },
    };
    expect(podFitsNode(pod({ tolerations: tol, affinity }), node)).to.equal(false);
  });
});

describe("gke profile: the reported toleration webhook", () => {
  const toleration = { key: "node.kubernetes.io/os", operator: "Equal", value: "windows", effect: "NoSchedule" };
  it("adds the toleration to a pod selecting kubernetes.io/os: windows", () => {
    expect(tolerationPatch({ spec: { containers: [], nodeSelector: { "kubernetes.io/os": "windows" } } })).to.deep.equal([
      { op: "add", path: "/spec/tolerations", value: [toleration] },
    ]);
    expect(
      tolerationPatch({ spec: { containers: [], nodeSelector: { "kubernetes.io/os": "windows" }, tolerations: [{ key: "x", operator: "Exists" }] } }),
    ).to.deep.equal([{ op: "add", path: "/spec/tolerations/-", value: toleration }]);
  });
  it("leaves Linux pods, pods without the selector and pods already tolerating it alone", () => {
    expect(tolerationPatch({ spec: { containers: [], nodeSelector: { "kubernetes.io/os": "linux" } } })).to.deep.equal([]);
    expect(tolerationPatch({ spec: { containers: [] } })).to.deep.equal([]);
    expect(tolerationPatch({ spec: { containers: [], nodeSelector: { "kubernetes.io/os": "windows" }, tolerations: [toleration] } })).to.deep.equal([]);
  });
});
