// The emulated kubelet's status side: derives the pod phase from its containers and writes PodStatus to the API,
// coalesced and serialised per pod.
import * as k8s from "@kubernetes/client-node";
import type { PodContext } from "./context.js";
import type { PodRecord } from "./records.js";
import { podStatus } from "./status.js";

export class StatusWriter {
  private readonly core: k8s.CoreV1Api;
  private readonly pending = new Set<string>();
  private flushing: Promise<void> | undefined;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly x: PodContext,
    private readonly pods: Map<string, PodRecord>,
    private readonly forget: (r: PodRecord) => void,
  ) {
    this.core = x.d.kc.makeApiClient(k8s.CoreV1Api);
  }

  /** Recomputes the phase from the containers' states, then queues a write. */
  updatePhase(r: PodRecord): void {
    if (r.phase === "Failed" && r.reason) return this.queue(r); // rejected
    const all = r.containers;
    const policy = r.pod.spec?.restartPolicy ?? "Always";
    const terminated = all.filter((c) => c.state.kind === "terminated");
    if (all.some((c) => c.state.kind === "running") || (r.initialized && all.some((c) => c.lastState))) r.phase = "Running";
    if (policy !== "Always" && terminated.length === all.length && all.length) {
      const failed = terminated.some((c) => c.state.kind === "terminated" && c.state.exitCode !== 0);
      if (policy === "Never" || !failed) r.phase = failed ? "Failed" : "Succeeded";
    }
    if (r.phase === "Succeeded" || r.phase === "Failed") r.sandboxReady = false;
    this.queue(r);
  }

  /**
   * Status writes are coalesced and serialised per pod: many transitions in one tick become one PATCH, and a
   * write never overtakes an earlier one (the status is computed when the write starts, so it is the newest).
   */
  queue(r: PodRecord): void {
    if (r.gone) return;
    this.pending.add(r.ref.uid);
    this.flushing ??= new Promise<void>((res) => setImmediate(res)).then(() => this.flush());
  }

  async flush(): Promise<void> {
    const uids = [...this.pending];
    this.pending.clear();
    this.flushing = undefined;
    await Promise.all(uids.map((uid) => this.write(uid)));
  }

  private async write(uid: string): Promise<void> {
    const running = this.inFlight.get(uid);
    if (running) {
      this.again.add(uid);
      return running;
    }
    const p = this.patch(uid).finally(() => {
      this.inFlight.delete(uid);
      if (this.again.delete(uid)) void this.write(uid);
    });
    this.inFlight.set(uid, p);
    return p;
  }

  private async patch(uid: string): Promise<void> {
    const r = this.pods.get(uid);
    if (!r || r.gone) return;
    // A kubelet on a NotReady node writes nothing; the node lifecycle controller owns its pods' status then.
    if (!this.x.d.nodeReady(r.node.name)) return;
    const status = podStatus(r, r.pod.status, !this.x.d.faults.active("pod-ip-unreported", this.x.target(r)));
    try {
      await this.core.patchNamespacedPodStatus(
        { name: r.ref.name, namespace: r.ref.namespace, body: [{ op: "replace", path: "/status", value: status }] },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch),
      );
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code === 404) return this.forget(r);
      this.x.d.log(`status of ${r.ref.namespace}/${r.ref.name} not written: ${(e as Error).message.split("\n")[0]}`);
    }
  }
}
