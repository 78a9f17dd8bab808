// The kubelet's /stats/summary and /configz for one node, from the emulated pods (kwok serves neither). Pure: the
// caller (kubelet-front.ts) passes the node, its pod records, the time and the faults' effect.
//
// The shapes follow k8s.io/kubelet pkg/apis/stats/v1alpha1 (Summary, NodeStats, PodStats, ContainerStats) and the
// configz wrapper `{"kubeletconfig": KubeletConfiguration}` (upstream test/e2e/windows/memory_limits.go decodes it).
import type { PodRecord, ContainerRecord } from "./pods/records.js";
import { effectiveArgv } from "./workloads/index.js";
import type { MemoryReservations } from "../kubelet-reservations.js";

export interface StatsNode {
  name: string;
  os: string;
  cpuMillis: number;
  memoryBytes: number;
  /** When the node (its kubelet) started: the node's creation. */
  startTime: string;
}

export interface StatsOptions {
  now: number;
  /** The cpu-limit-not-enforced fault for this pod: its containers run at their demand, over their limit. */
  limitIgnored: (r: PodRecord) => boolean;
}

const MiB = 2 ** 20;

/**
 * A loop that never waits keeps one core busy (PowerShell `while ($true) { $i++ }`, sh `while true; do :; done`); any
 * other command spends its time waiting (sleep, ping, a server's accept) and uses next to nothing. A single-threaded
 * loop demands one core.
 */
export function isBusyLoop(argv: string[]): boolean {
  const text = argv.join(" ");
  const loop = /\bwhile\s*\(?\s*(\$true|true|1|:)\b|\bfor\s*\(\s*;\s*;\s*\)/i.test(text);
  const waits = /\b(Start-Sleep|sleep|ping|timeout|Wait-Event|Wait-Job|Read-Host|tail|nc|httpd|Get-Content)\b/i.test(text);
  return loop && !waits;
}

/** An idle container's CPU: a few millicores of runtime bookkeeping. Only "above zero" is relied on, not the figure. */
const IDLE_MILLICORES = 2;
/**
 * Working set of an idle container: a Windows Server Core/Nano Server container's own processes, or a small Linux
 * process. Not a measured figure; what is relied on is only that it is above zero and under any limit.
 */
const idleWorkingSet = (os: string) => (os === "windows" ? 48 * MiB : 4 * MiB);
/** The node's own processes (OS, kubelet, containerd): likewise not measured; only "node figures above its pods'". */
const systemWorkingSet = (os: string) => (os === "windows" ? 1400 * MiB : 600 * MiB);
const SYSTEM_MILLICORES = 60;
/** The limit's share a busy container is measured at: Windows job objects cap the CPU rate at the limit. */
const CAPPED_SHARE = 0.97;

interface Usage {
  nanoCores: number;
  coreNanoSeconds: number;
  workingSetBytes: number;
}

function containerUsage(r: PodRecord, c: ContainerRecord, node: StatsNode, o: StatsOptions): Usage | undefined {
  if (c.state.kind !== "running" || !c.view) return undefined;
  const busy = isBusyLoop(effectiveArgv(c.view));
  let millicores = busy ? Math.min(1000, node.cpuMillis) : IDLE_MILLICORES;
  const limit = c.view.limits.cpuMillis;
  if (busy && limit !== undefined && !o.limitIgnored(r)) millicores = Math.min(millicores, limit * CAPPED_SHARE);
  const seconds = Math.max(1, (o.now - Date.parse(c.state.startedAt)) / 1000);
  const nanoCores = Math.round(millicores * 1e6);
  let workingSetBytes = idleWorkingSet(c.view.os);
  if (c.view.limits.memoryBytes !== undefined) workingSetBytes = Math.min(workingSetBytes, Math.floor(c.view.limits.memoryBytes * 0.9));
  return { nanoCores, coreNanoSeconds: Math.round(nanoCores * seconds), workingSetBytes };
}

const cpu = (time: string, u: Pick<Usage, "nanoCores" | "coreNanoSeconds">) => ({ time, usageNanoCores: u.nanoCores, usageCoreNanoSeconds: u.coreNanoSeconds });

export function statsSummary(node: StatsNode, pods: PodRecord[], o: StatsOptions) {
  const time = new Date(o.now).toISOString();
  const fsCapacity = 100 * 1024 * MiB;
  const podStats = pods
    .filter((r) => r.node.name === node.name && !r.gone && r.phase === "Running")
    .map((r) => {
      const containers = r.containers.flatMap((c) => {
        const u = containerUsage(r, c, node, o);
        if (!u || c.state.kind !== "running") return [];
        return [
          {
            name: c.spec.name,
            startTime: c.state.startedAt,
            cpu: cpu(time, u),
            memory: { time, workingSetBytes: u.workingSetBytes, usageBytes: u.workingSetBytes },
            rootfs: { time, availableBytes: fsCapacity / 2, capacityBytes: fsCapacity, usedBytes: 4096 },
            logs: { time, availableBytes: fsCapacity / 2, capacityBytes: fsCapacity, usedBytes: 4096 },
          },
        ];
      });
      const sum = (f: (c: (typeof containers)[number]) => number) => containers.reduce((a, c) => a + f(c), 0);
      return {
        podRef: { name: r.ref.name, namespace: r.ref.namespace, uid: r.pod.metadata?.uid ?? "" },
        startTime: r.startTime ?? time,
        containers,
        cpu: cpu(time, { nanoCores: sum((c) => c.cpu.usageNanoCores), coreNanoSeconds: sum((c) => c.cpu.usageCoreNanoSeconds) }),
        memory: { time, workingSetBytes: sum((c) => c.memory.workingSetBytes), usageBytes: sum((c) => c.memory.usageBytes) },
      };
    });
  const podNano = podStats.reduce((a, p) => a + p.cpu.usageNanoCores, 0);
  const podWs = podStats.reduce((a, p) => a + p.memory.workingSetBytes, 0);
  const nodeSeconds = Math.max(1, (o.now - Date.parse(node.startTime)) / 1000);
  const nodeNano = Math.min(node.cpuMillis * 1e6, podNano + SYSTEM_MILLICORES * 1e6);
  const nodeWs = Math.min(node.memoryBytes, podWs + systemWorkingSet(node.os));
  return {
    node: {
      nodeName: node.name,
      startTime: node.startTime,
      cpu: cpu(time, { nanoCores: nodeNano, coreNanoSeconds: Math.round(nodeNano * nodeSeconds) }),
      memory: { time, availableBytes: node.memoryBytes - nodeWs, usageBytes: nodeWs, workingSetBytes: nodeWs },
      fs: { time, availableBytes: fsCapacity / 2, capacityBytes: fsCapacity, usedBytes: fsCapacity / 2 },
    },
    pods: podStats,
  };
}

/** The kubelet's /configz: the reservations that make its allocatable memory what the Node object says. */
export function kubeletConfigz(os: string, r: MemoryReservations, cpuReservedMillis: number, maxPods: number) {
  return {
    kubeletconfig: {
      kind: "KubeletConfiguration",
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      maxPods,
      kubeReserved: { cpu: `${cpuReservedMillis}m`, memory: `${r.kubeReservedMi}Mi` },
      systemReserved: r.systemReservedMi ? { memory: `${r.systemReservedMi}Mi` } : {},
      evictionHard: { "memory.available": `${r.evictionHardMi}Mi`, "nodefs.available": "10%", "imagefs.available": "15%" },
      enforceNodeAllocatable: os === "windows" ? ["none"] : ["pods"],
      cgroupDriver: os === "windows" ? undefined : "systemd",
    },
  };
}
