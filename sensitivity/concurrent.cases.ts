// Sensitivity of Core.Concurrent: an IPAM that hands out an address already in use breaks the density check.
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
];
