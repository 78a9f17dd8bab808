// Sensitivity of Core.Concurrent: an IPAM that hands out an address already in use breaks the density check; a
// kubelet that cannot collect stats breaks the stats summary check.
import type { SensitivityCase } from "./case.js";

export const CONCURRENT = {
  density: "starts 10 Windows pods at once on one node: all Ready within the pod-start budget, each with its own pod IP",
  stats: "the node's kubelet stats summary answers within 10 s and lists 10 Windows pods with CPU and memory above zero",
} as const;

export const cases: SensitivityCase[] = [
  {
    fault: "pod-ip-duplicated",
    kind: "targeted",
    categories: ["Core.Concurrent"],
    breaks: {
      [CONCURRENT.density]: [/^\d+ pods on node hc-win20(22|25)-\d share pod IP 10\.\d+\.\d+\.\d+: hc-[a-z0-9-]+\/concurrent-pods-[a-z0-9]+-[a-z0-9]+, /],
    },
  },
  {
    fault: "kubelet-stats-unavailable",
    kind: "targeted",
    categories: ["Core.Concurrent"],
    why: "the kubelet's /stats/summary answers 500; the density check, which never reads it, passes",
    breaks: {
      [CONCURRENT.stats]: [/GET \/api\/v1\/nodes\/hc-win20(22|25)-\d\/proxy\/stats\/summary failed \(HTTP 500\): Internal Error: failed to get pod stats/],
    },
  },
];
