// Everything a run creates is registered here and deleted after each test, on failure, and on
// SIGINT/SIGTERM — and only what we created: deletes go by recorded object, or by our run label.
import * as k8s from "@kubernetes/client-node";
import { remove } from "../cluster/api.js";
import { waits } from "../cluster/waits.js";
import { labels } from "./context.js";

export class CleanupRegistry {
  private readonly objects: k8s.KubernetesObject[] = [];
  constructor(private readonly kc: k8s.KubeConfig) {}

  track(o: k8s.KubernetesObject): void {
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
      await remove(this.kc, o).catch((e) => problems.push(`${o.kind} ${o.metadata?.name}: ${(e as Error).message}`));
    }
    await Promise.all(
      namespaces.map(async (n) => {
        await remove(this.kc, n).catch((e) => problems.push(`namespace ${n.metadata?.name}: ${(e as Error).message}`));
        if (waitMs > 0) await waits.namespaceGone(this.kc, n.metadata!.name!, waitMs).catch((e) => problems.push((e as Error).message));
      }),
    );
    return problems;
  }
}

/** Removes whatever still carries this run's label (after an interrupt, or a crash of a previous run). */
export async function sweepRun(kc: k8s.KubeConfig, runId: string, waitMs: number): Promise<{ removed: number; problems: string[] }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const selector = `${labels.run}=${runId}`;
  const nss = (await core.listNamespace({ labelSelector: selector })).items;
  const cluster: k8s.KubernetesObject[] = [];
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const node = kc.makeApiClient(k8s.NodeV1Api);
  cluster.push(...(await rbac.listClusterRole({ labelSelector: selector }).catch(() => ({ items: [] }))).items.map((o) => ({ ...o, apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole" })));
  cluster.push(...(await rbac.listClusterRoleBinding({ labelSelector: selector }).catch(() => ({ items: [] }))).items.map((o) => ({ ...o, apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding" })));
  cluster.push(...(await node.listRuntimeClass({ labelSelector: selector }).catch(() => ({ items: [] }))).items.map((o) => ({ ...o, apiVersion: "node.k8s.io/v1", kind: "RuntimeClass" })));
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const creds = (await custom.listClusterCustomObject({ group: "windows.k8s.io", version: "v1", plural: "gmsacredentialspecs", labelSelector: selector }).catch(() => ({ items: [] }))) as { items: k8s.KubernetesObject[] };
  cluster.push(...creds.items.map((o) => ({ ...o, apiVersion: "windows.k8s.io/v1", kind: "GMSACredentialSpec" })));
  const reg = new CleanupRegistry(kc);
  for (const o of [...cluster, ...nss.map((n) => ({ ...n, apiVersion: "v1", kind: "Namespace" }))]) reg.track(o);
  const removed = reg.size;
  return { removed, problems: await reg.run(waitMs) };
}
