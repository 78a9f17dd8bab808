// Issue 14 items 1–3: which taints the harness tolerates, how it reads an untainted Windows pool, and a cluster
// whose only Linux node is its control plane. Each case is a real layout (docs, gke, aks/eks, kubeadm) or a node
// an autoscaler is draining; each failed on the code before lib/preflight/taints.ts.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { node } from "../fixtures/support.js";
import type { NodeInfo } from "../../../lib/preflight/types.js";
import { hasLinuxWorkers, linuxTaintsOf, untaintedWindowsPool, windowsTaintsOf } from "../../../lib/preflight/taints.js";
import { checkNodes } from "../../../lib/checks/nodes.js";
import { linuxWorker, noLinuxWorker } from "../../../lib/checks/scheduling.js";
import { tolerationsFor } from "../../../lib/fixtures/guard.js";
import { addedTolerations } from "../../../lib/cluster/admission-tolerations.js";

const cp: NodeInfo = {
  ...node("hc-control-plane", "linux", undefined, [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]),
  controlPlane: true,
};
const gkeTaint = { key: "node.kubernetes.io/os", value: "windows", effect: "NoSchedule" };

describe("taints (issue 14 items 1–3)", () => {
  it("gke: node.kubernetes.io/os=windows is a Windows taint to tolerate, not a lifecycle taint", () => {
    const nodes = [node("gke-win-1", "windows", "10.0.20348", [gkeTaint]), node("gke-linux-1", "linux")];
    expect(windowsTaintsOf(nodes)).to.deep.equal([gkeTaint]);
    expect(tolerationsFor(windowsTaintsOf(nodes))).to.deep.equal([{ key: "node.kubernetes.io/os", operator: "Equal", value: "windows", effect: "NoSchedule" }]);
    expect(checkNodes.posture(nodes).problems).to.deep.equal([]);
  });

  it("ignores lifecycle taints and never tolerates drain taints (cluster-autoscaler, Karpenter)", () => {
    const taints = [
      { key: "os", value: "windows", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
      { key: "node.kubernetes.io/disk-pressure", effect: "NoSchedule" },
      { key: "ToBeDeletedByClusterAutoscaler", value: "1700000000", effect: "NoSchedule" },
      { key: "DeletionCandidateOfClusterAutoscaler", value: "1700000000", effect: "PreferNoSchedule" },
      { key: "karpenter.sh/disrupted", effect: "NoSchedule" },
    ];
    expect(windowsTaintsOf([node("w", "windows", "10.0.20348", taints)])).to.deep.equal([{ key: "os", value: "windows", effect: "NoSchedule" }]);
  });

  it("a Windows node with only a drain taint does not count as tainted against Linux workloads", () => {
    const drained = node("w2", "windows", "10.0.20348", [{ key: "ToBeDeletedByClusterAutoscaler", value: "1", effect: "NoSchedule" }]);
    expect(checkNodes.posture([node("w1", "windows", "10.0.20348"), drained]).summary).to.match(/^selector-only posture: Windows nodes carry no taint/);
  });

  it("aks/eks: an untainted Windows pool is the selector-only posture — reported with the cluster fact, not failed", () => {
    const nodes = [node("akswin22000000", "windows", "10.0.20348"), node("akswin25000000", "windows", "10.0.26100"), node("aks-nodepool1-0", "linux")];
    const posture = checkNodes.posture(nodes);
    expect(posture.problems).to.deep.equal([]);
    expect(posture.summary).to.contain("Windows nodes carry no taint: Linux workloads are kept off by nodeSelector only");
    expect(untaintedWindowsPool(nodes)).to.match(
      /^Windows nodes carry no taint: Linux workloads are kept off by nodeSelector only \(akswin22000000, akswin25000000\)$/,
    );
  });

  it("a pool where some Windows nodes lost their taint still fails, naming the node and the others' taint", () => {
    const posture = checkNodes.posture([
      node("hc-win2022-1", "windows", "10.0.20348"),
      node("hc-win2025-1", "windows", "10.0.26100", [{ key: "os", value: "windows", effect: "NoSchedule" }]),
    ]);
    expect(posture.problems).to.deep.equal([
      "node hc-win2022-1 has no NoSchedule taint while other Windows nodes carry os=windows:NoSchedule: Linux pods without a nodeSelector can be scheduled onto it (the Windows docs recommend os=windows:NoSchedule)",
    ]);
    expect(
      untaintedWindowsPool([
        node("hc-win2022-1", "windows", "10.0.20348"),
        node("hc-win2025-1", "windows", "10.0.26100", [{ key: "os", value: "windows", effect: "NoSchedule" }]),
      ]),
    ).to.equal(undefined);
  });

  it("kubeadm: Linux helper pods tolerate the control-plane taint; no Linux worker is said so", () => {
    const nodes = [cp, node("hc-win2022-md-0", "windows", "10.0.20348", [{ key: "sku", value: "Windows", effect: "NoSchedule" }])];
    expect(linuxTaintsOf(nodes).map((t) => `${t.key}:${t.effect}`)).to.deep.equal(["node-role.kubernetes.io/control-plane:NoSchedule"]);
    expect(windowsTaintsOf(nodes)).to.deep.equal([{ key: "sku", value: "Windows", effect: "NoSchedule" }]);
    expect(linuxWorker(nodes)).to.equal(undefined);
    expect(hasLinuxWorkers(nodes), "no Linux worker in the layout: skip").to.equal(false);
    expect(hasLinuxWorkers([...nodes, { ...node("hc-linux-1", "linux"), ready: false }]), "a NotReady worker is a defect, not a layout").to.equal(true);
    expect(noLinuxWorker(nodes)).to.equal("no Ready Linux worker node: hc-control-plane (control plane)");
  });

  it("a Linux node being drained by an autoscaler is no worker to bind to", () => {
    const draining = node("hc-linux-1", "linux", undefined, [{ key: "karpenter.sh/disrupted", effect: "NoSchedule" }]);
    expect(linuxWorker([cp, draining])).to.equal(undefined);
    expect(linuxWorker([cp, draining, node("hc-linux-2", "linux")])?.name).to.equal("hc-linux-2");
  });

  it("a dry-run read back shows tolerations a webhook added, not the API server's defaults", () => {
    const sent: k8s.V1Pod = { spec: { containers: [], tolerations: [] } };
    const admitted: k8s.V1Pod = {
      spec: {
        containers: [],
        tolerations: [
          { key: "node.kubernetes.io/os", operator: "Equal", value: "windows", effect: "NoSchedule" },
          { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
          { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        ],
      },
    };
    expect(addedTolerations(sent, admitted)).to.deep.equal([{ key: "node.kubernetes.io/os", operator: "Equal", value: "windows", effect: "NoSchedule" }]);
    expect(addedTolerations(sent, { spec: { containers: [], tolerations: admitted.spec!.tolerations!.slice(1) } })).to.deep.equal([]);
  });
});
