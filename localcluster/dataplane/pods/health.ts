// The emulated kubelet's probes and lifecycle hooks: startup/readiness/liveness loops, postStart/preStop, and the
// kill that follows a failed liveness or startup probe.
import type * as k8s from "@kubernetes/client-node";
import { freshProbeCounters, type PodContext } from "./context.js";
import type { ContainerRecord, PodRecord } from "./records.js";
import { runHandler, type ProbeResult } from "./probes.js";
import { realFigures } from "../timing.js";

/** How a killed container is recorded and restarted: the start side owns that. */
export type ExitHandler = (r: PodRecord, c: ContainerRecord, exitCode: number, reason: string) => void;

export class HealthChecks {
  constructor(
    private readonly x: PodContext,
    private readonly exited: ExitHandler,
  ) {}

  schedule(r: PodRecord, c: ContainerRecord): void {
    const gen = c.generation;
    const alive = () => !r.gone && !r.terminating && c.generation === gen && c.state.kind === "running";
    const who = { name: c.spec.name };
    const { events, faults } = this.x.d;
    const loop = (kind: "startup" | "readiness" | "liveness", probe: k8s.V1Probe | undefined, step: () => Promise<void>) => {
      if (!probe && kind !== "readiness") return;
      const first = (probe?.initialDelaySeconds ?? 0) * 1000;
      const period = (probe?.periodSeconds ?? 10) * 1000;
      const tick = async () => {
        if (!alive()) return;
        await step();
        if (alive()) this.x.later(r, period, tick);
      };
      this.x.later(r, first, tick);
    };
    loop("startup", c.spec.startupProbe, async () => {
      if (c.probes.startupOk || faults.active("startup-probe-ignored", this.x.target(r, c))) return;
      const p = c.spec.startupProbe!;
      const res = await this.probe(r, c, p);
      if (res.ok) {
        c.probes.startupOk = c.started = true;
        this.x.queueStatus(r);
        return;
      }
      c.probes.startupFails++;
      await events.emit(r.ref, "Warning", "Unhealthy", `Startup probe failed: ${res.detail}`, who);
      if (c.probes.startupFails >= (p.failureThreshold ?? 3)) await this.kill(r, c, "failed startup probe");
    });
    loop("readiness", c.spec.readinessProbe, async () => {
      if (!c.started) return; // readiness waits for the startup probe
      const p = c.spec.readinessProbe;
      const fault = faults.active("readiness-never", this.x.target(r, c));
      const res = fault ? { ok: false, detail: "HTTP probe failed with statuscode: 503" } : p ? await this.probe(r, c, p) : { ok: true };
      if (res.ok) {
        c.probes.readinessFails = 0;
        if (++c.probes.readinessOk >= (p?.successThreshold ?? 1) && !c.ready) {
          c.ready = true;
          this.x.queueStatus(r);
        }
      } else {
        c.probes.readinessOk = 0;
        if (p || fault) await events.emit(r.ref, "Warning", "Unhealthy", `Readiness probe failed: ${res.detail}`, who);
        if (++c.probes.readinessFails >= (p?.failureThreshold ?? 1) && c.ready) {
          c.ready = false;
          this.x.queueStatus(r);
        }
      }
    });
    loop("liveness", c.spec.livenessProbe, async () => {
      if (!c.started) return;
      const p = c.spec.livenessProbe!;
      const fault = faults.active("liveness-fails", this.x.target(r, c));
      const res = fault ? { ok: false, detail: "HTTP probe failed with statuscode: 500" } : await this.probe(r, c, p);
      if (res.ok) {
        c.probes.livenessFails = 0;
        return;
      }
      await events.emit(r.ref, "Warning", "Unhealthy", `Liveness probe failed: ${res.detail}`, who);
      if (++c.probes.livenessFails >= (p.failureThreshold ?? 3)) await this.kill(r, c, "failed liveness probe");
    });
  }

  private execProbes = 0;

  /** Runs a probe the way the kubelet does; what the container prints while answering goes to its log. */
  private probe(r: PodRecord, c: ContainerRecord, p: k8s.V1Probe): Promise<ProbeResult> {
    // With realistic latency, an exec probe on Windows now and then overruns the default 1 s timeout (containerd/cri #971);
    // the kubelet then reports the probe as failed with its timeout text.
    if (
      p.exec &&
      r.node.os === "windows" &&
      this.x.d.timing.realistic &&
      (p.timeoutSeconds ?? 1) <= 1 &&
      ++this.execProbes % realFigures.execProbeTimeoutEvery === 0
    ) {
      return Promise.resolve({ ok: false, detail: `command ${JSON.stringify((p.exec.command ?? []).join(" "))} timed out` });
    }
    return runHandler(c, p, this.x.d.net, r.node.address, { timeoutSeconds: p.timeoutSeconds, log: (lines) => this.x.writeLogs(r, c, lines) });
  }

  hook(r: PodRecord, c: ContainerRecord, h: k8s.V1LifecycleHandler) {
    return runHandler(c, h, this.x.d.net, r.node.address, { userAgent: "kube-lifecycle/1.36", log: (lines) => this.x.writeLogs(r, c, lines) });
  }

  /** The kubelet kills a container that failed its liveness or startup probe; restartPolicy decides what follows. */
  private async kill(r: PodRecord, c: ContainerRecord, why: string): Promise<void> {
    await this.x.d.events.emit(r.ref, "Normal", "Killing", `Container ${c.spec.name} ${why}, will be restarted`, { name: c.spec.name });
    if (c.spec.lifecycle?.preStop) await this.hook(r, c, c.spec.lifecycle.preStop);
    // Windows reports the process's own exit code after CTRL_SHUTDOWN_EVENT; Linux reports SIGKILL's 137.
    this.exited(r, c, r.node.os === "windows" ? 1 : 137, "Error");
    c.probes = freshProbeCounters();
    this.x.status.updatePhase(r);
  }
}
