// Scheduling checks and quantities: where pods landed, what the scheduler said, what a kubelet did with a pod
// it must refuse — pure functions over API objects shaped as the v1.36.3 control plane returns them.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import {
  beyondAllocatable,
  buildName,
  insufficientProblems,
  linuxWorker,
  noLinuxWorker,
  osRejectionProblems,
  placementProblems,
  rollingBounds,
  spread,
  taintNamingProblems,
  windowsBuildsPresent,
  windowsLandings,
} from "../../../lib/checks/scheduling.js";
import { bytes, cpuMillis, formatBytes, formatMillis, parseQuantity, sameQuantity } from "../../../lib/checks/quantity.js";
import { node } from "../fixtures/support.js";
import type { NodeInfo } from "../../../lib/preflight/types.js";

const osTaint = { key: "os", value: "windows", effect: "NoSchedule" };
const win2022 = node("hc-win2022-1", "windows", "10.0.20348", [osTaint]);
const win2025 = node("hc-win2025-1", "windows", "10.0.26100", [osTaint]);
const linux1 = node("hc-linux-1", "linux");
const cp: NodeInfo = {
  ...node("hc-control-plane", "linux", undefined, [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]),
  controlPlane: true,
};
const nodes = [cp, linux1, win2022, win2025];

const pod = (name: string, nodeName?: string, image = "mcr.microsoft.com/windows/servercore:ltsc2022"): k8s.V1Pod => ({
  metadata: { name, namespace: "ns" },
  spec: { nodeName, containers: [{ name: "c", image }] },
});

describe("checks/quantity", () => {
  it("parses decimal, binary and exponent quantities", () => {
    expect(parseQuantity("500m")).to.equal(0.5);
    expect(parseQuantity("3900m")).to.equal(3.9);
    expect(parseQuantity("4")).to.equal(4);
    expect(parseQuantity("15Gi")).to.equal(15 * 2 ** 30);
    expect(parseQuantity("128974848")).to.equal(128974848);
    expect(parseQuantity("129e6")).to.equal(129e6);
    expect(parseQuantity("1.5k")).to.equal(1500);
    expect(() => parseQuantity("lots")).to.throw(/not a Kubernetes quantity/);
  });
  it("compares and formats", () => {
    expect(sameQuantity("0.5", "500m")).to.equal(true);
    expect(sameQuantity("1Gi", "1024Mi")).to.equal(true);
    expect(sameQuantity("1G", "1Gi")).to.equal(false);
    expect(sameQuantity(undefined, "1")).to.equal(false);
    expect(cpuMillis("250m")).to.equal(250);
    expect(bytes("256Mi")).to.equal(268435456);
    expect(formatMillis(4900)).to.equal("4900m");
    expect(formatMillis(5000)).to.equal("5");
    expect(formatBytes(16 * 2 ** 30)).to.equal("16Gi");
    expect(formatBytes(1000)).to.equal("1000");
  });
});

describe("checks/scheduling", () => {
  it("names builds as Windows Server releases", () => {
    expect(buildName("10.0.20348")).to.equal("Windows Server 2022 (10.0.20348)");
    expect(buildName("10.0.26100.3194")).to.equal("Windows Server 2025 (10.0.26100)");
    expect(buildName("10.0.17763")).to.equal("10.0.17763");
  });

  it("placementProblems: OS, build and image compatibility of where a pod landed", () => {
    expect(placementProblems(pod("w", "hc-win2022-1"), win2022, { os: "windows" })).to.deep.equal([]);
    expect(placementProblems(pod("w", "hc-win2022-1"), win2022, { os: "windows", build: "10.0.20348" })).to.deep.equal([]);
    expect(placementProblems(pod("w"), undefined, { os: "windows" })).to.deep.equal(["pod ns/w is not scheduled"]);
    expect(placementProblems(pod("w", "hc-linux-1"), linux1, { os: "windows" })).to.deep.equal([
      "pod ns/w landed on node hc-linux-1 (linux), not on a windows node",
    ]);
    expect(placementProblems(pod("w", "hc-win2025-1"), win2025, { os: "windows", build: "10.0.20348" })).to.deep.equal([
      "pod ns/w selects Windows build 10.0.20348 but landed on node hc-win2025-1 (windows 10.0.26100)",
    ]);
    // A 2025 image cannot run process-isolated on a 2022 host; a 2022 image runs on 2025.
    expect(placementProblems(pod("w", "hc-win2022-1", "mcr.microsoft.com/windows/servercore:ltsc2025"), win2022, { os: "windows" })).to.deep.equal([
      "pod ns/w container c runs image mcr.microsoft.com/windows/servercore:ltsc2025 (made for 10.0.26100), which cannot run process-isolated on node hc-win2022-1 (windows 10.0.20348)",
    ]);
    expect(placementProblems(pod("w", "hc-win2025-1"), win2025, { os: "windows" })).to.deep.equal([]);
    expect(placementProblems(pod("w", "other"), win2022, { os: "windows" })).to.deep.equal(["pod ns/w is bound to node other, not hc-win2022-1"]);
  });

  it("windowsLandings: names each Linux pod on a Windows node with that node's taints", () => {
    const pods = [pod("a", "hc-linux-1", "agnhost"), pod("b", "hc-win2022-1", "agnhost"), pod("c", undefined, "agnhost")];
    const bare = node("hc-win2022-2", "windows", "10.0.20348");
    expect(windowsLandings(pods, nodes)).to.deep.equal([
      "pod ns/b (no nodeSelector, no toleration) was scheduled onto Windows node hc-win2022-1 (windows 10.0.20348), which carries taints os=windows:NoSchedule",
      "pod ns/c is not scheduled",
    ]);
    expect(windowsLandings([pod("d", "hc-win2022-2")], [bare])).to.deep.equal([
      "pod ns/d (no nodeSelector, no toleration) was scheduled onto Windows node hc-win2022-2 (windows 10.0.20348), which carries no NoSchedule taint",
    ]);
    expect(windowsLandings([pod("a", "hc-linux-1")], nodes)).to.deep.equal([]);
    expect(spread([pod("a", "n2"), pod("b", "n1"), pod("c", "n2")])).to.equal("n1: 1, n2: 2");
  });

  it("taintNamingProblems: the explanation must name every Windows taint", () => {
    const msg = "0/6 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 4 node(s) had untolerated taint(s).";
    expect(taintNamingProblems("ns/w", `${msg} [untolerated: os=windows:NoSchedule on hc-win2022-1, hc-win2022-2]`, [osTaint])).to.deep.equal([]);
    expect(taintNamingProblems("ns/w", msg, [osTaint])).to.deep.equal([
      `pod ns/w: the FailedScheduling explanation does not name taint os=windows:NoSchedule: ${msg}`,
    ]);
    expect(taintNamingProblems("ns/w", "0/6 nodes are available: 6 Insufficient cpu.", [osTaint])[0]).to.match(/does not blame a taint/);
    expect(taintNamingProblems("ns/w", msg, [])[0]).to.match(/preflight found no NoSchedule\/NoExecute taint/);
    const custom = [
      { key: "example.com/pool", effect: "NoSchedule" },
      { key: "dedicated", value: "win", effect: "NoExecute" },
    ];
    expect(taintNamingProblems("ns/w", `${msg} [untolerated: example.com/pool:NoSchedule on a; dedicated=win:NoExecute on a]`, custom)).to.deep.equal([]);
  });

  it("insufficientProblems and beyondAllocatable", () => {
    const msg =
      "0/6 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu, 2 Insufficient memory, 3 node(s) didn't match Pod's node affinity/selector.";
    expect(insufficientProblems("ns/w", msg)).to.deep.equal([]);
    expect(insufficientProblems("ns/w", "0/6 nodes are available: 2 Insufficient cpu.")).to.deep.equal([
      `pod ns/w: FailedScheduling does not report "Insufficient memory": 0/6 nodes are available: 2 Insufficient cpu.`,
    ]);
    const a = { ...win2022, allocatable: { cpu: "3900m", memory: "15Gi" } };
    const b = { ...win2025, allocatable: { cpu: "8", memory: "32Gi" } };
    expect(beyondAllocatable([a, b])).to.deep.equal({ cpu: "9", memory: "33Gi", largest: "8 CPU (hc-win2025-1), 32Gi memory (hc-win2025-1)" });
    expect(beyondAllocatable([a])).to.deep.include({ cpu: "4900m", memory: "16Gi" });
    expect(() => beyondAllocatable([])).to.throw(/no nodes/);
  });

  it("osRejectionProblems: Failed/PodOSNotSupported, an event, no container", () => {
    const rejected: k8s.V1Pod = {
      ...pod("w", "hc-linux-1"),
      status: {
        phase: "Failed",
        reason: "PodOSNotSupported",
        message: "Pod was rejected: Failed to admit pod as the OS field doesn't match node OS",
        containerStatuses: [{ name: "c", image: "x", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } }],
      },
    };
    const ev = [{ reason: "PodOSNotSupported", message: "Failed to admit pod as the OS field doesn't match node OS" } as k8s.CoreV1Event];
    expect(osRejectionProblems(rejected, ev)).to.deep.equal([]);
    expect(osRejectionProblems(rejected, [])).to.deep.equal(["pod ns/w: no PodOSNotSupported event from node hc-linux-1 (events: none)"]);
    const running: k8s.V1Pod = {
      ...pod("w", "hc-linux-1"),
      status: {
        phase: "Running",
        containerStatuses: [{ name: "c", image: "x", imageID: "", ready: true, restartCount: 0, containerID: "containerd://abc", state: { running: {} } }],
      },
    };
    expect(osRejectionProblems(running, [])).to.deep.equal([
      "pod ns/w on node hc-linux-1 is Running, not Failed: the kubelet admitted a Windows pod on a Linux node",
      "pod ns/w: container c was created on Linux node hc-linux-1 (containerd://abc)",
      "pod ns/w: no PodOSNotSupported event from node hc-linux-1 (events: none)",
    ]);
    const other: k8s.V1Pod = { ...pod("w", "hc-linux-1"), status: { phase: "Failed", reason: "NodeAffinity", message: "Pod was rejected" } };
    expect(osRejectionProblems(other, ev)).to.deep.equal([
      "pod ns/w on node hc-linux-1 failed with reason NodeAffinity (Pod was rejected), want PodOSNotSupported",
    ]);
  });

  it("linuxWorker: a Ready Linux worker, preferring untainted ones; noLinuxWorker says why there is none", () => {
    expect(linuxWorker(nodes)?.name).to.equal("hc-linux-1");
    const tainted = node("hc-linux-2", "linux", undefined, [{ key: "dedicated", value: "x", effect: "NoSchedule" }]);
    expect(linuxWorker([tainted, linux1])?.name).to.equal("hc-linux-1");
    expect(linuxWorker([tainted])?.name).to.equal("hc-linux-2");
    const down = { ...linux1, ready: false };
    expect(linuxWorker([cp, down, win2022])).to.equal(undefined);
    expect(noLinuxWorker([cp, down, win2022])).to.equal("no Ready Linux worker node: hc-control-plane (control plane), hc-linux-1 (NotReady)");
    expect(noLinuxWorker([win2022])).to.equal("the cluster has no Linux nodes");
  });

  it("rollingBounds: surge rounds up, unavailability rounds down, both zero is not allowed", () => {
    expect(rollingBounds(2)).to.deep.equal({ maxSurge: 1, maxUnavailable: 0 });
    expect(rollingBounds(10)).to.deep.equal({ maxSurge: 3, maxUnavailable: 2 });
    expect(rollingBounds(4, { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "50%" } })).to.deep.equal({
      maxSurge: 0,
      maxUnavailable: 2,
    });
    expect(rollingBounds(2, { type: "RollingUpdate", rollingUpdate: { maxSurge: "0%", maxUnavailable: "0%" } })).to.deep.equal({
      maxSurge: 1,
      maxUnavailable: 0,
    });
  });

  it("windowsBuildsPresent: builds of all Windows nodes, Ready or not", () => {
    expect(windowsBuildsPresent([...nodes, { ...win2022, name: "x", ready: false }])).to.deep.equal(["10.0.20348", "10.0.26100"]);
    expect(windowsBuildsPresent([linux1])).to.deep.equal([]);
  });
});
