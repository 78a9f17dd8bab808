// The emulated kubelet + container runtime for every pod bound to a simulated node. This file holds the pod
// records and their life from informer event to deletion; the work is split by concern:
//   start.ts          admission, sandbox, image pulls, container start, exits and restarts
//   health.ts         probes and lifecycle hooks
//   status-writer.ts  phase and PodStatus writes
// What a container *does* comes from workloads/ and commands/.
import * as k8s from "@kubernetes/client-node";
import { ContainerLogs } from "../logs.js";
import type { NodeFacts } from "./container-view.js";
import { freshProbeCounters, PodContext, type RuntimeDeps } from "./context.js";
import { HealthChecks } from "./health.js";
import type { ContainerRecord, PodRecord } from "./records.js";
import { PodStarter } from "./start.js";
import { StatusWriter } from "./status-writer.js";
import { podStatus } from "./status.js";

export type { RuntimeDeps } from "./context.js";

const now = () => new Date().toISOString();

export class PodRuntime {
  readonly pods = new Map<string, PodRecord>();
  private readonly core: k8s.CoreV1Api;
  private readonly x: PodContext;
  private readonly starter: PodStarter;
  private readonly health: HealthChecks;

  constructor(private readonly d: RuntimeDeps) {
    this.core = d.kc.makeApiClient(k8s.CoreV1Api);
    this.x = new PodContext(d);
    this.x.status = new StatusWriter(this.x, this.pods, (r) => this.forget(r));
    this.starter = new PodStarter(this.x);
    this.health = new HealthChecks(this.x, (r, c, code, reason) => this.starter.exited(r, c, code, reason));
    this.starter.health = this.health;
  }

  /** Informer add/update. */
  onPod(pod: k8s.V1Pod): void {
    const uid = pod.metadata?.uid;
    const nodeName = pod.spec?.nodeName;
    if (!uid || !nodeName) return;
    const node = this.d.node(nodeName);
    if (!node) return;
    let r = this.pods.get(uid);
    if (!r) {
      if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return; // finished before we (re)started
      r = this.newRecord(pod, node);
      this.pods.set(uid, r);
      void this.x.guard(r, () => this.starter.start(r!));
    }
    const known = r.pod !== pod && !!r.pod.status;
    r.pod = pod;
    // Like the kubelet's status manager (needsReconcile in pkg/kubelet/status/status_manager.go): when the API's
    // Ready condition differs from what this node agent knows — e.g. the node lifecycle controller marked the pod
    // NotReady while the node's lease lapsed during an API outage — it writes its status again.
    if (known && !r.terminating && this.d.nodeReady(r.node.name)) {
      const ready = (st: k8s.V1PodStatus | undefined) => st?.conditions?.find((c) => c.type === "Ready")?.status;
      const have = ready(pod.status);
      if (have && have !== ready(podStatus(r, pod.status))) this.x.status.queue(r);
    }
    if (pod.metadata?.deletionTimestamp && !r.terminating) {
      r.terminating = true;
      void this.x.guard(r, () => this.terminate(r!));
    }
  }

  /** Informer delete: the object is gone from the API. */
  onPodDeleted(pod: k8s.V1Pod): void {
    const r = this.pods.get(pod.metadata?.uid ?? "");
    if (r) this.forget(r);
  }

  private newRecord(pod: k8s.V1Pod, node: NodeFacts): PodRecord {
    const ref = { namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, uid: pod.metadata!.uid!, nodeName: node.name };
    const rec = (spec: k8s.V1Container, init: boolean): ContainerRecord => ({
      spec,
      init,
      state: { kind: "waiting", reason: init ? "PodInitializing" : "ContainerCreating" },
      ready: false,
      started: false,
      restartCount: 0,
      logs: new ContainerLogs(this.d.logsRoot, ref.namespace, ref.name, ref.uid, spec.name),
      probes: freshProbeCounters(),
      generation: 0,
    });
    return {
      ref,
      pod,
      node,
      init: (pod.spec?.initContainers ?? []).map((c) => rec(c, true)),
      containers: (pod.spec?.containers ?? []).map((c) => rec(c, false)),
      phase: "Pending",
      sandboxReady: false,
      initialized: !pod.spec?.initContainers?.length,
      terminating: false,
      gone: false,
      timers: new Set(),
      conditionTimes: {},
    };
  }

  /** Called by the data plane when a workload served a request and printed something. */
  containerOutput(r: PodRecord, c: ContainerRecord, lines: string[]): void {
    this.x.writeLogs(r, c, lines);
  }

  // ---- termination ----------------------------------------------------------------------------------------

  private async terminate(r: PodRecord): Promise<void> {
    const grace = (r.pod.metadata?.deletionGracePeriodSeconds ?? r.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    const deadline = Date.now() + grace;
    await Promise.all(
      r.containers
        .filter((c) => c.state.kind === "running")
        .map(async (c) => {
          await this.d.events.emit(r.ref, "Normal", "Killing", `Stopping container ${c.spec.name}`, { name: c.spec.name });
          if (c.spec.lifecycle?.preStop) {
            // preStop runs within the grace period; past it, the kubelet kills the container anyway.
            const hook = this.health.hook(r, c, c.spec.lifecycle.preStop);
            const res = await Promise.race([hook, new Promise<undefined>((res) => this.x.later(r, Math.max(0, deadline - Date.now()), () => res(undefined)))]);
            if (res && !res.ok) await this.d.events.emit(r.ref, "Warning", "FailedPreStopHook", `PreStopHook failed: ${res.detail}`, { name: c.spec.name });
          }
          c.state = {
            kind: "terminated",
            exitCode: r.node.os === "windows" ? 1067 : 0,
            reason: r.node.os === "windows" ? "Error" : "Completed",
            startedAt: c.state.kind === "running" ? c.state.startedAt : undefined,
            finishedAt: now(),
          };
          c.ready = false;
          c.workload = undefined;
        }),
    );
    this.x.queueStatus(r);
    await this.x.status.flush();
    try {
      // Options go in the body only: a body replaces the query parameters entirely.
      await this.core.deleteNamespacedPod({ name: r.ref.name, namespace: r.ref.namespace, body: { gracePeriodSeconds: 0, preconditions: { uid: r.ref.uid } } });
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code !== 404 && code !== 409) throw e;
    }
    this.forget(r);
  }

  private forget(r: PodRecord): void {
    if (r.gone) return;
    r.gone = true;
    for (const t of r.timers) clearTimeout(t);
    r.timers.clear();
    this.starter.releaseIP(r);
    this.pods.delete(r.ref.uid);
    ContainerLogs.removePod(this.d.logsRoot, r.ref.namespace, r.ref.name, r.ref.uid);
  }

  /** Lookup used by exec and the network: the record of a running container. */
  find(namespace: string, pod: string, container?: string): { r: PodRecord; c: ContainerRecord } | undefined {
    // A name can be held by two pods at once: a StatefulSet's re-created pod while its predecessor is still
    // terminating. The API server hands an exec to the pod that holds the name now, which is the one not terminating.
    const named = [...this.pods.values()].filter((r) => r.ref.namespace === namespace && r.ref.name === pod && !r.gone);
    const r = named.find((x) => !x.terminating) ?? named[0];
    if (!r) return undefined;
    const c = container ? [...r.containers, ...r.init].find((x) => x.spec.name === container) : r.containers[0];
    return c ? { r, c } : undefined;
  }

  stopAll(): void {
    for (const r of this.pods.values()) for (const t of r.timers) clearTimeout(t);
  }
}
