// Everything a run creates is registered here and deleted after each test, on failure, and on
// SIGINT/SIGTERM — and only what we created: deletes go by recorded object, or by our run label.
import type * as k8s from "@kubernetes/client-node";
import { remove } from "../cluster/api.js";
import { waits } from "../cluster/waits.js";
import { markKept } from "./leftovers.js";

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
  return (
    [...outstanding.values()]
      // An object inside a leftover namespace goes with it: name the namespace only.
      .filter((o) => o.kind === "Namespace" || !nsLeft.has(o.metadata?.namespace ?? ""))
      .map((o) => ({
        kind: o.kind ?? "?",
        name: o.metadata?.name ?? "?",
        ...(o.metadata?.namespace && o.kind !== "Namespace" ? { namespace: o.metadata.namespace } : {}),
        command: `${kubectl} delete ${kubectlResource(o)} ${o.metadata?.name}${o.metadata?.namespace && o.kind !== "Namespace" ? ` -n ${o.metadata.namespace}` : ""} --ignore-not-found`,
      }))
      .sort((a, b) => a.command.localeCompare(b.command))
  );
}

/** Tracked objects not yet confirmed deleted (the run's sweep deletes them even when it cannot list). */
export function outstandingObjects(): k8s.KubernetesObject[] {
  return [...outstanding.values()];
}

/** Deletion confirmed (or the object handed over, e.g. kept): no longer a leftover. */
export function forget(o: k8s.KubernetesObject): void {
  if (o.kind === "Namespace") forgetNamespace(o.metadata!.name!);
  else outstanding.delete(keyOf(o));
}

function forgetNamespace(name: string): void {
  for (const [k, o] of outstanding) if ((o.kind === "Namespace" && o.metadata?.name === name) || o.metadata?.namespace === name) outstanding.delete(k);
}

export class CleanupRegistry {
  private readonly objects: k8s.KubernetesObject[] = [];
  constructor(private readonly kc: k8s.KubeConfig) {}

  track(o: k8s.KubernetesObject): void {
    outstanding.set(keyOf(o), o);
    if (!this.objects.some((x) => x.kind === o.kind && x.metadata?.name === o.metadata?.name && x.metadata?.namespace === o.metadata?.namespace))
      this.objects.push(o);
  }

  /**
   * `--keep-on-failure`: labels the namespace and the cluster-scoped objects of the test as kept (objects inside
   * the namespace stay with it), and forgets them, so neither this registry nor the run's sweep deletes them.
   */
  async keep(): Promise<k8s.KubernetesObject[]> {
    const all = this.objects.splice(0);
    const top = all.filter((o) => !o.metadata?.namespace);
    await markKept(this.kc, top);
    for (const o of all) forget(o);
    return top;
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
        () => forget(o),
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
        if (!ok) return;
        if (waitMs <= 0) return forgetNamespace(name); // deletion accepted: the namespace controller finishes it
        await waits.namespaceGone(this.kc, name, waitMs).then(
          () => forgetNamespace(name),
          (e) => problems.push((e as Error).message),
        );
      }),
    );
    return problems;
  }
}

// The run's final sweep (and the reaper) live with the leftover finder: one list of the kinds a run leaves.
export { sweepRun } from "./leftovers.js";
