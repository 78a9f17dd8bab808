// Scheduling checks, as pure functions over what the API reported: where pods landed, what the scheduler said
// when it refused them, and what a kubelet did with a pod it must reject. Each returns its problems, one line
// each, naming the pod, the node and the event or reason.
import type * as k8s from "@kubernetes/client-node";
import type { NodeInfo } from "../preflight/types.js";
import { compatible, imageBuild, normaliseBuild, supportedBuilds } from "../fixtures/images.js";
import { cpuMillis, bytes, formatBytes, formatMillis } from "./quantity.js";
import { isLinuxWorker } from "../preflight/taints.js";

type Taint = NodeInfo["taints"][number];

export const taintText = (t: Taint) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
const podName = (p: k8s.V1Pod) => `${p.metadata?.namespace ? `${p.metadata.namespace}/` : ""}${p.metadata?.name ?? "<unnamed>"}`;
const nodeText = (n: NodeInfo) => `node ${n.name} (${n.os}${n.build ? ` ${n.build}` : ""})`;
const blocking = (n: NodeInfo) => n.taints.filter((t) => t.effect === "NoSchedule" || t.effect === "NoExecute");

/** "Windows Server 2022 (10.0.20348)", or the bare build when it is not a supported one. */
export function buildName(build: string): string {
  const b = normaliseBuild(build);
  return supportedBuilds[b] ? `${supportedBuilds[b]} (${b})` : b;
}

/**
 * A pod meant for Windows (optionally one build) against the node it was bound to: the node's OS and build, and
 * whether each container image can run process-isolated on that build.
 */
export function placementProblems(pod: k8s.V1Pod, node: NodeInfo | undefined, want: { os: string; build?: string }): string[] {
  const name = `pod ${podName(pod)}`;
  if (!pod.spec?.nodeName) return [`${name} is not scheduled`];
  if (!node) return [`${name} is bound to node ${pod.spec.nodeName}, which preflight did not see`];
  if (node.name !== pod.spec.nodeName) return [`${name} is bound to node ${pod.spec.nodeName}, not ${node.name}`];
  const problems: string[] = [];
  if (node.os !== want.os) problems.push(`${name} landed on ${nodeText(node)}, not on a ${want.os} node`);
  if (want.build && normaliseBuild(node.build ?? "") !== normaliseBuild(want.build))
    problems.push(`${name} selects Windows build ${want.build} but landed on ${nodeText(node)}`);
  for (const c of pod.spec.containers ?? []) {
    const b = c.image ? imageBuild(c.image) : undefined;
    if (b && node.build && !compatible(b, node.build))
      problems.push(`${name} container ${c.name} runs image ${c.image} (made for ${b}), which cannot run process-isolated on ${nodeText(node)}`);
  }
  return problems;
}

/** Pods that carry no Windows selector or toleration and nevertheless landed on a Windows node. */
export function windowsLandings(pods: k8s.V1Pod[], nodes: NodeInfo[]): string[] {
  return pods.flatMap((p) => {
    const n = nodes.find((x) => x.name === p.spec?.nodeName);
    if (!p.spec?.nodeName) return [`pod ${podName(p)} is not scheduled`];
    if (!n || n.os !== "windows") return [];
    const taints = blocking(n).map(taintText);
    return [
      `pod ${podName(p)} (no nodeSelector, no toleration) was scheduled onto Windows ${nodeText(n)}, which carries ${taints.length ? `taints ${taints.join(", ")}` : "no NoSchedule taint"}`,
    ];
  });
}

/** Nodes → how many of the pods landed on each, e.g. "hc-linux-1: 3, hc-linux-2: 3". */
export function spread(pods: k8s.V1Pod[]): string {
  const by = new Map<string, number>();
  for (const p of pods) by.set(p.spec?.nodeName ?? "(unscheduled)", (by.get(p.spec?.nodeName ?? "(unscheduled)") ?? 0) + 1);
  return [...by]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([n, c]) => `${n}: ${c}`)
    .join(", ");
}

/**
 * A Windows pod without the toleration must be refused, and the harness must be able to say which taint kept it
 * out (the 1.3x scheduler only says "untolerated taint(s)"): every Windows taint appears in the explanation.
 */
export function taintNamingProblems(pod: string, explained: string, windowsTaints: Taint[]): string[] {
  if (!windowsTaints.length)
    return [`pod ${pod} was refused, but preflight found no NoSchedule/NoExecute taint on the Windows nodes to name; the scheduler said: ${explained}`];
  if (!/taint/i.test(explained)) return [`pod ${pod}: FailedScheduling does not blame a taint: ${explained}`];
  return windowsTaints
    .filter((t) => !explained.includes(taintText(t)))
    .map((t) => `pod ${pod}: the FailedScheduling explanation does not name taint ${taintText(t)}: ${explained}`);
}

/** The scheduler's message for a pod asking for more than any node has must say "Insufficient <resource>". */
export function insufficientProblems(pod: string, message: string, resources: string[] = ["cpu", "memory"]): string[] {
  return resources
    .filter((r) => !new RegExp(`Insufficient ${r}\\b`).test(message))
    .map((r) => `pod ${pod}: FailedScheduling does not report "Insufficient ${r}": ${message}`);
}

/** Requests just beyond the largest allocatable among `nodes` (1 CPU and 1 GiB more). */
export function beyondAllocatable(nodes: NodeInfo[]): { cpu: string; memory: string; largest: string } {
  if (!nodes.length) throw new Error("no nodes to size the request against");
  const cpu = Math.max(...nodes.map((n) => cpuMillis(n.allocatable.cpu ?? "0")));
  const mem = Math.max(...nodes.map((n) => bytes(n.allocatable.memory ?? "0")));
  const where = (f: (n: NodeInfo) => number, v: number) =>
    nodes
      .filter((n) => f(n) === v)
      .map((n) => n.name)
      .join(", ");
  return {
    cpu: formatMillis(cpu + 1000),
    memory: formatBytes(mem + 2 ** 30),
    largest: `${formatMillis(cpu)} CPU (${where((n) => cpuMillis(n.allocatable.cpu ?? "0"), cpu)}), ${formatBytes(mem)} memory (${where((n) => bytes(n.allocatable.memory ?? "0"), mem)})`,
  };
}

/**
 * A pod with spec.os.name=windows bound by nodeName to a Linux node: the node's kubelet must refuse it at
 * admission (phase Failed, reason PodOSNotSupported, an event saying so) and start none of its containers.
 */
export function osRejectionProblems(pod: k8s.V1Pod, events: k8s.CoreV1Event[]): string[] {
  const name = `pod ${podName(pod)}`;
  const node = pod.spec?.nodeName ?? "(none)";
  const problems: string[] = [];
  const s = pod.status ?? {};
  if (s.phase !== "Failed")
    problems.push(`${name} on node ${node} is ${s.phase ?? "without a phase"}, not Failed: the kubelet admitted a Windows pod on a Linux node`);
  else if (s.reason !== "PodOSNotSupported")
    problems.push(`${name} on node ${node} failed with reason ${s.reason ?? "(none)"}${s.message ? ` (${s.message})` : ""}, want PodOSNotSupported`);
  for (const c of s.containerStatuses ?? []) {
    if (c.containerID || c.state?.running || c.state?.terminated)
      problems.push(`${name}: container ${c.name} was created on Linux node ${node} (${c.containerID ?? Object.keys(c.state ?? {})[0]})`);
  }
  if (!events.some((e) => e.reason === "PodOSNotSupported")) {
    problems.push(`${name}: no PodOSNotSupported event from node ${node} (events: ${events.map((e) => `${e.reason}: ${e.message}`).join(" | ") || "none"})`);
  }
  return problems;
}

/** A Ready Linux worker (not control plane, no NoExecute or drain taint) to bind a pod to, preferring untainted ones. */
export function linuxWorker(nodes: NodeInfo[]): NodeInfo | undefined {
  const workers = nodes.filter(isLinuxWorker);
  return workers.find((n) => !blocking(n).length) ?? workers[0];
}

/** Why no Linux worker qualifies, naming each Linux node and what rules it out. */
export function noLinuxWorker(nodes: NodeInfo[]): string {
  const linux = nodes.filter((n) => n.os === "linux");
  if (!linux.length) return "the cluster has no Linux nodes";
  return `no Ready Linux worker node: ${linux.map((n) => `${n.name} (${n.controlPlane ? "control plane" : n.ready ? `taints ${n.taints.map(taintText).join(", ")}` : "NotReady"})`).join(", ")}`;
}

/**
 * How the rolling-update strategy bounds a rollout of `replicas`: surge rounds up, unavailability rounds down
 * (Kubernetes' rule), with the 25%/25% defaults.
 */
export function rollingBounds(replicas: number, strategy?: k8s.V1DeploymentStrategy): { maxSurge: number; maxUnavailable: number } {
  const resolve = (v: number | string | undefined, dflt: string, up: boolean) => {
    const x = v ?? dflt;
    if (typeof x === "number") return x;
    const m = /^(\d+)%$/.exec(x);
    if (!m) return Number(x);
    const f = (Number(m[1]) * replicas) / 100;
    return up ? Math.ceil(f) : Math.floor(f);
  };
  const ru = strategy?.rollingUpdate;
  let maxSurge = resolve(ru?.maxSurge, "25%", true);
  const maxUnavailable = resolve(ru?.maxUnavailable, "25%", false);
  if (maxSurge === 0 && maxUnavailable === 0) maxSurge = 1;
  return { maxSurge, maxUnavailable };
}

/** Builds of the cluster's Windows nodes (Ready or not), sorted: what a per-build test covers. */
export function windowsBuildsPresent(nodes: NodeInfo[]): string[] {
  return [...new Set(nodes.filter((n) => n.os === "windows" && n.build).map((n) => normaliseBuild(n.build!)))].sort();
}
