// Sensitivity of the dual-stack check (Extend.Network), on a dual-stack local cluster (`cluster up --dual-stack`,
// started by test/e2e/sensitivity-dual-stack.spec.ts): the service proxy programming no IPv6 rules must fail it,
// naming the Windows client and the IPv6 ClusterIP that did not answer (its IPv4 Service was reached before it).
// On the default single-stack cluster the check is skipped naming the API server's refusal
// (sensitivity/extended-network.cases.ts).
import type { SensitivityCase } from "./case.js";
import { EXTENDED_NETWORK } from "../suites/extended/network.titles.js";

export const DUAL_STACK_TITLE = EXTENDED_NETWORK.dualStack;
/** `run --grep`: the dual-stack check only (the multi-port check of the category has its own spec). */
export const DUAL_STACK_GREP = "an IPv6 Service";
/** Why the check is skipped on a single-stack cluster: the API server's own refusal, quoted. */
export const NOT_DUAL_STACK = /^the cluster is not dual-stack: the API server refused a RequireDualStack Service \(.*ipFamilyPolicy.*\)$/;

export const cases: SensitivityCase[] = [
  {
    fault: "ipv6-service-unrouted",
    options: { namespace: "hc-*" },
    kind: "targeted",
    categories: ["Extend.Network"],
    grep: DUAL_STACK_GREP,
    // The IPv6 path can only time out: a fifth of the budgets ends the wait sooner.
    args: ["--timeout-scale", "0.2"],
    why: "the IPv6 Service's ClusterIP and NodePort get no rule; the IPv4 Service still answers on both",
    breaks: {
      [DUAL_STACK_TITLE]: [
        /^IPv6 Service, ClusterIP, from a Windows pod: windows-client@[a-z0-9.-]+ → \[fd00:10:96::[0-9a-f]+\]:80\/hostname \(service dual-stack-ipv6 \(IPv6 ClusterIP\)/,
        /curl: \(28\)/,
      ],
    },
  },
];
