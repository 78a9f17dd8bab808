// cluster-autoscaler for the pools a profile marks autoscaled: a pod the scheduler left Unschedulable that one
// of those pools' nodes would take makes the pool grow by one node, with the `TriggeredScaleUp` event
// cluster-autoscaler writes on the pod; the node registers after the provisioning time (timing.ts) and kwok
// makes it Ready. A pool that already has a node on its way is not grown again (cluster-autoscaler counts
// upcoming nodes). Pools never shrink here.
import * as k8s from "@kubernetes/client-node";
import type { AutoscaledPoolConfig } from "./config.js";
import { recordControllerEvent } from "./events.js";

interface PoolState extends AutoscaledPoolConfig {
  upcoming: boolean;
}

/** Whether `pod` could run on `node` as far as placement goes: nodeSelector, required node affinity, taints. Pure. */
export function podFitsNode(pod: k8s.V1Pod, node: k8s.V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms?.length && !terms.some((t) => (t.matchExpressions ?? []).every((e) => matches(e, labels)))) return false;
  const tolerations = pod.spec?.tolerations ?? [];
  return (node.spec?.taints ?? []).filter((t) => t.effect !== "PreferNoSchedule").every((t) => tolerations.some((x) => tolerates(x, t)));
}

function matches(e: k8s.V1NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const v = labels[e.key];
  switch (e.operator) {
    case "In":
      return v !== undefined && (e.values ?? []).includes(v);
    case "NotIn":
      return v === undefined || !(e.values ?? []).includes(v);
    case "Exists":
      return v !== undefined;
    case "DoesNotExist":
      return v === undefined;
    default:
      return false; // Gt/Lt: not used by any layout here
  }
}

function tolerates(x: k8s.V1Toleration, t: k8s.V1Taint): boolean {
  if (x.effect && x.effect !== t.effect) return false;
  if (x.operator === "Exists") return !x.key || x.key === t.key;
  return x.key === t.key && (x.value ?? "") === (t.value ?? "");
}

const unschedulable = (p: k8s.V1Pod) =>
  !p.spec?.nodeName &&
  !p.metadata?.deletionTimestamp &&
  !!p.status?.conditions?.some((c) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable");

export class ClusterAutoscaler {
  private readonly pools: PoolState[];
  private readonly core: k8s.CoreV1Api;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    kc: k8s.KubeConfig,
    pools: AutoscaledPoolConfig[],
    private readonly registered: (name: string) => boolean,
    private readonly provisionMs: number,
    private readonly log: (l: string) => void,
  ) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.pools = pools.map((p) => ({ ...p, upcoming: false }));
  }

  get active(): boolean {
    return this.pools.length > 0;
  }

  /** Informer add/update of a pod. */
  onPod(pod: k8s.V1Pod): void {
    if (!unschedulable(pod)) return;
    for (const pool of this.pools) {
      if (pool.upcoming) continue;
      const size = pool.nodes.filter((n) => this.registered(n.metadata!.name!)).length;
      const next = pool.nodes.find((n) => !this.registered(n.metadata!.name!));
      if (!next || size >= pool.max || !podFitsNode(pod, next)) continue;
      pool.upcoming = true;
      void this.scaleUp(pool, next, size, pod);
      return;
    }
  }

  private async scaleUp(pool: PoolState, node: k8s.V1Node, size: number, pod: k8s.V1Pod): Promise<void> {
    // cluster-autoscaler's own event text (core/scaleup/orchestrator: "pod triggered scale-up: [{group old->new (max: N)}]").
    await this.event(pod, "TriggeredScaleUp", `pod triggered scale-up: [{${pool.pool} ${size}->${size + 1} (max: ${pool.max})}]`);
    this.log(
      `autoscaler: pool ${pool.pool} ${size}->${size + 1} for pod ${pod.metadata?.namespace}/${pod.metadata?.name}; node ${node.metadata?.name} in ${this.provisionMs} ms`,
    );
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.core
        .createNode({ body: node })
        .catch((e) => this.log(`autoscaler: node ${node.metadata?.name} not created: ${(e as Error).message.split("\n")[0]}`))
        .finally(() => (pool.upcoming = false));
    }, this.provisionMs);
    this.timers.add(t);
  }

  private event(pod: k8s.V1Pod, reason: string, message: string): Promise<void> {
    return recordControllerEvent(this.core, "cluster-autoscaler", { ...pod, kind: "Pod" }, "Normal", reason, message, this.log);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
  }
}
