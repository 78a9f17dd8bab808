// RBAC preflight: ask the API server (SelfSubjectAccessReview) whether we may do what the selected suites do.
import * as k8s from "@kubernetes/client-node";
import { UserFacingError } from "../errors.js";
import { apiFailure } from "./discover.js";

export interface Permission {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  namespaced?: boolean;
}

/** What every suite needs: its own namespaces and the workloads in them. */
export const basePermissions: Permission[] = [
  { verb: "list", resource: "nodes" },
  { verb: "create", resource: "namespaces" },
  { verb: "delete", resource: "namespaces" },
  { verb: "create", resource: "pods", namespaced: true },
  { verb: "delete", resource: "pods", namespaced: true },
  { verb: "create", resource: "pods", subresource: "exec", namespaced: true },
  { verb: "get", resource: "pods", subresource: "log", namespaced: true },
  { verb: "list", resource: "events", namespaced: true },
  { verb: "create", resource: "deployments", group: "apps", namespaced: true },
  { verb: "create", resource: "services", namespaced: true },
  { verb: "create", resource: "configmaps", namespaced: true },
  { verb: "create", resource: "secrets", namespaced: true },
  { verb: "list", resource: "endpointslices", group: "discovery.k8s.io", namespaced: true },
];

export const extendedPermissions: Permission[] = [
  { verb: "create", resource: "runtimeclasses", group: "node.k8s.io" },
  { verb: "delete", resource: "runtimeclasses", group: "node.k8s.io" },
  { verb: "create", resource: "gmsacredentialspecs", group: "windows.k8s.io" },
  { verb: "create", resource: "clusterroles", group: "rbac.authorization.k8s.io" },
  { verb: "create", resource: "rolebindings", group: "rbac.authorization.k8s.io", namespaced: true },
  { verb: "create", resource: "serviceaccounts", namespaced: true },
];

export async function assertAllowed(kc: k8s.KubeConfig, perms: Permission[]): Promise<void> {
  const api = kc.makeApiClient(k8s.AuthorizationV1Api);
  const server = kc.getCurrentCluster()!.server;
  const denied: string[] = [];
  await Promise.all(
    perms.map(async (p) => {
      const r = await api
        .createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { verb: p.verb, resource: p.resource, group: p.group ?? "", subresource: p.subresource, namespace: p.namespaced ? "hc-preflight" : undefined } } },
        })
        .catch((e) => {
          throw apiFailure(server, e, "checking permissions");
        });
      if (!r.status?.allowed) denied.push(`${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}${p.subresource ? `/${p.subresource}` : ""}`);
    }),
  );
  if (denied.length) throw new UserFacingError(`missing permissions for the selected suites: cannot ${denied.sort().join(", ")} (user ${kc.getCurrentUser()?.name ?? "?"})`);
}
