// Since Kubernetes 1.3x the scheduler says only "node(s) had untolerated taint(s)". A platform engineer needs
// to know WHICH taint: this works it out from the pod's selector and tolerations and the nodes' taints.
import * as k8s from "@kubernetes/client-node";

export function tolerates(tolerations: k8s.V1Toleration[], taint: k8s.V1Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

export function selectorMatches(pod: k8s.V1Pod, node: k8s.V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  return Object.entries(pod.spec?.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
}

export const taintText = (t: k8s.V1Taint) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;

/** Taints that keep the pod off the nodes its selector allows, e.g. ["os=windows:NoSchedule on hc-win2022-1, hc-win2022-2"]. */
export function untoleratedTaints(pod: k8s.V1Pod, nodes: k8s.V1Node[]): string[] {
  const byTaint = new Map<string, string[]>();
  for (const n of nodes.filter((n) => selectorMatches(pod, n))) {
    for (const t of n.spec?.taints ?? []) {
      if (t.effect === "PreferNoSchedule" || tolerates(pod.spec?.tolerations ?? [], t)) continue;
      const key = taintText(t);
      byTaint.set(key, [...(byTaint.get(key) ?? []), n.metadata!.name!]);
    }
  }
  return [...byTaint].map(([t, ns]) => `${t} on ${ns.join(", ")}`);
}

/** Nodes the pod's selector allows that are not Ready, with the kubelet's condition, e.g. "hc-win2022-1 (Ready=False KubeletNotReady: …)". */
export function notReadyNodes(pod: k8s.V1Pod, nodes: k8s.V1Node[]): string[] {
  return nodes
    .filter((n) => selectorMatches(pod, n))
    .flatMap((n) => {
      const c = n.status?.conditions?.find((x) => x.type === "Ready");
      if (c?.status === "True") return [];
      return [`${n.metadata!.name} (Ready=${c?.status ?? "Unknown"}${c?.reason ? ` ${c.reason}` : ""}${c?.message ? `: ${c.message}` : ""})`];
    });
}

/** Scheduler messages that give only counts ("3 node(s) were unschedulable"): the harness names the nodes. */
export const countsOnly = /untolerated taint|were unschedulable/;

/** Cordoned nodes (spec.unschedulable) the pod's selector allows. */
export function cordonedNodes(pod: k8s.V1Pod, nodes: k8s.V1Node[]): string[] {
  return nodes.filter((n) => n.spec?.unschedulable && selectorMatches(pod, n)).map((n) => n.metadata!.name!);
}

/** The scheduler's message plus the nodes behind its counts: which taints, which nodes cordoned or not Ready (read now). */
export async function explainUnschedulable(kc: k8s.KubeConfig, pod: k8s.V1Pod, message: string): Promise<string> {
  if (!countsOnly.test(message)) return message;
  try {
    const nodes = (await kc.makeApiClient(k8s.CoreV1Api).listNode()).items;
    const cordoned = cordonedNodes(pod, nodes);
    // A cordoned node carries node.kubernetes.io/unschedulable: it is named once, as cordoned.
    const taints = untoleratedTaints(
      pod,
      nodes.map((n) => ({ ...n, spec: { ...n.spec, taints: (n.spec?.taints ?? []).filter((t) => t.key !== "node.kubernetes.io/unschedulable") } })),
    );
    const down = notReadyNodes(pod, nodes);
    return `${message}${cordoned.length ? ` [unschedulable (cordoned): ${cordoned.join(", ")}]` : ""}${taints.length ? ` [untolerated: ${taints.join("; ")}]` : ""}${down.length ? ` [not Ready: ${down.join("; ")}]` : ""}`;
  } catch {
    return message;
  }
}
