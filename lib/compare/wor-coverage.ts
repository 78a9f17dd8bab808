// Which of this harness's checks cover each windows-operational-readiness (WOR) test case. The WOR cases
// themselves are data (wor-cases.json, with the WOR commit they were read at); this file only maps them.
// Keyed by the WOR case's description, exactly as wor-cases.json holds it.
//
// A case is covered by `checks` (full titles "Category › test title", as `list` prints them), and may also be
// `pending`: a check another branch of this session is adding (issue 18). A pending placeholder names where that
// check will live and a pattern its title will match; test/unit/compare/wor.spec.ts fails loudly as soon as a
// suite has a matching title, so the placeholder is replaced by the real title at merge time, never forgotten.
// `gap` says, with the reason, what no check covers — shown as such in the table, never hidden.
import { CONCURRENT } from "../../suites/core/concurrent.titles.js";
import { NETWORK } from "../../suites/core/network.titles.js";
import { SCHEDULING } from "../../suites/core/scheduling.titles.js";
import { STORAGE } from "../../suites/core/storage.titles.js";
import { WORKLOADS } from "../../suites/core/workloads.titles.js";
import { ACTIVE_DIRECTORY } from "../../suites/extended/gmsa.titles.js";
import { NETWORK_POLICY } from "../../suites/extended/network-policy.titles.js";
import { EXTENDED_NETWORK } from "../../suites/extended/network.titles.js";

export interface Pending {
  /** The category the coming check will live in. */
  category: string;
  /** Matches the coming check's title (case-insensitive). */
  title: RegExp;
  /** What it will check, for the table. */
  what: string;
}

export interface Coverage {
  checks: string[];
  pending?: Pending[];
  gap?: string;
}

/** WOR's two "IPv6 and IPv4 services" cases, on a dual-stack cluster (skipped, saying so, on a single-stack one). */
const DUAL_STACK = `Extend.Network › ${EXTENDED_NETWORK.dualStack}`;

export const worCoverage: Record<string, Coverage> = {
  // Core.Concurrent
  "Ability to schedule 10 pods concurrently": {
    checks: [`Core.Concurrent › ${CONCURRENT.density}`],
  },

  // Core.Network
  "Ability to access Windows container IP by pod IP": {
    checks: [`Core.Network › ${NETWORK.podIP}`, `Core.Network › ${NETWORK.podToPod}`],
  },
  "Ability to expose windows pods by creating the service ClusterIP": {
    checks: [`Core.Network › ${NETWORK.clusterIPLinux}`, `Core.Network › ${NETWORK.clusterIPWindows}`],
  },
  "Ability to expose windows pods by creating the service NodePort": {
    checks: [`Core.Network › ${NETWORK.nodePort}`],
  },
  "Ability to schedule multiple containers, with distinct IP addresses, on the same node": {
    checks: [`Core.Concurrent › ${CONCURRENT.density}`, `Core.Concurrent › ${CONCURRENT.stats}`],
  },
  "Ability to delete and recreate services in such a way that load balancing rules for pods are recovered by whatever chosen service proxy is being utilized": {
    checks: [`Core.Network › ${NETWORK.recreate}`],
  },
  "Ability to delete and recreate pods for StatefulSets which preserve their ability to serve as routed endpoints for services": {
    checks: [`Core.Network › ${NETWORK.statefulSet}`],
  },
  "Ability to access internal pods by internal Kubernetes DNS service endpoints.": {
    checks: [`Core.Network › ${NETWORK.fqdnLinux}`, `Core.Network › ${NETWORK.fqdnWindows}`],
  },
  "Ability to access external services by Kubernetes DNS services endpoints (for non-airgapped clusters).": {
    checks: [`Core.Network › ${NETWORK.externalName}`],
  },
  "Ability to access internal pods through custom DNS records, injected by the Kubernetes pod Specification.": {
    checks: [`Core.Network › ${NETWORK.customDns}`],
  },
  "Ability to route services from pods from the EndpointSlice API.": {
    checks: [`Core.Network › ${NETWORK.endpointSlices}`],
  },

  // Core.Scheduling
  "Ability to not exceed pod memory limits and should fail once there isn't enough memory": {
    checks: [`Core.Scheduling › ${SCHEDULING.insufficient}`, `Core.Scheduling › ${SCHEDULING.allocatable}`],
  },
  "Ability to not exceed pod CPU limits": {
    checks: [`Core.Scheduling › ${SCHEDULING.cpuLimit}`],
  },

  // Core.Storage
  "Ability to mount a hostPath storage volume from a Kubelet into a pod and read from it.": {
    checks: [`Core.Storage › ${STORAGE.hostPath}`],
  },
  "Ability to mount a hostPath storage volume from a Kubelet into a pod and write to it.": {
    checks: [`Core.Storage › ${STORAGE.hostPath}`, `Core.Storage › ${STORAGE.readOnly}`],
  },
  "Ability to mount host volumes. (Secrets/Projected Secrets/ConfigMap/Projected ConfigMap)": {
    checks: [`Core.Workloads › ${WORKLOADS.config}`, `Core.Storage › ${STORAGE.projected}`],
  },
  "Ability to read and write shared files on a single Kubernetes node between three running Windows containers, simultaneously.": {
    checks: [`Core.Workloads › ${WORKLOADS.emptyDir}`, `Core.Storage › ${STORAGE.shared}`],
  },

  // Extend.ActiveDirectory
  "Ability to read and write files as a GMSA User": {
    checks: [],
    gap: "WOR writes to a remote SMB share as the GMSA user; no check reaches an SMB share (needs a real domain file server)",
  },
  "Ability to run a pod as a GMSA User and verify if it can connect to the domain successfully": {
    checks: [`Extend.ActiveDirectory › ${ACTIVE_DIRECTORY.fill}`, `Extend.ActiveDirectory › ${ACTIVE_DIRECTORY.nltest}`],
  },

  // Extend.NetworkPolicy
  "Ability to protect IPv4 pods from accessing other pods when TCP NetworkPolicys are present that block specific pod connectivity.": {
    checks: [`Extend.NetworkPolicy › ${NETWORK_POLICY.sameNamespace}`],
  },
  "Ability to protect IPv4 pods from accessing other pods when TCP NetworkPolicys are present that block specific namespace connectability.": {
    checks: [`Extend.NetworkPolicy › ${NETWORK_POLICY.sameNamespace}`],
  },

  // Extend.Network
  "Ability to support IPv6 and IPv4 services for accessing internal Linux pods from Windows pods over ClusterIP Endpoints.": {
    checks: [`Extend.Network › ${EXTENDED_NETWORK.multiPort}`, DUAL_STACK],
  },
  "Ability to support IPv6 and IPv4 services for accessing internal Linux pods from Windows pods over NodePort Endpoints.": {
    checks: [`Core.Network › ${NETWORK.nodePort}`, DUAL_STACK],
  },
};
