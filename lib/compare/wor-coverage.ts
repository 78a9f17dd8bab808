// Which of this harness's checks cover each windows-operational-readiness (WOR) test case. The WOR cases
// themselves are data (wor-cases.json, with the WOR commit they were read at); this file only maps them.
// Keyed by the WOR case's description, exactly as wor-cases.json holds it.
//
// A case is covered by `checks` (full titles "Category › test title", as `list` prints them), and may also be
// `pending`: a check another branch of this session is adding (issue 18). A pending placeholder names where that
// check will live and a pattern its title will match; test/unit/compare/wor.spec.ts fails loudly as soon as a
// suite has a matching title, so the placeholder is replaced by the real title at merge time, never forgotten.
// `gap` says, with the reason, what no check covers — shown as such in the table, never hidden.

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

export const worCoverage: Record<string, Coverage> = {
  // Core.Concurrent
  "Ability to schedule 10 pods concurrently": {
    checks: ["Core.Concurrent › starts 10 Windows pods at once on one node: all Ready within the pod-start budget, each with its own pod IP"],
  },

  // Core.Network
  "Ability to access Windows container IP by pod IP": {
    checks: [
      "Core.Network › serves the web page on each Windows pod's IP from a Linux pod",
      "Core.Network › reaches a Windows pod on another node from a Windows pod (pod to pod)",
    ],
  },
  "Ability to expose windows pods by creating the service ClusterIP": {
    checks: [
      "Core.Network › serves the web page on the Service ClusterIP from a Linux pod",
      "Core.Network › serves the web page on the Service ClusterIP from a Windows client pod",
    ],
  },
  "Ability to expose windows pods by creating the service NodePort": {
    checks: ["Core.Network › serves the web page on the NodePort from outside the cluster (every node)"],
  },
  "Ability to schedule multiple containers, with distinct IP addresses, on the same node": {
    checks: ["Core.Concurrent › starts 10 Windows pods at once on one node: all Ready within the pod-start budget, each with its own pod IP"],
    gap: "the kubelet stats summary part (upstream kubelet_stats.go) is not built: the local cluster's node proxy cannot reach kwok's kubelet port",
  },
  "Ability to delete and recreate services in such a way that load balancing rules for pods are recovered by whatever chosen service proxy is being utilized": {
    checks: ["Core.Network › restores routing when the Service is deleted and recreated"],
  },
  "Ability to delete and recreate pods for StatefulSets which preserve their ability to serve as routed endpoints for services": {
    checks: [
      "Core.Network › keeps each StatefulSet pod's name and DNS record (<pod>.<svc>.<ns>.svc.<domain>) behind a headless Service across deletion and re-creation, and routes to it again",
    ],
  },
  "Ability to access internal pods by internal Kubernetes DNS service endpoints.": {
    checks: [
      "Core.Network › serves the web page on the Service DNS name (<svc>.<ns>.svc.<domain>) from a Linux pod",
      "Core.Network › serves the web page on the Service DNS name (<svc>.<ns>.svc.<domain>) from a Windows pod",
    ],
  },
  "Ability to access external services by Kubernetes DNS services endpoints (for non-airgapped clusters).": {
    checks: ["Core.Network › resolves an ExternalName Service from a Windows pod: a CNAME to the external name, which resolves to its addresses"],
  },
  "Ability to access internal pods through custom DNS records, injected by the Kubernetes pod Specification.": {
    checks: [
      "Core.Network › gives a Windows pod with dnsPolicy None exactly its own nameservers and search domains, which resolve its names (and a bogus name fails)",
    ],
  },
  "Ability to route services from pods from the EndpointSlice API.": {
    checks: ["Core.Network › lists exactly the ready Windows pods in the Service's EndpointSlices"],
  },

  // Core.Scheduling
  "Ability to not exceed pod memory limits and should fail once there isn't enough memory": {
    checks: [
      "Core.Scheduling › refuses a Windows pod that requests more CPU and memory than any Windows node can allocate: FailedScheduling, Insufficient cpu and memory",
    ],
    gap: "the allocatable = capacity − reserved − eviction half (upstream memory_limits.go reads the kubelet's configz through the node proxy) is not built: the local cluster's node proxy refuses its loopback node addresses (docs/local-cluster.md)",
  },
  "Ability to not exceed pod CPU limits": {
    checks: [],
    gap: "not built yet: a busy loop under a CPU limit measured from the kubelet stats summary, which the local cluster cannot serve",
  },

  // Core.Storage
  "Ability to mount a hostPath storage volume from a Kubelet into a pod and read from it.": {
    checks: ["Core.Storage › reads and writes a hostPath volume from a Windows pod: the file outlives the pod and the next pod on the node reads it"],
  },
  "Ability to mount a hostPath storage volume from a Kubelet into a pod and write to it.": {
    checks: [
      "Core.Storage › reads and writes a hostPath volume from a Windows pod: the file outlives the pod and the next pod on the node reads it",
      "Core.Storage › refuses writes to read-only emptyDir and hostPath mounts of a Windows pod with Access is denied., while the read-write mount works",
    ],
  },
  "Ability to mount host volumes. (Secrets/Projected Secrets/ConfigMap/Projected ConfigMap)": {
    checks: [
      "Core.Workloads › gives a Windows container its ConfigMap and Secret as environment variables and as files",
      "Core.Storage › mounts Secret, ConfigMap and projected Secret + ConfigMap volumes into a Windows pod",
    ],
  },
  "Ability to read and write shared files on a single Kubernetes node between three running Windows containers, simultaneously.": {
    checks: [
      "Core.Workloads › shares an emptyDir between the containers of a Windows pod",
      "Core.Storage › lets three containers of a Windows pod write and read the same files at once",
    ],
  },

  // Extend.ActiveDirectory
  "Ability to read and write files as a GMSA User": {
    checks: [],
    gap: "WOR writes to a remote SMB share as the GMSA user; no check reaches an SMB share (needs a real domain file server)",
  },
  "Ability to run a pod as a GMSA User and verify if it can connect to the domain successfully": {
    checks: [
      "Extend.ActiveDirectory › fills the credential spec contents into a pod that names its GMSACredentialSpec",
      "Extend.ActiveDirectory › reaches the domain from inside the pod: nltest /query completes successfully, without ERROR_NO_LOGON_SERVERS or RPC_S_SERVER_UNAVAILABLE",
    ],
  },

  // Extend.NetworkPolicy
  "Ability to protect IPv4 pods from accessing other pods when TCP NetworkPolicys are present that block specific pod connectivity.": {
    checks: ["Extend.NetworkPolicy › admits only its own namespace to a Windows pod under a same-namespace NetworkPolicy, and all namespaces again without it"],
  },
  "Ability to protect IPv4 pods from accessing other pods when TCP NetworkPolicys are present that block specific namespace connectability.": {
    checks: ["Extend.NetworkPolicy › admits only its own namespace to a Windows pod under a same-namespace NetworkPolicy, and all namespaces again without it"],
  },

  // Extend.Network
  "Ability to support IPv6 and IPv4 services for accessing internal Linux pods from Windows pods over ClusterIP Endpoints.": {
    checks: [
      "Extend.Network › reaches two different container ports of Linux backends through the two ports of one multi-port Service from a Windows pod (ClusterIP, IPv4)",
    ],
    gap: "IPv4 only: the IPv6 ClusterIP half needs a dual-stack local cluster (IPv4 and IPv6 service and pod ranges), not built yet",
  },
  "Ability to support IPv6 and IPv4 services for accessing internal Linux pods from Windows pods over NodePort Endpoints.": {
    checks: ["Core.Network › serves the web page on the NodePort from outside the cluster (every node)"],
    gap: "IPv4 only: the IPv6 NodePort half needs a dual-stack local cluster, not built yet",
  },
};
