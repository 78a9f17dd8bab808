import { expect } from "chai";
import { isBusyLoop, kubeletConfigz, statsSummary, type StatsNode } from "../../../localcluster/dataplane/kubelet-stats.js";
import { KubeletTunnel } from "../../../localcluster/dataplane/kubelet-tunnel.js";
import { allocatableMemoryMi, memoryReservations } from "../../../localcluster/kubelet-reservations.js";
import { nodeObject, placeNodes, nodeMemoryReservations, memoryMi } from "../../../localcluster/nodes.js";
import { profileNames } from "../../../localcluster/profiles.js";
import { layoutOf } from "../../../localcluster/topology.js";
import type { PodRecord, ContainerRecord } from "../../../localcluster/dataplane/pods/records.js";
import type { ContainerView } from "../../../localcluster/dataplane/model.js";

const node: StatsNode = { name: "win-1", os: "windows", cpuMillis: 4000, memoryBytes: 16 * 2 ** 30, startTime: "2026-01-01T00:00:00Z" };
const now = Date.parse("2026-01-01T00:10:00Z");

function record(name: string, command: string[], limits: ContainerView["limits"] = {}): PodRecord {
  const view = { os: "windows", image: "mcr.microsoft.com/windows/servercore:ltsc2022", command, args: [], limits } as unknown as ContainerView;
  const c = { spec: { name: "c" }, state: { kind: "running", startedAt: "2026-01-01T00:05:00Z" }, view } as unknown as ContainerRecord;
  return {
    ref: { namespace: "ns", name },
    pod: { metadata: { uid: `uid-${name}` } },
    node: { name: "win-1", os: "windows", address: "127.0.0.1" },
    containers: [c],
    init: [],
    phase: "Running",
    gone: false,
    startTime: "2026-01-01T00:05:00Z",
  } as unknown as PodRecord;
}

describe("dataplane/kubelet-stats (the kubelet's /stats/summary and /configz)", () => {
  it("tells a loop that never waits from one that sleeps, pings or serves", () => {
    expect(isBusyLoop(["powershell", "-Command", "while ($true) { $i++ }"])).to.equal(true);
    expect(isBusyLoop(["sh", "-c", "while true; do :; done"])).to.equal(true);
    expect(isBusyLoop(["powershell", "-Command", "while ($true) { Start-Sleep 1 }"])).to.equal(false);
    expect(isBusyLoop(["cmd", "/c", "ping -t localhost"])).to.equal(false);
    expect(isBusyLoop(["sh", "-c", "sleep 3600"])).to.equal(false);
  });

  it("a busy loop is measured just under its CPU limit, a full core without one or when the limit is not enforced; idle pods above zero", () => {
    const pods = [
      record("busy", ["powershell", "-Command", "while ($true) { $i++ }"], { cpuMillis: 500 }),
      record("idle", ["powershell", "-Command", "while ($true) { Start-Sleep 1 }"]),
    ];
    const s = statsSummary(node, pods, { now, limitIgnored: () => false });
    const byName = new Map(s.pods.map((p) => [p.podRef.name, p]));
    const busy = byName.get("busy")!.cpu.usageNanoCores;
    expect(busy)
      .to.be.greaterThan(0.9 * 500e6)
      .and.at.most(500e6);
    expect(byName.get("idle")!.cpu.usageNanoCores).to.be.greaterThan(0).and.lessThan(50e6);
    for (const p of s.pods) {
      expect(p.memory.workingSetBytes).to.be.greaterThan(0);
      expect(p.cpu.usageCoreNanoSeconds).to.be.greaterThan(0);
      expect(p.containers[0].logs.availableBytes).to.be.greaterThan(0);
    }
    expect(s.node.cpu.usageNanoCores).to.be.greaterThan(busy);
    expect(s.node.memory.workingSetBytes).to.be.greaterThan(s.pods.reduce((a, p) => a + p.memory.workingSetBytes, 0));

    const unlimited = statsSummary(node, pods, { now, limitIgnored: (r) => r.ref.name === "busy" });
    expect(unlimited.pods.find((p) => p.podRef.name === "busy")!.cpu.usageNanoCores).to.equal(1000e6);
  });

  it("lists only the node's running pods", () => {
    const other = { ...record("elsewhere", ["sh", "-c", "sleep 3600"]), node: { name: "win-2", os: "windows", address: "127.0.0.2" } } as PodRecord;
    const pending = { ...record("pending", ["sh", "-c", "sleep 3600"]), phase: "Pending" } as PodRecord;
    const s = statsSummary(node, [record("here", ["sh", "-c", "sleep 3600"]), other, pending], { now, limitIgnored: () => false });
    expect(s.pods.map((p) => p.podRef.name)).to.deep.equal(["here"]);
  });

  it("allocatable memory on every profile's nodes = capacity − kubeReserved − systemReserved − evictionHard from /configz", () => {
    for (const profile of profileNames) {
      const layout = layoutOf({ profile });
      for (const p of placeNodes(layout.nodes, 50)) {
        const n = nodeObject(p, 10250, profile);
        const r = nodeMemoryReservations(p.spec, profile);
        const z = kubeletConfigz(p.spec.os, r, 100, p.spec.pods).kubeletconfig;
        const mi = (q: string | undefined) => (q ? memoryMi(q)! : 0);
        const expected =
          memoryMi(n.status!.capacity!.memory)! - mi(z.kubeReserved.memory) - mi(z.systemReserved.memory) - mi(z.evictionHard["memory.available"]);
        expect(memoryMi(n.status!.allocatable!.memory), `${profile} ${p.spec.name}`).to.equal(expected);
      }
    }
  });

  it("reservations follow each provider's published rule", () => {
    // AKS: 20 MB × 30 pods + 50 MB = 650 on an 8 GB node; eviction 100Mi.
    expect(memoryReservations("aks", "linux", 8192, 30)).to.include({ kubeReservedMi: 650, evictionHardMi: 100 });
    // GKE: 25% of 4 GiB + 20% of the next 4 GiB + 10% of 8 GiB on 16 GiB: 1024 + 819 + 819 = 2662.
    expect(memoryReservations("gke", "linux", 16384, 110).kubeReservedMi).to.equal(2662);
    // EKS: 11 × 110 + 255.
    expect(memoryReservations("eks", "linux", 16384, 110).kubeReservedMi).to.equal(1465);
    // The kubelet's defaults: no reservation, hard eviction 100Mi on Linux and 500Mi on Windows.
    expect(allocatableMemoryMi(16384, memoryReservations("kubeadm", "windows", 16384, 110))).to.equal(16384 - 500);
    expect(allocatableMemoryMi(16384, memoryReservations("docs", "linux", 16384, 110))).to.equal(16384 - 100);
  });
});

describe("dataplane/kubelet-tunnel (kube-apiserver's egress to the kubelets)", () => {
  const tunnel = new KubeletTunnel({ socket: "/nonexistent", routes: { "192.0.2.4": "127.50.1.4" }, kubeletPort: 10250, log: () => undefined });
  it("maps a node's ExternalIP and the kubelet port to the node's loopback address", () => {
    expect(tunnel.route("192.0.2.4:10250")).to.deep.equal({ address: "127.50.1.4", port: 10250 });
  });
  it("refuses any other address or port: it never dials what is not a node's loopback kubelet", () => {
    expect(tunnel.route("192.0.2.9:10250"))
      .to.have.property("refused")
      .that.matches(/no node's address/);
    expect(tunnel.route("192.0.2.4:8080"))
      .to.have.property("refused")
      .that.matches(/not the kubelet's/);
    expect(tunnel.route("10.244.1.5:80")).to.have.property("refused");
  });
});
