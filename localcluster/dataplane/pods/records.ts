// The emulated kubelet's memory of each pod and container it runs.
import type * as k8s from "@kubernetes/client-node";
import type { ContainerView } from "../model.js";
import type { ContainerLogs } from "../logs.js";
import type { Volume } from "../fs.js";
import type { PodRef } from "../events.js";
import type { NodeFacts } from "./container-view.js";
import type { Workload } from "../workloads/index.js";

export type ContainerState =
  | { kind: "waiting"; reason: string; message?: string }
  | { kind: "running"; startedAt: string }
  | { kind: "terminated"; exitCode: number; reason: string; message?: string; startedAt?: string; finishedAt: string };

export interface ContainerRecord {
  spec: k8s.V1Container;
  init: boolean;
  state: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  started: boolean;
  restartCount: number;
  containerID?: string;
  imageID?: string;
  view?: ContainerView;
  workload?: Workload;
  logs: ContainerLogs;
  probes: { readinessFails: number; readinessOk: number; livenessFails: number; startupOk: boolean; startupFails: number };
  /** Bumped on every (re)start: timers of an older incarnation check it and stand down. */
  generation: number;
}

export interface PodRecord {
  ref: PodRef;
  pod: k8s.V1Pod;
  node: NodeFacts;
  podIP?: string;
  /** On a dual-stack node: the pod's IPv6 address (status.podIPs[1]). */
  podIPv6?: string;
  volumes?: Map<string, Volume>;
  init: ContainerRecord[];
  containers: ContainerRecord[];
  phase: "Pending" | "Running" | "Succeeded" | "Failed";
  reason?: string;
  message?: string;
  startTime?: string;
  sandboxReady: boolean;
  initialized: boolean;
  terminating: boolean;
  gone: boolean;
  timers: Set<NodeJS.Timeout>;
  conditionTimes: Record<string, { status: string; at: string }>;
  /** Epoch ms before which the pod cannot connect anywhere (a Windows pod's network lags its Running state). */
  networkReadyAt?: number;
}
