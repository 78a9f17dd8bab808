// Sensitivity of Core.Concurrent: an IPAM that hands out an address already in use breaks the density check; a
// kubelet that cannot collect stats breaks the stats summary check.
import type { SensitivityCase } from "./case.js";
import { CONCURRENT } from "../suites/core/concurrent.titles.js";

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
