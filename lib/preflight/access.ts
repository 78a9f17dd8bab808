// RBAC preflight: ask the API server (SelfSubjectAccessReview) whether we may do what the selected suites do.
// `permissions` is the one list of what the harness does on a cluster — the preflight checks it, and an
// in-cluster ClusterRole can be generated from it. test/e2e/reliability-rbac.spec.ts proves it complete by
// recording (API audit log) every verb a run issues and running as a ServiceAccount bound to exactly this list.
import * as k8s from "@kubernetes/client-node";
import { UserFacingError } from "../errors.js";
import { apiFailure } from "./discover.js";

export interface Permission {
  verb: string;
  resource: string;
  /** API group; "" or absent for the core group. */
  group?: string;
  subresource?: string;
  /** Asked in a namespace (the run's own test namespaces); cluster-wide otherwise. */
  namespaced?: boolean;
  /** "all": every run; "extended": only when an extended suite is selected. */
  suites: "all" | "extended";
  /** What uses it (for a reviewer of the generated role). */
  why: string;
}

const crud = ["create", "patch", "delete"]; // server-side apply is a patch, and needs create when the object is new

/** Every permission the harness uses, exactly once. */
export const permissions: Permission[] = [
  // Preflight and discovery.
  { verb: "create", resource: "selfsubjectaccessreviews", group: "authorization.k8s.io", suites: "all", why: "preflight: this very permission check" },
  { verb: "list", resource: "nodes", suites: "all", why: "preflight: which nodes, OS and builds" },
  { verb: "get", resource: "nodes", suites: "all", why: "node facts at the time of a failure" },
  { verb: "list", resource: "runtimeclasses", group: "node.k8s.io", suites: "all", why: "preflight: existing RuntimeClasses" },
  { verb: "get", resource: "customresourcedefinitions", group: "apiextensions.k8s.io", suites: "all", why: "preflight: is the GMSA CRD installed" },
  {
    verb: "list",
    resource: "mutatingwebhookconfigurations",
    group: "admissionregistration.k8s.io",
    suites: "all",
    why: "preflight: is the GMSA webhook installed",
  },
  {
    verb: "list",
    resource: "validatingwebhookconfigurations",
    group: "admissionregistration.k8s.io",
    suites: "extended",
    why: "Extend.ActiveDirectory: is the GMSA webhook registered for pod UPDATE",
  },
  // Each test's own namespace.
  ...["create", "patch", "get", "list", "watch", "delete"].map((verb) => ({
    verb,
    resource: "namespaces",
    suites: "all" as const,
    why: "one namespace per test; cleanup waits until it is gone",
  })),
  // Workloads in that namespace.
  ...[...crud, "get", "list", "watch"].map((verb) => ({
    verb,
    resource: "pods",
    namespaced: true,
    suites: "all" as const,
    why: "the tests' pods and their waits",
  })),
  // Websocket exec is authorized as get, and (since Kubernetes 1.30) also as create.
  ...["create", "get"].map((verb) => ({
    verb,
    resource: "pods",
    subresource: "exec",
    namespaced: true,
    suites: "all" as const,
    why: "commands inside the tests' containers",
  })),
  { verb: "get", resource: "pods", subresource: "log", namespaced: true, suites: "all", why: "container logs (checks and failure bundles)" },
  ...["list", "watch"].map((verb) => ({
    verb,
    resource: "serviceaccounts",
    namespaced: true,
    suites: "all" as const,
    why: "a test's namespace is ready for pods once its default ServiceAccount exists",
  })),
  ...["list", "watch"].map((verb) => ({ verb, resource: "events", namespaced: true, suites: "all" as const, why: "event waits and failure bundles" })),
  ...[...crud, "get", "list", "watch"].map((verb) => ({
    verb,
    resource: "deployments",
    group: "apps",
    namespaced: true,
    suites: "all" as const,
    why: "the tests' deployments",
  })),
  ...crud.map((verb) => ({
    verb,
    resource: "statefulsets",
    group: "apps",
    namespaced: true,
    suites: "all" as const,
    why: "the StatefulSet behind a headless Service (Core.Network)",
  })),
  ...[...crud, "get"].map((verb) => ({ verb, resource: "services", namespaced: true, suites: "all" as const, why: "the tests' services" })),
  ...crud.map((verb) => ({ verb, resource: "configmaps", namespaced: true, suites: "all" as const, why: "configuration for the tests' pods" })),
  ...crud.map((verb) => ({ verb, resource: "secrets", namespaced: true, suites: "all" as const, why: "a Secret mounted by a test pod" })),
  ...["list", "watch"].map((verb) => ({
    verb,
    resource: "endpointslices",
    group: "discovery.k8s.io",
    namespaced: true,
    suites: "all" as const,
    why: "service endpoint waits",
  })),
  ...crud.map((verb) => ({
    verb,
    resource: "networkpolicies",
    group: "networking.k8s.io",
    namespaced: true,
    suites: "extended" as const,
    why: "Extend.NetworkPolicy: the probe and the same-namespace policy",
  })),
  // Extended suites: cluster-scoped objects they create, and the run's sweep of them.
  ...[...crud, "get"].map((verb) => ({ verb, resource: "runtimeclasses", group: "node.k8s.io", suites: "extended" as const, why: "Extend.RuntimeClass" })),
  ...[...crud, "get", "list", "use"].map((verb) => ({
    verb,
    resource: "gmsacredentialspecs",
    group: "windows.k8s.io",
    suites: "extended" as const,
    why: "Extend.ActiveDirectory (use: to grant it to a test's service account)",
  })),
  ...[...crud, "list"].map((verb) => ({
    verb,
    resource: "clusterroles",
    group: "rbac.authorization.k8s.io",
    suites: "extended" as const,
    why: "Extend.ActiveDirectory: the role that may use a credential spec",
  })),
  { verb: "list", resource: "clusterrolebindings", group: "rbac.authorization.k8s.io", suites: "extended", why: "the run's sweep of cluster-scoped objects" },
  ...crud.map((verb) => ({
    verb,
    resource: "rolebindings",
    group: "rbac.authorization.k8s.io",
    namespaced: true,
    suites: "extended" as const,
    why: "Extend.ActiveDirectory: grants the role to a test's service account",
  })),
  ...crud.map((verb) => ({
    verb,
    resource: "serviceaccounts",
    namespaced: true,
    suites: "extended" as const,
    why: "Extend.ActiveDirectory: the pods' service accounts",
  })),
];

/** What a run of these suites needs. */
export function permissionsFor(extended: boolean): Permission[] {
  return permissions.filter((p) => p.suites === "all" || extended);
}

/** `patch deployments.apps`, `create pods/exec`. */
export function permissionName(p: Pick<Permission, "verb" | "resource" | "group" | "subresource">): string {
  return `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}${p.subresource ? `/${p.subresource}` : ""}`;
}

/** Asks about every permission and names every one that is missing, in one line. */
export async function assertAllowed(kc: k8s.KubeConfig, perms: Permission[]): Promise<void> {
  const api = kc.makeApiClient(k8s.AuthorizationV1Api);
  const server = kc.getCurrentCluster()!.server;
  const answers = await Promise.all(
    perms.map((p) =>
      api
        .createSelfSubjectAccessReview({
          body: {
            spec: {
              resourceAttributes: {
                verb: p.verb,
                resource: p.resource,
                group: p.group ?? "",
                subresource: p.subresource,
                namespace: p.namespaced ? "hc-preflight" : undefined,
              },
            },
          },
        })
        .then(
          (r) => ({ p, allowed: !!r.status?.allowed }),
          (e: unknown) => ({ p, error: e }),
        ),
    ),
  );
  const failed = answers.find((a) => "error" in a);
  if (failed && "error" in failed) throw apiFailure(server, failed.error, "checking permissions");
  const denied = answers.filter((a) => "allowed" in a && !a.allowed).map((a) => permissionName(a.p));
  if (denied.length)
    throw new UserFacingError(
      `missing permissions for the selected suites: cannot ${[...new Set(denied)].sort().join(", ")} (user ${kc.getCurrentUser()?.name ?? "?"})`,
    );
}
