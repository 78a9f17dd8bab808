// Probe behaviour checks for Core.Probes: pure readers of pod status and events (ready, started, restarts, the
// kubelet's Unhealthy/Killing events). A property that must hold for a while is env.wait.podHolds.
import type * as k8s from "@kubernetes/client-node";

import { containerStatus, isPodReady } from "../cluster/status.js";

export const restarts = (p: k8s.V1Pod, container: string) => containerStatus(p, container)?.restartCount ?? 0;
export const isStarted = (p: k8s.V1Pod, container: string) => containerStatus(p, container)?.started === true;
export const isRunning = (p: k8s.V1Pod, container: string) => !!containerStatus(p, container)?.state?.running;

/** One line on a container: state, ready, started, restarts. */
export function containerSummary(p: k8s.V1Pod, container: string): string {
  const cs = containerStatus(p, container);
  if (!cs) return `${p.metadata?.name}[${container}]: no status yet`;
  const state = cs.state?.running
    ? "running"
    : cs.state?.waiting
      ? `waiting (${cs.state.waiting.reason})`
      : cs.state?.terminated
        ? `terminated (${cs.state.terminated.reason}, exit ${cs.state.terminated.exitCode})`
        : "?";
  return `${p.metadata?.name}[${container}] ${state}, ready=${cs.ready}, started=${cs.started ?? "?"}, restartCount=${cs.restartCount}, pod Ready=${isPodReady(p)}`;
}

export type ProbeKind = "Liveness" | "Readiness" | "Startup";

/** The kubelet's "Unhealthy" events for one probe kind ("Liveness probe failed: ..."). */
export function probeFailures(events: k8s.CoreV1Event[], kind: ProbeKind): k8s.CoreV1Event[] {
  return events.filter((e) => e.reason === "Unhealthy" && (e.message ?? "").startsWith(`${kind} probe failed`));
}

/** The kubelet's "Killing" event for a probe failure ("Container app failed liveness probe, will be restarted"). */
export function killedFor(events: k8s.CoreV1Event[], kind: "liveness" | "startup"): k8s.CoreV1Event | undefined {
  return events.find((e) => e.reason === "Killing" && new RegExp(`failed ${kind} probe`, "i").test(e.message ?? ""));
}
