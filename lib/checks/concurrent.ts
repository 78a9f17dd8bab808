// Pods started together on one node: every pod must hold a pod IP no other pod of the group holds.
import type * as k8s from "@kubernetes/client-node";

/** One line per IP held by more than one pod (or a pod without an IP), naming the pods and the node. */
export function duplicateIPProblems(ns: string, node: string, pods: k8s.V1Pod[]): string[] {
  const byIP = new Map<string, string[]>();
  const out: string[] = [];
  for (const p of pods) {
    const ip = p.status?.podIP;
    if (!ip) out.push(`pod ${ns}/${p.metadata!.name} on node ${node} has no pod IP`);
    else byIP.set(ip, [...(byIP.get(ip) ?? []), p.metadata!.name!]);
  }
  for (const [ip, names] of byIP)
    if (names.length > 1) out.push(`${names.length} pods on node ${node} share pod IP ${ip}: ${names.map((n) => `${ns}/${n}`).join(", ")}`);
  return out;
}
