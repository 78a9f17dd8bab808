// What preflight learned about the target cluster; every suite and fixture reads it, none re-discovers it.

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
  runtimeClasses: { name: string; handler: string; nodeSelector: Record<string, string> }[];
  gmsa: { crd: boolean; webhook: boolean };
  /** Pod Security admission level enforced on new namespaces, if the harness can tell. */
  podSecurity?: string;
}
