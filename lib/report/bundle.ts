// The failure bundle attached to a failed test: what was applied, what the namespace's events say, each
// pod described (kubectl-describe style) and as the API sees it, current and previous container logs, and the involved nodes' conditions.
// Everything goes through redaction.
import * as k8s from "@kubernetes/client-node";
import { toYaml } from "./yaml.js";
import { redactObject, redactText } from "./redact.js";
import { describePod, isoTime } from "./describe.js";

export async function failureBundle(kc: k8s.KubeConfig, ns: string, applied: k8s.KubernetesObject[]): Promise<Record<string, string>> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const out: Record<string, string> = {};
  out["manifests-applied.yaml"] = applied.map((o) => toYaml(redactObject(o))).join("---\n") || "# nothing applied\n";

  const events = (await core.listNamespacedEvent({ namespace: ns }).catch(() => ({ items: [] as k8s.CoreV1Event[] }))).items.sort(
    (a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion),
  );
  out["events.txt"] =
    events
      .map(
        (e) =>
          `${isoTime(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp, "")}  ${e.type}  ${e.reason}${(e.count ?? 0) > 1 ? ` (x${e.count})` : ""}  ${e.involvedObject.kind}/${e.involvedObject.name}${e.source?.host ? ` (node ${e.source.host})` : ""}: ${redactText(e.message ?? "")}`,
      )
      .join("\n") || "no events";

  const pods = (await core.listNamespacedPod({ namespace: ns }).catch(() => ({ items: [] as k8s.V1Pod[] }))).items;
  out["pods-describe.txt"] = pods.map((p) => describePod(p, events)).join("\n\n") || "no pods";
  out["pods.yaml"] = pods.map((p) => toYaml(redactObject({ ...p, metadata: { ...p.metadata, managedFields: undefined } }))).join("---\n") || "# no pods\n";

  const logs: string[] = [];
  for (const p of pods) {
    for (const c of [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])]) {
      const status = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].find((s) => s.name === c.name);
      for (const previous of status?.restartCount ? [false, true] : [false]) {
        const text = await core
          .readNamespacedPodLog({ name: p.metadata!.name!, namespace: ns, container: c.name, previous, tailLines: 200 })
          .catch((e) => `(no logs: ${(e as Error).message.split("\n")[0]})`);
        logs.push(`===== ${p.metadata!.name}/${c.name}${previous ? " (previous)" : ""} =====\n${redactText(String(text))}`);
      }
    }
  }
  out["container-logs.txt"] = logs.join("\n") || "no containers";

  const nodeNames = [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))];
  const nodes: string[] = [];
  for (const name of nodeNames) {
    const n = await core.readNode({ name }).catch(() => undefined);
    if (!n) continue;
    nodes.push(
      `${name} (${n.metadata?.labels?.["kubernetes.io/os"]} ${n.metadata?.labels?.["node.kubernetes.io/windows-build"] ?? ""}) taints: ${(n.spec?.taints ?? []).map((t) => `${t.key}=${t.value ?? ""}:${t.effect}`).join(", ") || "none"}\n` +
        (n.status?.conditions ?? []).map((c) => `  ${c.type}=${c.status} ${c.reason ?? ""} ${c.message ?? ""}`).join("\n"),
    );
  }
  out["node-conditions.txt"] = nodes.join("\n") || "no pod was scheduled";
  return out;
}
