// Core.Nodes and Core.Scheduling: each failure names the pod, the node and the event or condition. The placement
// tests do not depend on the data plane, so a registry outage leaves them green.
import type { SensitivityCase } from "./case.js";
import { NODES } from "../suites/core/nodes.titles.js";
import { SCHEDULING } from "../suites/core/scheduling.titles.js";

const categories = ["Core.Nodes", "Core.Scheduling"];
const POD = /pod hc-[a-z0-9-]+\/[a-z0-9-]+/;
const NOT_READY = "KubeletNotReady: container runtime network not ready";

export const cases: SensitivityCase[] = [
  {
    // A control-plane node that reports Windows (as a kubelet on a Windows host writes it). Only Core.Nodes reads
    // node facts without placing pods. A control-plane node is no Windows worker under test, so the label and
    // build checks (of the Windows workers) are not its concern.
    fault: "control-plane-os-windows",
    options: { node: "hc-control-plane" },
    kind: "targeted",
    categories: ["Core.Nodes"],
    why: "the control-plane check names the node",
    breaks: { [NODES.controlPlane]: [/hc-control-plane runs windows/] },
  },
  {
    // On the Windows Server 2022 nodes only: a pool with no Windows taint at all is the AKS/EKS layout, which the
    // harness reports as the selector-only posture (issue 14); a taint lost from some nodes of a tainted pool is the
    // defect. The untolerated pod is pinned to the first build (2022), so it still lands.
    fault: "windows-taint-missing",
    options: { node: "hc-win2022-*" },
    kind: "targeted",
    categories,
    why: "Linux pods land on Windows, the untolerated pod is scheduled, the posture check fails",
    breaks: {
      [NODES.posture]: [/node hc-win2022-\d has no NoSchedule taint while other Windows nodes carry os=windows:NoSchedule/],
      [SCHEDULING.noToleration]: [
        /^no FailedScheduling: /,
        POD,
        /was scheduled onto node hc-win\S+ although it tolerates no taint/,
        /carries no NoSchedule taint/,
      ],
      [SCHEDULING.linuxOff]: [
        POD,
        /\(no nodeSelector, no toleration\) was scheduled onto Windows node hc-win\S+ \(windows 10\.0\.\d+\), which carries no NoSchedule taint/,
        /event Scheduled: Successfully assigned \S+ to hc-win/,
      ],
    },
  },
  {
    fault: "node-not-ready",
    options: { node: "hc-win2022-*" },
    kind: "targeted",
    categories,
    why: "the Ready check and the 10.0.20348 placement fail, naming the nodes' condition",
    breaks: {
      [NODES.ready]: [/node hc-win2022-\d is not Ready/],
      [SCHEDULING.build("10.0.20348")]: [
        POD,
        /cannot be scheduled \(FailedScheduling\)/,
        /\[untolerated: node\.kubernetes\.io\/not-ready:NoSchedule on hc-win2022-1, hc-win2022-2\]/,
        new RegExp(`\\[not Ready: hc-win2022-1 \\(Ready=False ${NOT_READY}.*hc-win2022-2 \\(Ready=False ${NOT_READY}`),
      ],
    },
  },
  {
    // The only Windows Server 2025 node is NotReady: it still carries its build label (so the harness knows a 2025
    // node exists and does not skip), but the not-ready taint keeps the 10.0.26100 pod off it.
    fault: "node-not-ready",
    options: { node: "hc-win2025-1" },
    kind: "targeted",
    categories,
    why: "the Ready check and the 10.0.26100 placement fail, naming the node's condition",
    breaks: {
      [NODES.ready]: [/node hc-win2025-1 is not Ready/],
      [SCHEDULING.build("10.0.26100")]: [
        POD,
        /cannot be scheduled \(FailedScheduling\)/,
        /\[untolerated: node\.kubernetes\.io\/not-ready:NoSchedule on hc-win2025-1\]/,
        new RegExp(`\\[not Ready: hc-win2025-1 \\(Ready=False ${NOT_READY}`),
      ],
    },
  },
  {
    fault: "node-not-ready",
    options: { node: "hc-linux-*" },
    kind: "targeted",
    categories,
    why: "Linux pods cannot be placed and no Linux node can refuse the Windows pod",
    breaks: {
      [SCHEDULING.linuxOff]: [
        POD,
        /cannot be scheduled \(FailedScheduling\)/,
        /node\.kubernetes\.io\/not-ready:NoSchedule on hc-linux-1, hc-linux-2/,
        new RegExp(`\\[not Ready: hc-linux-1 \\(Ready=False ${NOT_READY}`),
      ],
      [SCHEDULING.osField]: [/^no Ready Linux worker node: hc-control-plane \(control plane\), hc-linux-1 \(NotReady\), hc-linux-2 \(NotReady\)/],
    },
  },
  {
    fault: "windows-build-label-missing",
    options: { node: "hc-win2022-1" },
    kind: "targeted",
    categories,
    why: "the labels check names the missing label; the build check cannot read a build; the 10.0.20348 pod still lands on hc-win2022-2",
    breaks: {
      [NODES.labels]: [/^node hc-win2022-1: label node\.kubernetes\.io\/windows-build is missing/],
      [NODES.build]: [/^node hc-win2022-1: Windows build unknown is not supported \(supported: 10\.0\.20348 /],
    },
  },
  {
    fault: "windows-build-label-lie",
    options: { node: "hc-win2022-1" },
    kind: "targeted",
    categories,
    why: "the label still names 10.0.20348 while the kernel reports Windows Server 2019: only the build check fails",
    breaks: { [NODES.build]: [/^node hc-win2022-1: label says build 10\.0\.20348 but the kernel reports 10\.0\.17763\.6659/] },
  },
  {
    // upstream memory_limits.go: the Node object's allocatable against the kubelet's own /configz.
    fault: "allocatable-ignores-reservations",
    options: { node: "hc-win2022-1" },
    kind: "targeted",
    categories,
    why: "the node states its whole memory as allocatable while its kubelet reserves the eviction threshold: only the allocatable check fails",
    breaks: {
      [SCHEDULING.allocatable]: [/^node hc-win2022-1 states allocatable memory (\S+) \(\d+Mi\), but its kubelet's \/configz gives capacity \1 − .* = \d+Mi\b/],
    },
  },
  {
    fault: "containerd-old",
    options: { node: "hc-win2022-2" },
    kind: "targeted",
    categories,
    why: "only the runtime check fails, naming the node and its containerd version",
    breaks: { [NODES.runtime]: [/^node hc-win2022-2: containerd 1\.6\.28 is older than the supported 1\.7/] },
  },
  {
    fault: "image-pull-fails",
    options: { image: "mcr.microsoft.com/windows/*" },
    kind: "blanket",
    categories,
    why: "placement does not depend on pulls, so every placement test still passes; the CPU-limit check needs its loop running",
    breaks: {
      [SCHEDULING.cpuLimit]: [
        /cpu-limit-busy-loop on node hc-win20(22|25)-\d, container app \(mcr\.microsoft\.com\/windows\/servercore:ltsc20(22|25)\): ErrImagePull: Failed to pull image/,
      ],
    },
  },
  {
    fault: "cpu-limit-not-enforced",
    kind: "targeted",
    categories,
    why: "the busy loop runs at a full core over its 500m limit; placement and node checks do not read usage",
    breaks: {
      [SCHEDULING.cpuLimit]: [
        /^pod hc-[a-z0-9-]+\/cpu-limit-busy-loop on hc-win20(22|25)-\d uses 1\.000 CPU, over its limit of 0\.5 by more than 8%: the CPU limit is not enforced/,
      ],
    },
  },
];
