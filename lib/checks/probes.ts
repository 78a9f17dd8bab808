// Probe behaviour checks for Core.Probes: pure readers of pod status and events (ready, started, restarts, the
// kubelet's Unhealthy/Killing events) and `holds`, a watch that requires a pod to keep a property for a while —
// "stays NotReady", "is not restarted while its probe passes" — without a fixed sleep: it fails the moment the
// property breaks and succeeds when the window has passed.
import type * as k8s from "@kubernetes/client-node";
import { waitOn, WaitTimeout } from "../cluster/watch.js";

export const containerStatus = (p: k8s.V1Pod, container: string) => p.status?.containerStatuses?.find((c) => c.name === container);
export const isReady = (p: k8s.V1Pod) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
export const restarts = (p: k8s.V1Pod, container: string) => containerStatus(p, container)?.restartCount ?? 0;
export const isStarted = (p: k8s.V1Pod, container: string) => containerStatus(p, container)?.started === true;
export const isRunning = (p: k8s.V1Pod, container: string) => !!containerStatus(p, container)?.state?.running;

/** One line on a container: state, ready, started, restarts. */
export function containerSummary(p: k8s.V1Pod, container: string): string {
  const cs = containerStatus(p, container);
  if (!cs) return `${p.metadata?.name}[${container}]: no status yet`;
  const state = cs.state?.running ? "running" : cs.state?.waiting ? `waiting (${cs.state.waiting.reason})` : cs.state?.terminated ? `terminated (${cs.state.terminated.reason}, exit ${cs.state.terminated.exitCode})` : "?";
  return `${p.metadata?.name}[${container}] ${state}, ready=${cs.ready}, started=${cs.started ?? "?"}, restartCount=${cs.restartCount}, pod Ready=${isReady(p)}`;
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

/**
 * Watches the pod for `ms` and fails at once if `broken` reports a problem; resolves with the last pod seen when
 * the window passes unbroken. `what` names the property in messages ("keeps restartCount 0 while healthy").
 */
export async function holds(kc: k8s.KubeConfig, ns: string, pod: string, what: string, ms: number, broken: (p: k8s.V1Pod) => string | undefined): Promise<k8s.V1Pod> {
  let last: k8s.V1Pod | undefined;
  try {
    await waitOn<k8s.V1Pod, never>(
      kc,
      { path: `/api/v1/namespaces/${ns}/pods`, fieldSelector: `metadata.name=${pod}` },
      `pod ${ns}/${pod} ${what} for ${ms / 1000} s`,
      ([p]) => {
        if (!p) return { fail: `pod ${ns}/${pod} disappeared` };
        last = p;
        const problem = broken(p);
        return problem ? { fail: problem } : { pending: "holding" };
      },
      ms,
    );
  } catch (e) {
    if (e instanceof WaitTimeout && last) return last;
    throw e;
  }
  throw new Error(`pod ${ns}/${pod}: the hold ended without a verdict`);
}
