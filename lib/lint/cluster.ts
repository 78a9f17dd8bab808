// With --kubeconfig: what the cluster really is (Windows nodes, their builds and taints, RuntimeClasses), and the
// API server's own verdict on every object through a server-side dry run. Nothing is ever written: every request
// is a read or carries dryRun=All.
import * as k8s from "@kubernetes/client-node";
import { fieldManager, statusOf } from "../cluster/api.js";
import { apiFailure } from "../preflight/discover.js";
import type { ClusterFacts } from "./checks.js";
import { finding, settleExtra, type Finding } from "./engine.js";
import type { RuleId } from "./rules.js";
import type { SourceObject } from "./source.js";

export async function clusterFacts(kc: k8s.KubeConfig): Promise<ClusterFacts> {
  const server = kc.getCurrentCluster()!.server;
  const nodes = await kc
    .makeApiClient(k8s.CoreV1Api)
    .listNode()
    .catch((e) => {
      throw apiFailure(server, e, "listing nodes");
    });
  const rcs = await kc
    .makeApiClient(k8s.NodeV1Api)
    .listRuntimeClass()
    .catch((e) => {
      throw apiFailure(server, e, "listing RuntimeClasses");
    });
  return {
    nodes: nodes.items.map((n) => {
      const labels = n.metadata?.labels ?? {};
      return {
        name: n.metadata?.name ?? "",
        os: labels["kubernetes.io/os"] ?? n.status?.nodeInfo?.operatingSystem ?? "unknown",
        build: labels["node.kubernetes.io/windows-build"],
        ready: n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
        taints: (n.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
        labels,
      };
    }),
    runtimeClasses: rcs.items.map((rc) => ({
      name: rc.metadata?.name ?? "",
      nodeSelector: rc.scheduling?.nodeSelector ?? {},
      tolerations: (rc.scheduling?.tolerations ?? []) as Record<string, any>[],
    })),
  };
}

const CONCURRENCY = 8;

/**
 * Sends every object as a server-side apply with dryRun=All and reports what the API server refuses, one finding
 * per Status cause, at the field it names. A refusal of a field a static rule already reported is left out (the
 * server agrees); what the server could not check (missing namespace, unknown kind, no permission) is info.
 */
export async function dryRunFindings(
  kc: k8s.KubeConfig,
  sources: readonly SourceObject[],
  already: readonly Finding[],
  disable: readonly string[] = [],
): Promise<Finding[]> {
  const server = kc.getCurrentCluster()!.server;
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const seen = new Set(already.filter((f) => f.severity === "error").map((f) => `${f.object} ${f.path}`));
  const results: Finding[][] = new Array(sources.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < sources.length; i = next++) {
      const src = sources[i];
      const raw: Finding[] = [];
      const say = (rule: RuleId, path: string, message: string, fix: string) => {
        const f = finding(src, rule, path, message, fix);
        if (!(rule === "dry-run-refused" && seen.has(`${f.object} ${f.path}`))) raw.push(f);
      };
      try {
        const obj = structuredClone(src.obj) as k8s.KubernetesObject;
        if (obj.metadata?.name) await api.patch(obj, undefined, "All", fieldManager, true, k8s.PatchStrategy.ServerSideApply);
        else await api.create(obj, undefined, "All", fieldManager);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (typeof code !== "number") {
          // client-node's own discovery error for a kind the server does not serve
          const msg = (e as Error).message ?? String(e);
          if (/resource|kind|version/i.test(msg) && !/ECONN|fetch failed|ENOTFOUND|ETIMEDOUT|certificate/i.test(msg)) {
            say(
              "dry-run-skipped",
              "",
              `the API server does not serve ${src.obj.apiVersion} ${src.obj.kind}: ${msg.split("\n")[0]}`,
              "install the CRD first, or ignore",
            );
          } else throw apiFailure(server, e, `dry-running ${src.obj.kind}/${src.obj.metadata?.name ?? ""}`);
        } else {
          const status = statusOf(e);
          const message = status?.message ?? `HTTP ${code}`;
          const rbac = code === 403 && /\bcannot \w+ resource\b/.test(message);
          if (code === 401 || code >= 500) throw apiFailure(server, e, `dry-running ${src.obj.kind}/${src.obj.metadata?.name ?? ""}`);
          if (code === 404 || rbac) {
            say(
              "dry-run-skipped",
              "",
              `the API server could not check it: ${message}`,
              code === 404 ? "create the namespace (or CRD) first, or ignore" : "use credentials allowed to create it, or ignore",
            );
          } else if (status?.details?.causes?.length) {
            for (const c of status.details.causes) say("dry-run-refused", c.field ?? "", c.message ?? message, "change the field as the API server says");
          } else {
            say("dry-run-refused", "", message, "change the object as the API server says");
          }
        }
      }
      results[i] = settleExtra(src, raw, disable);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, sources.length) }, worker));
  return results.flat();
}
