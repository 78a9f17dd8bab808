// Everything a run creates is registered here and deleted after each test, on failure, and on
// SIGINT/SIGTERM — and only what we created: deletes go by recorded object, or by our run label.
import type * as k8s from "@kubernetes/client-node";
import { remove } from "../cluster/api.js";
import { waits } from "../cluster/waits.js";
import { markKept } from "./leftovers.js";

export class CleanupRegistry {
  private readonly objects: k8s.KubernetesObject[] = [];
  constructor(private readonly kc: k8s.KubeConfig) {}

  track(o: k8s.KubernetesObject): void {
    if (!this.objects.some((x) => x.kind === o.kind && x.metadata?.name === o.metadata?.name && x.metadata?.namespace === o.metadata?.namespace)) this.objects.push(o);
  }

  /**
   * `--keep-on-failure`: labels the namespace and the cluster-scoped objects of the test as kept (objects inside
   * the namespace stay with it), and forgets them, so neither this registry nor the run's sweep deletes them.
   */
  async keep(): Promise<k8s.KubernetesObject[]> {
    const top = this.objects.splice(0).filter((o) => !o.metadata?.namespace);
    await markKept(this.kc, top);
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

// The run's final sweep (and the reaper) live with the leftover finder: one list of the kinds a run leaves.
export { sweepRun } from "./leftovers.js";
