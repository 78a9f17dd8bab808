// The kubelet's stats summary, read as upstream's e2e framework reads it (test/e2e/framework/kubelet
// GetStatsSummary): GET /api/v1/nodes/<node>/proxy/stats/summary, through the API server's node proxy. The fields
// are k8s.io/kubelet pkg/apis/stats/v1alpha1's; only those the checks read are typed.
import type * as k8s from "@kubernetes/client-node";

export interface CpuStats {
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}
export interface MemoryStats {
  workingSetBytes?: number;
}
export interface PodStats {
  podRef: { name: string; namespace: string };
  cpu?: CpuStats;
  memory?: MemoryStats;
  containers?: { name: string; cpu?: CpuStats; memory?: MemoryStats; logs?: { availableBytes?: number } }[];
}
export interface StatsSummary {
  node: { nodeName: string; cpu?: CpuStats; memory?: MemoryStats };
  pods?: PodStats[];
}

/** Why the node proxy cannot be used by this user, when the API server refuses it for RBAC (403); else undefined. */
export function nodeProxyForbidden(e: unknown, node: string): string | undefined {
  const code = (e as { code?: number; statusCode?: number })?.code ?? (e as { statusCode?: number })?.statusCode;
  if (code !== 403) return undefined;
  return `the API server's node proxy is forbidden to this user (RBAC: get nodes/proxy is not granted; node ${node}): the kubelet's stats summary cannot be read`;
}

/** One line for a failed read: the HTTP status and the kubelet's or API server's own message. */
export function statsReadFailure(e: unknown, node: string): string {
  const err = e as { code?: number; body?: unknown; message?: string };
  const body = typeof err.body === "string" ? err.body : err.body ? JSON.stringify(err.body) : "";
  const message = (() => {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body || err.message || String(e);
    }
  })();
  return `GET /api/v1/nodes/${node}/proxy/stats/summary failed${err.code ? ` (HTTP ${err.code})` : ""}: ${message.trim().split("\n")[0]}`;
}

export async function readStatsSummary(core: k8s.CoreV1Api, node: string): Promise<{ summary: StatsSummary; ms: number }> {
  const t0 = Date.now();
  // client-node hands a JSON body back parsed, though typed as a string.
  const raw: unknown = await core.connectGetNodeProxyWithPath({ name: node, path: "stats/summary" });
  const summary = (typeof raw === "string" ? JSON.parse(raw) : raw) as StatsSummary;
  return { summary, ms: Date.now() - t0 };
}

/** What is wrong with the summary's figures for `pods` (by name, in `namespace`): missing, or CPU/memory/log stats not above zero. */
export function podStatsProblems(summary: StatsSummary, node: string, namespace: string, pods: string[]): string[] {
  const listed = new Map((summary.pods ?? []).filter((p) => p.podRef.namespace === namespace).map((p) => [p.podRef.name, p]));
  const problems: string[] = [];
  const missing = pods.filter((p) => !listed.has(p));
  if (missing.length)
    problems.push(
      `node ${node}'s stats summary lists ${pods.length - missing.length} of the ${pods.length} pods: missing ${missing.map((p) => `${namespace}/${p}`).join(", ")}`,
    );
  for (const name of pods) {
    const p = listed.get(name);
    if (!p) continue;
    if (!((p.cpu?.usageCoreNanoSeconds ?? 0) > 0))
      problems.push(`pod ${namespace}/${name} on ${node}: CPU usage ${p.cpu?.usageCoreNanoSeconds ?? "missing"}, not above zero`);
    if (!((p.memory?.workingSetBytes ?? 0) > 0))
      problems.push(`pod ${namespace}/${name} on ${node}: memory working set ${p.memory?.workingSetBytes ?? "missing"}, not above zero`);
    for (const c of p.containers ?? [])
      if (!((c.logs?.availableBytes ?? 0) > 0))
        problems.push(`pod ${namespace}/${name} container ${c.name} on ${node}: no log stats (logs.availableBytes ${c.logs?.availableBytes ?? "missing"})`);
  }
  return problems;
}

/** Upstream cpu_limits.go fails a pod measured more than 8% over its CPU limit ("doesn't exceed limit by >8%"). */
export const CPU_LIMIT_TOLERANCE = 1.08;

/** The pod's CPU use from the summary, or why it cannot be judged yet (not listed, no usage sampled). */
export function podCpuCores(summary: StatsSummary, namespace: string, pod: string): { cores: number } | { pending: string } {
  const p = (summary.pods ?? []).find((x) => x.podRef.namespace === namespace && x.podRef.name === pod);
  if (!p) return { pending: `the stats summary does not list pod ${namespace}/${pod} yet` };
  if (p.cpu?.usageNanoCores === undefined) return { pending: `no CPU usage sampled for pod ${namespace}/${pod} yet` };
  return { cores: p.cpu.usageNanoCores / 1e9 };
}

/** What is wrong with a busy pod's measured CPU under its limit: nothing measured, or over the limit by more than 8%. */
export function cpuLimitProblems(node: string, namespace: string, pod: string, cores: number, limitCores: number): string[] {
  if (!(cores > 0)) return [`pod ${namespace}/${pod} on ${node}: CPU usage ${cores}, not above zero (the busy loop is not measured)`];
  if (cores > limitCores * CPU_LIMIT_TOLERANCE)
    return [`pod ${namespace}/${pod} on ${node} uses ${cores.toFixed(3)} CPU, over its limit of ${limitCores} by more than 8%: the CPU limit is not enforced`];
  return [];
}
