// Core.Workloads, upstream test/e2e/windows/container_stop_signals.go: `lifecycle.stopSignal` on a Windows pod.
// API validation (pkg/apis/core/validation validateStopSignal) allows only SIGTERM and SIGKILL for spec.os.name
// windows and refuses any other signal as NotSupported on the container's exact field path. The field exists only
// with the ContainerStopSignals feature gate (alpha, off by default in Kubernetes 1.33–1.36): with the gate off,
// the API server drops it on create (pkg/api/pod/util.go dropContainerStopSignals) and nothing is validated. So the
// check first finds out, with a dry-run create read back, whether the server keeps the field at all.
import type * as k8s from "@kubernetes/client-node";
import { matchOutcome, type Outcome } from "./rejections.js";

export const STOP_SIGNAL_FIELD = "spec.containers[0].lifecycle.stopSignal";

/** upstream's table: SIGTERM and SIGKILL accepted; SIGQUIT and SIGUSR1 (valid on Linux) refused for Windows. */
export const STOP_SIGNAL_CASES: { signal: string; accept: boolean }[] = [
  { signal: "SIGTERM", accept: true },
  { signal: "SIGKILL", accept: true },
  { signal: "SIGQUIT", accept: false },
  { signal: "SIGUSR1", accept: false },
];

/** A copy of the pod whose first container asks for `signal` on stop. */
export function withStopSignal(pod: k8s.V1Pod, signal: string): k8s.V1Pod {
  const p = structuredClone(pod);
  const c = p.spec!.containers[0];
  c.lifecycle = { ...c.lifecycle, stopSignal: signal };
  return p;
}

const readBack = (o: Outcome) => (o.accepted ? o.object.spec?.containers?.[0]?.lifecycle?.stopSignal : undefined);

/** True when the server accepted the dry-run create but its answer has no stopSignal: the field was dropped. */
export const stopSignalDropped = (o: Outcome) => o.accepted && readBack(o) === undefined;

/** undefined when the server answered as upstream validation says; else one line naming the pod and the signal. */
export function stopSignalProblem(pod: string, signal: string, accept: boolean, o: Outcome): string | undefined {
  const where = `pod ${pod} with ${STOP_SIGNAL_FIELD}=${signal}`;
  if (accept) {
    const v = matchOutcome(o, { accept: true });
    if (!v.ok) return `${where}: ${v.explanation}`;
    const kept = readBack(o);
    return kept === signal ? undefined : `${where}: accepted, but the API server's answer says stopSignal ${kept ?? "(none)"}`;
  }
  const v = matchOutcome(o, { reject: [{ field: STOP_SIGNAL_FIELD, reason: "FieldValueNotSupported", message: 'supported values: "SIGKILL", "SIGTERM"' }] });
  if (v.ok) return undefined;
  const kept = readBack(o);
  return `${where}: ${v.explanation}${o.accepted ? ` (the API server's answer says stopSignal ${kept ?? "(none)"})` : ""}`;
}
