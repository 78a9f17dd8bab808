// What every part of the emulated kubelet shares: its dependencies, per-pod timers and the status writer.
import type * as k8s from "@kubernetes/client-node";
import type { NetworkWorld } from "../model.js";
import type { EventRecorder } from "../events.js";
import type { FaultRegistry } from "../faults.js";
import type { NodeFacts, ObjectSource } from "./container-view.js";
import type { ContainerRecord, PodRecord } from "./records.js";
import type { StatusWriter } from "./status-writer.js";
import type { Timing } from "../timing.js";

export interface RuntimeDeps {
  kc: k8s.KubeConfig;
  events: EventRecorder;
  faults: FaultRegistry;
  net: NetworkWorld;
  objects: ObjectSource;
  node(name: string): NodeFacts | undefined;
  nodeReady(name: string): boolean;
  logsRoot: string;
  cluster: { dnsIP: string; kubernetesServiceIP: string };
  /** Registers kwok's Exec/Logs objects for the pod so `kubectl exec/logs` reach us. */
  debugging: { ensure(r: PodRecord): Promise<void> };
  timing: Timing;
  log(line: string): void;
}

export class PodContext {
  /** Set once by the runtime: the parts reference each other through the context. */
  status!: StatusWriter;

  constructor(readonly d: RuntimeDeps) {}

  async guard(r: PodRecord, f: () => Promise<void>): Promise<void> {
    try {
      await f();
    } catch (e) {
      if (!r.gone) this.d.log(`pod ${r.ref.namespace}/${r.ref.name}: ${(e as Error).stack ?? e}`);
    }
  }

  /** Runs f after ms unless the pod is gone by then; the timer dies with the pod. */
  later(r: PodRecord, ms: number, f: () => Promise<void> | void): void {
    if (r.gone) return;
    const t = setTimeout(() => {
      r.timers.delete(t);
      if (!r.gone) void this.guard(r, async () => f());
    }, ms);
    r.timers.add(t);
  }

  /** Resolves after ms with whether the pod is still there (a pod deleted meanwhile never resolves: its timers are cleared). */
  sleep(r: PodRecord, ms: number): Promise<boolean> {
    if (ms <= 0 || r.gone) return Promise.resolve(!r.gone);
    return new Promise((res) => {
      const t = setTimeout(() => {
        r.timers.delete(t);
        res(!r.gone);
      }, ms);
      r.timers.add(t);
    });
  }

  /** What a fault selector is matched against. */
  target(r: PodRecord, c?: ContainerRecord) {
    return { namespace: r.ref.namespace, pod: r.ref.name, node: r.node.name, image: c?.spec.image };
  }

  writeLogs(r: PodRecord, c: ContainerRecord, lines: string[], stream: "stdout" | "stderr" = "stdout"): void {
    if (this.d.faults.active("logs-empty", this.target(r, c))) return;
    c.logs.write(lines, stream);
  }

  queueStatus(r: PodRecord): void {
    this.status.queue(r);
  }
}

export const freshProbeCounters = () => ({ readinessFails: 0, readinessOk: 0, livenessFails: 0, startupOk: false, startupFails: 0 });
