// Everything a run creates is registered here and deleted after each test, on failure, and on
// SIGINT/SIGTERM — and only what we created: deletes go by recorded object, or by our run label.
import * as k8s from "@kubernetes/client-node";
import { remove } from "../cluster/api.js";
import { waits } from "../cluster/waits.js";
import { labels } from "./context.js";
import { InfrastructureError } from "../cluster/errors.js";

/** What this process may have created and has not yet seen deleted: after a failed cleanup, the leftovers. */
const outstanding = new Map<string, k8s.KubernetesObject>();
const keyOf = (o: k8s.KubernetesObject) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;

export interface Leftover {
  kind: string;
  name: string;
  namespace?: string;
  /** The exact command that removes it (idempotent). */
  command: string;
}

/** kubectl's name for a kind: the lowercase kind, qualified by its API group when it has one. */
function kubectlResource(o: k8s.KubernetesObject): string {
  const group = o.apiVersion?.includes("/") ? o.apiVersion.split("/")[0] : "";
  return `${(o.kind ?? "").toLowerCase()}${group ? `.${group}` : ""}`;
}

/** Everything tracked whose deletion was not confirmed, with the command that removes it. */
export function leftovers(kubectl = "kubectl"): Leftover[] {
  const nsLeft = new Set([...outstanding.values()].filter((o) => o.kind === "Namespace").map((o) => o.metadata!.name!));
  return [...outstanding.values()]
    // An object inside a leftover namespace goes with it: name the namespace only.
    .filter((o) => o.kind === "Namespace" || !nsLeft.has(o.metadata?.namespace ?? ""))
    .map((o) => ({
      kind: o.kind ?? "?",
      name: o.metadata?.name ?? "?",
      ...(o.metadata?.namespace && o.kind !== "Namespace" ? { namespace: o.metadata.namespace } : {}),
      command: `${kubectl} delete ${kubectlResource(o)} ${o.metadata?.name}${o.metadata?.namespace && o.kind !== "Namespace" ? ` -n ${o.metadata.namespace}` : ""} --ignore-not-found`,
    }))
    .sort((a, b) => a.command.localeCompare(b.command));
}

export class CleanupRegistry {
  private readonly objects: k8s.KubernetesObject[] = [];
  constructor(private readonly kc: k8s.KubeConfig) {}

  track(o: k8s.KubernetesObject): void {
    outstanding.set(keyOf(o), o);
    if (!this.objects.some((x) => x.kind === o.kind && x.metadata?.name === o.metadata?.name && x.metadata?.namespace === o.metadata?.namespace)) this.objects.push(o);
  }

  get size(): number {
    return this.objects.length;
  }

  /**
   * Deletes newest first, namespaces last. `waitMs` > 0 waits until the namespaces are gone; per-test
   * cleanup passes 0 and the run's final sweep waits for all of them at once (a namespace takes seconds
   * to finalize, and tests need not queue behind each other's).
   */
  async run(waitMs: number): Promise<string[]> {
    const problems: string[] = [];
    const all = this.objects.splice(0).reverse();
    const namespaces = all.filter((o) => o.kind === "Namespace");
    // Objects inside a namespace we delete go with it.
    const gone = new Set(namespaces.map((n) => n.metadata!.name!));
    for (const o of all.filter((o) => o.kind !== "Namespace" && !gone.has(o.metadata?.namespace ?? ""))) {
      await remove(this.kc, o).then(
        () => outstanding.delete(keyOf(o)),
        (e) => problems.push(`${o.kind} ${o.metadata?.name}: ${(e as Error).message}`),
      );
    }
    await Promise.all(
      namespaces.map(async (n) => {
        const name = n.metadata!.name!;
        const ok = await remove(this.kc, n).then(
          () => true,
          (e) => (problems.push(`namespace ${name}: ${(e as Error).message}`), false),
        );
        if (ok && waitMs > 0) await waits.namespaceGone(this.kc, name, waitMs).then(() => undefined, (e) => problems.push((e as Error).message));
        else if (ok) forgetNamespace(name); // deletion accepted: the namespace controller finishes it
        if (ok && waitMs > 0 && !problems.some((p) => p.includes(name))) forgetNamespace(name);
      }),
    );
    return problems;
  }
}

function forgetNamespace(name: string): void {
  for (const [k, o] of outstanding) if ((o.kind === "Namespace" && o.metadata?.name === name) || o.metadata?.namespace === name) outstanding.delete(k);
}

/** Removes whatever still carries this run's label (after an interrupt, or a crash of a previous run). */
/** `clusterScoped`: also sweep the cluster-scoped kinds only extended suites create (and only they may list). */
export async function sweepRun(kc: k8s.KubeConfig, runId: string, waitMs: number, clusterScoped = true): Promise<{ removed: number; problems: string[] }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const selector = `${labels.run}=${runId}`;
  const problems: string[] = [];
  // Listing may fail (API gone, permission lost): what this process tracked is still deleted, or named as a leftover.
  const listed = async <T>(what: string, f: () => Promise<{ items: T[] }>, optional = false): Promise<T[]> =>
    (await f().catch((e) => (optional && !(e instanceof InfrastructureError) ? undefined : (problems.push(`listing ${what}: ${(e as Error).message}`), undefined))))?.items ?? [];
  const nss = await listed("namespaces", () => core.listNamespace({ labelSelector: selector }));
  const cluster: k8s.KubernetesObject[] = [];
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const node = kc.makeApiClient(k8s.NodeV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  if (!problems.length && clusterScoped) {
    cluster.push(...(await listed("clusterroles", () => rbac.listClusterRole({ labelSelector: selector }), true)).map((o) => ({ ...o, apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole" })));
    cluster.push(...(await listed("clusterrolebindings", () => rbac.listClusterRoleBinding({ labelSelector: selector }), true)).map((o) => ({ ...o, apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding" })));
    cluster.push(...(await listed("runtimeclasses", () => node.listRuntimeClass({ labelSelector: selector }), true)).map((o) => ({ ...o, apiVersion: "node.k8s.io/v1", kind: "RuntimeClass" })));
    const creds = await listed("gmsacredentialspecs", () => custom.listClusterCustomObject({ group: "windows.k8s.io", version: "v1", plural: "gmsacredentialspecs", labelSelector: selector }) as Promise<{ items: k8s.KubernetesObject[] }>, true);
    cluster.push(...creds.map((o) => ({ ...o, apiVersion: "windows.k8s.io/v1", kind: "GMSACredentialSpec" })));
  }
  const reg = new CleanupRegistry(kc);
  // Tracked by this process but not confirmed deleted (e.g. a test's namespace when the API went away mid-test).
  for (const o of outstanding.values()) reg.track(o);
  for (const o of [...cluster, ...nss.map((n) => ({ ...n, apiVersion: "v1", kind: "Namespace" }))]) reg.track(o);
  const removed = reg.size;
  return { removed, problems: [...problems, ...(await reg.run(waitMs))] };
}
