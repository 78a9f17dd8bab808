// Node-lie faults change exactly one field of a Windows node while on, and put back exactly what they replaced.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { NodeLies, LIE_KERNEL, OLD_CONTAINERD, type NodeLieFault } from "../../../localcluster/dataplane/node-lies.js";

const node = (over: { labels?: Record<string, string>; kernel?: string; runtime?: string } = {}): k8s.V1Node => ({
  metadata: { name: "hc-win2022-1", labels: { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348", ...over.labels } },
  status: {
    nodeInfo: {
      kernelVersion: over.kernel ?? "10.0.20348.2340",
      containerRuntimeVersion: over.runtime ?? "containerd://1.7.27",
    } as k8s.V1NodeSystemInfo,
  },
});
const only = (f: NodeLieFault) => (x: NodeLieFault) => x === f;
const none = () => false;

describe("dataplane faults: node lies", () => {
  it("windows-build-label-missing removes the build label, and restores its value on clear", () => {
    const lies = new NodeLies();
    expect(lies.plan(node(), only("windows-build-label-missing"))).to.deep.equal([{ field: { label: "node.kubernetes.io/windows-build" }, value: null }]);
    const without = node();
    delete without.metadata!.labels!["node.kubernetes.io/windows-build"];
    expect(lies.plan(without, only("windows-build-label-missing")), "nothing more to do while on").to.deep.equal([]);
    expect(lies.plan(without, none)).to.deep.equal([{ field: { label: "node.kubernetes.io/windows-build" }, value: "10.0.20348" }]);
    expect(lies.plan(node(), none), "cleared once").to.deep.equal([]);
  });

  it("windows-build-label-lie reports a Windows Server 2019 kernel; containerd-old an old containerd; each restores its own field", () => {
    const lies = new NodeLies();
    const on = (x: NodeLieFault) => x === "windows-build-label-lie" || x === "containerd-old";
    expect(lies.plan(node(), on)).to.deep.equal([
      { field: { nodeInfo: "kernelVersion" }, value: LIE_KERNEL },
      { field: { nodeInfo: "containerRuntimeVersion" }, value: OLD_CONTAINERD },
    ]);
    const lying = node({ kernel: LIE_KERNEL, runtime: OLD_CONTAINERD });
    expect(lies.plan(lying, only("containerd-old")), "only the cleared lie comes back").to.deep.equal([
      { field: { nodeInfo: "kernelVersion" }, value: "10.0.20348.2340" },
    ]);
    expect(lies.plan(node({ runtime: OLD_CONTAINERD }), none)).to.deep.equal([
      { field: { nodeInfo: "containerRuntimeVersion" }, value: "containerd://1.7.27" },
    ]);
  });

  it("control-plane-os-windows makes a control-plane node report Windows (label and nodeInfo), and restores both on clear", () => {
    const cp: k8s.V1Node = {
      metadata: { name: "hc-control-plane", labels: { "kubernetes.io/os": "linux", "node-role.kubernetes.io/control-plane": "" } },
      status: { nodeInfo: { operatingSystem: "linux", kernelVersion: "6.8.0" } as k8s.V1NodeSystemInfo },
    };
    const lies = new NodeLies();
    const on = only("control-plane-os-windows");
    expect(lies.plan(cp, on)).to.deep.equal([
      { field: { label: "kubernetes.io/os" }, value: "windows" },
      { field: { nodeInfo: "operatingSystem" }, value: "windows" },
    ]);
    const lying: k8s.V1Node = {
      metadata: { name: "hc-control-plane", labels: { "kubernetes.io/os": "windows", "node-role.kubernetes.io/control-plane": "" } },
      status: { nodeInfo: { operatingSystem: "windows", kernelVersion: "6.8.0" } as k8s.V1NodeSystemInfo },
    };
    expect(lies.plan(lying, on), "nothing more to do while on").to.deep.equal([]);
    expect(
      lies.plan(lying, (f) => f === "windows-build-label-missing" || f === "containerd-old"),
      "Windows-worker lies never touch it",
    ).to.deep.equal([
      { field: { label: "kubernetes.io/os" }, value: "linux" },
      { field: { nodeInfo: "operatingSystem" }, value: "linux" },
    ]);
    expect(lies.plan(cp, none), "cleared once").to.deep.equal([]);
    expect(new NodeLies().plan(node(), on), "a Windows worker is no control-plane node").to.deep.equal([]);
  });

  it("leaves a node no lie matches alone", () => {
    expect(new NodeLies().plan(node(), none)).to.deep.equal([]);
  });

  it("allocatable-ignores-reservations states the capacity as allocatable memory, and restores the reserved figure on clear", () => {
    const withMemory = (allocatable: string): k8s.V1Node => ({
      ...node(),
      status: { ...node().status, capacity: { memory: "8Gi" }, allocatable: { memory: allocatable } },
    });
    const lies = new NodeLies();
    const on = only("allocatable-ignores-reservations");
    expect(lies.plan(withMemory("7692Mi"), on)).to.deep.equal([{ field: { allocatable: "memory" }, value: "8Gi" }]);
    expect(lies.plan(withMemory("8Gi"), on), "nothing more to do while on").to.deep.equal([]);
    expect(lies.plan(withMemory("8Gi"), none)).to.deep.equal([{ field: { allocatable: "memory" }, value: "7692Mi" }]);
  });
});
