// Does admission add tolerations to a pod? Some platforms do (GKE is reported to add its Windows toleration to pods
// that select kubernetes.io/os=windows). Found out the honest way: a dry-run create of the pod, read back.
// Nothing is persisted.
import type * as k8s from "@kubernetes/client-node";

/** The API server's own DefaultTolerationSeconds plugin adds these to every pod; they say nothing about a webhook. */
const DEFAULT_TOLERATION_KEYS = new Set(["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]);

const id = (t: k8s.V1Toleration) => JSON.stringify([t.key ?? "", t.operator ?? "Equal", t.value ?? "", t.effect ?? ""]);

/** Tolerations present after admission that the pod did not ask for (besides the API server's defaults). */
export function addedTolerations(sent: k8s.V1Pod, admitted: k8s.V1Pod): k8s.V1Toleration[] {
  const asked = new Set((sent.spec?.tolerations ?? []).map(id));
  return (admitted.spec?.tolerations ?? []).filter((t) => !asked.has(id(t)) && !DEFAULT_TOLERATION_KEYS.has(t.key ?? ""));
}

export async function tolerationsAddedByAdmission(core: k8s.CoreV1Api, pod: k8s.V1Pod): Promise<k8s.V1Toleration[]> {
  const admitted = await core.createNamespacedPod({ namespace: pod.metadata!.namespace!, body: pod, dryRun: "All" });
  return addedTolerations(pod, admitted);
}

export const tolerationText = (t: k8s.V1Toleration) => `${t.key ?? "*"}${t.operator === "Exists" ? "" : `=${t.value ?? ""}`}:${t.effect ?? "*"}`;
