// Sensitivity of Extend.Network: the service proxy leaving one port of a multi-port Service unprogrammed must fail
// the multi-port check, naming the Windows client, the ClusterIP and the port that did not answer.
// On this (single-stack) cluster the category's dual-stack check is skipped, naming the API server's refusal.
import type { SensitivityCase } from "./case.js";
import { EXTENDED_NETWORK } from "../suites/extended/network.titles.js";
import { DUAL_STACK_TITLE, NOT_DUAL_STACK } from "./dual-stack.cases.js";

/** What a run of the category skips on the single-stack local cluster. */
export const SINGLE_STACK_SKIPS = { [DUAL_STACK_TITLE]: [NOT_DUAL_STACK] };

export const cases: SensitivityCase[] = [
  {
    fault: "service-port-unrouted",
    options: { namespace: "hc-*" },
    kind: "targeted",
    categories: ["Extend.Network"],
    why: "only the Service's second port (9376) loses its rule; port 80 still answers",
    skips: SINGLE_STACK_SKIPS,
    breaks: {
      [EXTENDED_NETWORK.multiPort]: [
        /^multi-port Service, port 9376 \(hostname → 9376\), from a Windows pod: windows-client@[a-z0-9.-]+ → [\d.]+:9376\/echo\?msg=multiport-http-port \(service multiport-backend port hostname/,
      ],
    },
  },
];
