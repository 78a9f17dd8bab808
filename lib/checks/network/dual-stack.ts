// IPv4/IPv6 dual-stack: whether the cluster serves dual-stack Services, asked of the API server itself (never
// guessed from node addresses or a flag), and where a dual-stack Service's two ClusterIPs and a node's two
// addresses are. Kubernetes docs, "IPv4/IPv6 dual-stack": a Service with ipFamilyPolicy RequireDualStack gets a
// ClusterIP of each family, and the API server refuses one when it has a single service range.
import type * as k8s from "@kubernetes/client-node";
import { record } from "../../cluster/recorder.js";
import { statusCodeOf, serverMessage } from "../../cluster/errors.js";
import { withRetry } from "../../cluster/api.js";

export const isIPv6 = (address: string): boolean => address.includes(":");

/** The probe Service: RequireDualStack, nothing else the API server could refuse. */
function probeService(): k8s.V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "hc-dual-stack-probe" },
    spec: { ipFamilyPolicy: "RequireDualStack", ports: [{ port: 80 }] },
  };
}

/**
 * Why the cluster is not dual-stack, or undefined when it is: a dry-run create of a RequireDualStack Service, which
 * the API server refuses (422, on spec.ipFamilyPolicy) unless it has an IPv4 and an IPv6 service range. Any other
 * answer (no RBAC, the server down) is not a fact about dual-stack and is thrown, so the check fails saying so.
 */
export async function notDualStack(core: k8s.CoreV1Api, namespace: string): Promise<string | undefined> {
  const body = probeService();
  record({ op: "dry-run", obj: { ...body, metadata: { ...body.metadata, namespace } } });
  try {
    await withRetry("dry-run create a RequireDualStack Service", () => core.createNamespacedService({ namespace, body, dryRun: "All" }));
    return undefined;
  } catch (e) {
    const message = serverMessage(e);
    if (statusCodeOf(e) === 422 && /ipFamil/i.test(message))
      return `the cluster is not dual-stack: the API server refused a RequireDualStack Service (${message})`;
    throw e;
  }
}

/** The Service's ClusterIP of `family`, or what is wrong (one line). */
export function clusterIPOf(svc: k8s.V1Service, family: "IPv4" | "IPv6"): { ip: string } | string {
  const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
  const ip = ips.find((x) => isIPv6(x) === (family === "IPv6"));
  if (ip) return { ip };
  return `Service ${svc.metadata?.name} has clusterIPs [${ips.join(", ")}] (ipFamilies ${(svc.spec?.ipFamilies ?? []).join(", ") || "none"}): no ${family} ClusterIP`;
}

/** A node's InternalIP of each family, or what is missing (one line). */
export function nodeIPsByFamily(node: k8s.V1Node): { v4: string; v6: string } | string {
  const internal = (node.status?.addresses ?? []).filter((a) => a.type === "InternalIP").map((a) => a.address);
  const v4 = internal.find((ip) => !isIPv6(ip));
  const v6 = internal.find(isIPv6);
  if (v4 && v6) return { v4, v6 };
  return `node ${node.metadata?.name} reports InternalIP(s) [${internal.join(", ")}]: no ${v4 ? "IPv6" : "IPv4"} address to reach the NodePort on`;
}
