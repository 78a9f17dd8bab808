// What runs leave on a cluster, found by the run label only: the namespaces (their contents go with them) and
// the cluster-scoped kinds the suites create. The run's own sweep and `hybrid-conformance cleanup` both use it,
// and both explain a deletion that does not finish (which finalizer, on which object).
import * as k8s from "@kubernetes/client-node";
import { objectsApi, remove, fieldManager } from "../cluster/api.js";
import { waits } from "../cluster/waits.js";
import { labels } from "./context.js";
import { forget, outstandingObjects } from "./cleanup.js";

/** Cluster-scoped kinds a suite may create (besides namespaces). A kind the cluster does not serve is skipped. */
const clusterScoped = [
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding" },
  { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass" },
  { apiVersion: "windows.k8s.io/v1", kind: "GMSACredentialSpec" },
];

/** Namespaced kinds the suites create; searched for finalizers when a namespace will not go. */
const namespaced = [
  { apiVersion: "v1", kind: "Pod" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "v1", kind: "Secret" },
  { apiVersion: "v1", kind: "ServiceAccount" },
  { apiVersion: "v1", kind: "PersistentVolumeClaim" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "ReplicaSet" },
  { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" },
];

export interface Leftover {
  obj: k8s.KubernetesObject;
  runId: string;
  kept: boolean;
}

export const describeObject = (o: k8s.KubernetesObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`;

/**
 * Everything carrying the run label that matches `selector` (e.g. `hybrid-conformance.io/run=r1,!hybrid-conformance.io/kept`).
 * `unlisted` names the cluster-scoped kinds the credentials may not list: only the extended suites create those
 * (and their preflight requires listing them), so a core-only identity cannot have left any.
 */
export async function findLeftovers(kc: k8s.KubeConfig, selector = labels.run, unlisted: string[] = [], clusterScopedToo = true): Promise<Leftover[]> {
  const api = objectsApi(kc);
  const found: k8s.KubernetesObject[] = [];
  for (const t of [{ apiVersion: "v1", kind: "Namespace" }, ...(clusterScopedToo ? clusterScoped : [])]) {
    const l = await api.list(t.apiVersion, t.kind, undefined, undefined, undefined, undefined, undefined, selector).catch((e) => {
      const code = (e as { code?: number }).code;
      if (code === 404) return { items: [] }; // the kind is not served (e.g. no GMSA CRD)
      if (code === 403 && t.kind !== "Namespace") return (unlisted.push(t.kind), { items: [] });
      throw e;
    });
    found.push(...l.items.map((o) => ({ ...o, apiVersion: t.apiVersion, kind: t.kind })));
  }
  return found.map((obj) => ({ obj, runId: obj.metadata?.labels?.[labels.run] ?? "?", kept: obj.metadata?.labels?.[labels.kept] === "true" }));
}

/** Marks objects kept (a label), so the run's sweep leaves them and `cleanup --kept` finds them. */
export async function markKept(kc: k8s.KubeConfig, objs: k8s.KubernetesObject[]): Promise<void> {
  for (const o of objs) {
    const patch = {
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: { name: o.metadata!.name, namespace: o.metadata?.namespace, labels: { [labels.kept]: "true" } },
    };
    await objectsApi(kc).patch(patch, undefined, undefined, fieldManager, undefined, k8s.PatchStrategy.MergePatch);
  }
}

/**
 * Deletes the leftovers (cluster-scoped objects first, namespaces in parallel) and waits up to `waitMs` for them to
 * be gone. Returns one line per object that could not be deleted or is still there, saying what holds it.
 */
export async function removeLeftovers(kc: k8s.KubeConfig, objs: k8s.KubernetesObject[], waitMs: number): Promise<string[]> {
  const problems: string[] = [];
  const namespaces = objs.filter((o) => o.kind === "Namespace");
  const rest = objs.filter((o) => o.kind !== "Namespace");
  const deadline = Date.now() + waitMs;
  for (const o of rest) await remove(kc, o).catch((e) => problems.push(`${describeObject(o)}: ${(e as Error).message.split("\n")[0]}`));
  for (const o of namespaces) await remove(kc, o).catch((e) => problems.push(`${describeObject(o)}: ${(e as Error).message.split("\n")[0]}`));
  if (waitMs <= 0) return problems;
  await Promise.all(
    objs.map(async (o) => {
      const left = Math.max(deadline - Date.now(), 1000);
      const gone =
        o.kind === "Namespace"
          ? waits.namespaceGone(kc, o.metadata!.name!, left).then(
              () => true,
              () => false,
            )
          : objectGone(kc, o, left);
      if (!(await gone)) problems.push(`${describeObject(o)} is still being deleted after ${Math.round(waitMs / 1000)} s: ${await whatHolds(kc, o)}`);
    }),
  );
  return problems;
}

async function objectGone(kc: k8s.KubeConfig, o: k8s.KubernetesObject, timeoutMs: number): Promise<boolean> {
  // Cluster-scoped objects here have no controllers of their own: a deleted one is gone at once or held by a finalizer.
  const end = Date.now() + Math.min(timeoutMs, 5000);
  for (;;) {
    const still = await objectsApi(kc)
      .read({ apiVersion: o.apiVersion!, kind: o.kind!, metadata: { name: o.metadata!.name!, namespace: o.metadata?.namespace } })
      .then(
        (x) => x,
        () => undefined,
      );
    if (!still) return true;
    if (still.metadata?.finalizers?.length || Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Why a deletion has not finished: the finalizers on the object, and for a namespace the objects inside still holding finalizers. */
export async function whatHolds(kc: k8s.KubeConfig, o: k8s.KubernetesObject): Promise<string> {
  const api = objectsApi(kc);
  const cur = await api
    .read({ apiVersion: o.apiVersion!, kind: o.kind!, metadata: { name: o.metadata!.name!, namespace: o.metadata?.namespace } })
    .catch(() => undefined);
  if (!cur) return "gone now";
  const reasons: string[] = [];
  if (cur.metadata?.finalizers?.length) reasons.push(`finalizer ${cur.metadata.finalizers.join(", ")} on ${describeObject(o)}`);
  if (o.kind === "Namespace") {
    const ns = o.metadata!.name!;
    for (const t of namespaced) {
      const l = await api.list(t.apiVersion, t.kind, ns).catch(() => ({ items: [] as k8s.KubernetesObject[] }));
      for (const x of l.items)
        if (x.metadata?.finalizers?.length) reasons.push(`finalizer ${x.metadata.finalizers.join(", ")} on ${t.kind} ${ns}/${x.metadata.name}`);
    }
    if (!reasons.length) {
      // Content of a kind not searched above: the namespace controller's own conditions say what remains.
      const conds = ((cur as k8s.V1Namespace).status?.conditions ?? []).filter((c) => c.status === "True").map((c) => c.message);
      reasons.push(...conds.filter((m): m is string => !!m));
    }
  }
  return reasons.join("; ") || "no finalizer found (the API server may still be removing its contents)";
}

/**
 * The run's own sweep: whatever still carries its label and was not kept, plus what this process tracked and has
 * not seen deleted (e.g. a test's namespace when the API went away mid-test, so listing may fail too).
 * `clusterScopedToo`: also the cluster-scoped kinds only the extended suites create (and only they may list).
 */
export async function sweepRun(kc: k8s.KubeConfig, runId: string, waitMs: number, clusterScopedToo = true): Promise<{ removed: number; problems: string[] }> {
  const problems: string[] = [];
  const found = await findLeftovers(kc, `${labels.run}=${runId},!${labels.kept}`, [], clusterScopedToo).catch((e) => {
    problems.push(`listing the run's objects: ${(e as Error).message.split("\n")[0]}`);
    return [] as Leftover[];
  });
  const objs = found.map((l) => l.obj);
  const same = (a: k8s.KubernetesObject, b: k8s.KubernetesObject) =>
    a.kind === b.kind && a.metadata?.name === b.metadata?.name && a.metadata?.namespace === b.metadata?.namespace;
  for (const o of outstandingObjects()) if (!o.metadata?.namespace && !objs.some((x) => same(x, o))) objs.push(o);
  const failed = await removeLeftovers(kc, objs, waitMs);
  for (const o of objs) if (!failed.some((p) => p.startsWith(describeObject(o)))) forget(o);
  return { removed: objs.length, problems: [...problems, ...failed] };
}

/** What the end of a run prints about the namespaces `--keep-on-failure` kept: how to look at them and how to remove them. */
export async function keptNotice(kc: k8s.KubeConfig, runId: string): Promise<string[]> {
  const kept = (await findLeftovers(kc, `${labels.run}=${runId},${labels.kept}=true`))
    .filter((l) => l.obj.kind === "Namespace")
    .map((l) => l.obj.metadata!.name!);
  if (!kept.length) return [];
  return [
    `kept ${kept.length} namespace(s) of failed tests (--keep-on-failure): ${kept.join(", ")}`,
    `  inspect: kubectl get all,events -n ${kept[0]}   (or: kubectl get ns -l ${labels.run}=${runId},${labels.kept}=true)`,
    `  remove:  hybrid-conformance cleanup --kept --run ${runId} --yes`,
  ];
}
