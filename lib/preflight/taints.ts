// Which node taints mean what, in one place. A taint is one of:
//  - lifecycle: the node controller/kubelet sets it while a node is unhealthy or cordoned (upstream
//    pkg/apis/core/well_known_taints.go); the API server and DaemonSets tolerate some of them, and a conformance
//    run must never tolerate them on purpose — they are ignored when reading the pool's intent;
//  - drain: an autoscaler is removing the node (cluster-autoscaler, Karpenter); never tolerated, so nothing the
//    harness starts lands on a node about to disappear;
//  - control plane: kubeadm's/Cluster API's NoSchedule on control-plane nodes; Linux helper pods tolerate it, as
//    upstream's hybrid e2e Linux pods do, so a cluster whose only Linux node is the control plane can still be tested;
//  - anything else on a Windows node (os=windows, node.kubernetes.io/os=windows, sku=Windows, …) is a Windows
//    taint: the operator's way of keeping Linux workloads off, which Windows test pods must tolerate exactly.
import type { NodeInfo } from "./types.js";

export type Taint = { key: string; value?: string; effect: string };

/** Upstream's well-known lifecycle/eviction taints (k8s.io/api/core/v1 well_known_taints.go). */
export const LIFECYCLE_TAINT_KEYS: ReadonlySet<string> = new Set([
  "node.kubernetes.io/not-ready",
  "node.kubernetes.io/unreachable",
  "node.kubernetes.io/unschedulable",
  "node.kubernetes.io/memory-pressure",
  "node.kubernetes.io/disk-pressure",
  "node.kubernetes.io/pid-pressure",
  "node.kubernetes.io/network-unavailable",
  "node.kubernetes.io/out-of-service",
  "node.cloudprovider.kubernetes.io/uninitialized",
]);

/** Taints that say "this node is being removed": cluster-autoscaler's two and Karpenter's. */
export const DRAIN_TAINT_KEYS: ReadonlySet<string> = new Set([
  "ToBeDeletedByClusterAutoscaler",
  "DeletionCandidateOfClusterAutoscaler",
  "karpenter.sh/disrupted",
]);

export const CONTROL_PLANE_TAINT_KEYS: ReadonlySet<string> = new Set(["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"]);

export const taintText = (t: Taint) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
const blocking = (t: Taint) => t.effect === "NoSchedule" || t.effect === "NoExecute";
const isLifecycle = (t: Taint) => LIFECYCLE_TAINT_KEYS.has(t.key);
export const isDrain = (t: Taint) => DRAIN_TAINT_KEYS.has(t.key);

/** The taints an operator put on a node to keep workloads off (not lifecycle, not drain), NoSchedule/NoExecute only. */
export function intentTaints(n: NodeInfo): Taint[] {
  return n.taints.filter((t) => blocking(t) && !isLifecycle(t) && !isDrain(t));
}

function distinct(taints: Taint[]): Taint[] {
  const seen = new Map<string, Taint>();
  for (const t of taints) seen.set(taintText(t), t);
  return [...seen.values()];
}

/** What Windows test pods tolerate: exactly the intent taints of the Ready Windows nodes under test. */
export function windowsTaintsOf(nodes: NodeInfo[]): Taint[] {
  return distinct(nodes.filter((n) => n.os === "windows" && n.ready).flatMap(intentTaints));
}

/** What Linux helper pods tolerate: the control-plane taints of Ready Linux control-plane nodes (upstream's practice). */
export function linuxTaintsOf(nodes: NodeInfo[]): Taint[] {
  return distinct(
    nodes.filter((n) => n.os === "linux" && n.ready && n.controlPlane).flatMap((n) => intentTaints(n).filter((t) => CONTROL_PLANE_TAINT_KEYS.has(t.key))),
  );
}

/** The cluster fact behind a skip of a taint-dependent test, or undefined when every Windows node is tainted. */
export function untaintedWindowsPool(nodes: NodeInfo[]): string | undefined {
  const win = nodes.filter((n) => n.os === "windows" && n.ready);
  if (!win.length || win.some((n) => intentTaints(n).length)) return undefined;
  return `Windows nodes carry no taint: Linux workloads are kept off by nodeSelector only (${win.map((n) => n.name).join(", ")})`;
}

/** A Ready Linux node that is not control plane and carries no intent or drain taint (a Linux *worker*). */
export function isLinuxWorker(n: NodeInfo): boolean {
  return n.os === "linux" && n.ready && !n.controlPlane && !n.taints.some((t) => isDrain(t) || t.effect === "NoExecute");
}

/** Whether the layout has Linux workers at all (Ready or not): kubeadm's may have none but the control plane. */
export function hasLinuxWorkers(nodes: NodeInfo[]): boolean {
  return nodes.some((n) => n.os === "linux" && !n.controlPlane);
}
