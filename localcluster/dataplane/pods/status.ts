// Renders a PodRecord as the PodStatus a kubelet would report.
import type * as k8s from "@kubernetes/client-node";
import type { ContainerRecord, ContainerState, PodRecord } from "./records.js";
import { qualify } from "../images.js";

function state(s: ContainerState): k8s.V1ContainerState {
  switch (s.kind) {
    case "waiting":
      return { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } };
    case "running":
      return { running: { startedAt: new Date(s.startedAt) } };
    case "terminated":
      return {
        terminated: {
          exitCode: s.exitCode,
          reason: s.reason,
          ...(s.message ? { message: s.message } : {}),
          ...(s.startedAt ? { startedAt: new Date(s.startedAt) } : {}),
          finishedAt: new Date(s.finishedAt),
          ...(s.exitCode !== 0 || s.reason ? {} : {}),
        },
      };
  }
}

function containerStatus(c: ContainerRecord): k8s.V1ContainerStatus {
  return {
    name: c.spec.name,
    image: c.spec.image ?? "",
    imageID: c.imageID ?? "",
    ...(c.containerID ? { containerID: c.containerID } : {}),
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
    state: state(c.state),
    lastState: c.lastState ? state(c.lastState) : {},
  };
}

/** `reportIP` false: the pod-ip-unreported fault (the CNI result carried no IP, so the kubelet has none to report). */
export function podStatus(r: PodRecord, current: k8s.V1PodStatus | undefined, reportIP = true): k8s.V1PodStatus {
  const now = new Date().toISOString();
  const cond = (type: string, ok: boolean, reason?: string, message?: string): k8s.V1PodCondition => {
    const status = ok ? "True" : "False";
    const prev = r.conditionTimes[type];
    if (!prev || prev.status !== status) r.conditionTimes[type] = { status, at: now };
    return {
      type,
      status,
      lastProbeTime: null as unknown as undefined,
      lastTransitionTime: new Date(r.conditionTimes[type].at),
      ...(!ok && reason ? { reason, message } : {}),
    };
  };
  const unready = r.containers.filter((c) => !c.ready).map((c) => c.spec.name);
  const allReady = unready.length === 0 && r.phase === "Running";
  const notReadyMsg = `containers with unready status: [${unready.join(" ")}]`;
  const notReadyReason = r.phase === "Succeeded" || r.phase === "Failed" ? "PodCompleted" : "ContainersNotReady";
  const scheduled = current?.conditions?.find((c) => c.type === "PodScheduled");
  const extra =
    current?.conditions?.filter((c) => !["PodScheduled", "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"].includes(c.type)) ?? [];
  const readinessGates = r.pod.spec?.readinessGates ?? [];
  const gatesOk = readinessGates.every((g) => extra.some((c) => c.type === g.conditionType && c.status === "True"));
  const uninit = r.init.filter((c) => !(c.state.kind === "terminated" && c.state.exitCode === 0)).map((c) => c.spec.name);
  return {
    phase: r.phase,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.message ? { message: r.message } : {}),
    conditions: [
      ...(r.sandboxReady || r.podIP ? [cond("PodReadyToStartContainers", r.sandboxReady && r.phase !== "Succeeded" && r.phase !== "Failed")] : []),
      cond("Initialized", r.initialized, "ContainersNotInitialized", `containers with incomplete status: [${uninit.join(" ")}]`),
      cond("Ready", allReady && gatesOk, notReadyReason, notReadyMsg),
      cond("ContainersReady", allReady, notReadyReason, notReadyMsg),
      ...(scheduled ? [scheduled] : []),
      ...extra,
    ],
    hostIP: r.node.address,
    hostIPs: [{ ip: r.node.address }],
    ...(r.podIP && reportIP ? { podIP: r.podIP, podIPs: [{ ip: r.podIP }] } : {}),
    ...(r.startTime ? { startTime: new Date(r.startTime) } : {}),
    ...(current?.qosClass ? { qosClass: current.qosClass } : {}),
    ...(r.init.length ? { initContainerStatuses: r.init.map(containerStatus) } : {}),
    containerStatuses: r.containers.map(containerStatus),
  };
}

export function imageID(image: string): string {
  // A stable fake digest per image, like containerd's repo@sha256 reference.
  let h = 0n;
  for (const ch of image) h = (h * 131n + BigInt(ch.charCodeAt(0))) % (1n << 256n);
  return `${qualify(image).replace(/:[^/:@]+$/, "")}@sha256:${h.toString(16).padStart(64, "0").slice(-64)}`;
}
