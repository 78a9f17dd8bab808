// Sensitivity of Extend.NetworkPolicy: the policy agent not programming policies on the Windows nodes (Calico's or
// Antrea's agent down there) must fail the check, naming the Windows pod and its node, while the cluster's Linux
// side still enforces (so this is a failure). With no policy engine anywhere, the check is skipped, saying why.
import type { SensitivityCase } from "./case.js";
import { NETWORK_POLICY } from "../suites/extended/network-policy.titles.js";

export const cases: SensitivityCase[] = [
  {
    fault: "networkpolicy-not-enforced",
    options: { node: "*win*" },
    kind: "targeted",
    categories: ["Extend.NetworkPolicy"],
    breaks: {
      [NETWORK_POLICY.sameNamespace]: [
        /^Windows pod under allow-same-namespace, from another namespace: hc-[a-z0-9-]+-other\/linux-client@[a-z0-9.-]+ → [\d.]+:80 \(Windows pod win-webserver-[a-z0-9-]+ on [a-z0-9.-]+\)/,
        /but not for Windows pod win-webserver-[a-z0-9-]+ on node [a-z0-9.-]*win[a-z0-9.-]*$/,
      ],
    },
  },
  {
    fault: "networkpolicy-not-enforced",
    kind: "targeted",
    categories: ["Extend.NetworkPolicy"],
    why: "no policy engine anywhere: the check detects it with a deny-all probe and skips, naming the probe",
    breaks: {},
    skips: {
      [NETWORK_POLICY.sameNamespace]: [/^the cluster does not enforce NetworkPolicy: with a deny-all ingress policy on Linux pod hc-[a-z0-9-]+\/linux-client/],
    },
  },
];
