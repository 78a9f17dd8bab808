// What preflight learned about the target cluster; every suite and fixture reads it, none re-discovers it.
import type { LabelSelector } from "../pools/selector.js";

export interface NodeInfo {
  name: string;
  os: "linux" | "windows" | string;
  /** node.kubernetes.io/windows-build, e.g. "10.0.20348"; undefined on Linux. */
  build?: string;
  arch: string;
  ready: boolean;
  controlPlane: boolean;
  taints: { key: string; value?: string; effect: string }[];
  labels: Record<string, string>;
  osImage: string;
  kernelVersion: string;
  kubeletVersion: string;
  containerRuntimeVersion: string;
  internalIP?: string;
  externalIP?: string;
  allocatable: Record<string, string>;
}

/** A Windows node pool: discovered (provider pool label, else build) or named by `run --windows-nodes`. */
export interface Pool {
  /** The label selector that targets it (`agentpool=win25`); also its name in the report card. */
  selector: string;
  /** Its Windows nodes (Ready or not), sorted. */
  nodes: string[];
  readyNodes: number;
  builds: string[];
  /** Its nodes' taints, as key[=value]:Effect. */
  taints: string[];
}

export interface Capabilities {
  server: { url: string; gitVersion: string; platform: string };
  /** The kubeconfig context in use ("hybrid-local" for the embedded cluster). */
  context: string;
  /** True when the target is the embedded local cluster. */
  local: boolean;
  nodes: NodeInfo[];
  /** Distinct Windows builds among Ready Windows nodes, sorted. */
  windowsBuilds: string[];
  /** The intent taints of Ready Windows nodes (no lifecycle or drain taints; lib/preflight/taints.ts): Windows fixtures tolerate exactly these. */
  windowsTaints: { key: string; value?: string; effect: string }[];
  /** Control-plane taints Linux helper pods tolerate (upstream's practice; a kubeadm cluster may have no Linux worker). */
  linuxTaints?: { key: string; value?: string; effect: string }[];
  /** Every Windows pool, discovered (lib/pools/pools.ts). */
  pools?: Pool[];
  /** `run --windows-nodes`: the pool the run is narrowed to (windowsBuilds and windowsTaints are then its own). */
  targetPool?: Pool & { selection: LabelSelector };
  runtimeClasses: { name: string; handler: string; nodeSelector: Record<string, string> }[];
  gmsa: { crd: boolean; webhook: boolean };
  /** Pod Security admission level enforced on new namespaces, if the harness can tell. */
  podSecurity?: string;
}
