// Core.Network, Core.Probes and Core.Logs, one fault at a time (continued from network.cases.ts, whose titles,
// message patterns and selection these share): a file of its own so its spec can run in another e2e lane.
import type { SensitivityCase } from "./case.js";
import { NETWORK, failing, categories, args, hcNamespaces } from "./network.cases.js";

export const cases: SensitivityCase[] = [
  {
    // The stale answer is the one the check itself got before deleting the pods: a cache that keeps serving it.
    fault: "headless-dns-stale",
    options: hcNamespaces,
    kind: "targeted",
    categories: ["Core.Network"],
    why: "only a headless Service's per-pod names; ClusterIP Service names, the external name and every address path still work",
    breaks: {
      [NETWORK.statefulSet]: [
        /^StatefulSet pod DNS record \(re-created\): nslookup win-sts-0\.win-sts\.hc-[a-z0-9-]+\.svc\.cluster\.local from hc-[a-z0-9-]+\/windows-client@[a-z0-9.-]+: win-sts-0\.win-sts\.\S+ resolves to \[10\.[\d.]+\], expected \[10\.[\d.]+\]/,
      ],
    },
  },
  {
    fault: "externalname-not-resolved",
    options: hcNamespaces,
    kind: "targeted",
    categories: ["Core.Network"],
    why: "only the ExternalName alias; the external name itself, Service names and the headless per-pod names still resolve",
    breaks: {
      [NETWORK.externalName]: [
        /^ExternalName service external-web → www\.example\.com: nslookup external-web\.hc-[a-z0-9-]+\.svc\.cluster\.local from hc-[a-z0-9-]+\/windows-client@[a-z0-9.-]+: external-web\.\S+ does not resolve: \*\*\* UnKnown can't find external-web\.[^:]+: Non-existent domain/,
      ],
    },
  },
  {
    // A second controller's slice lists a deleted pod's address as ready: the slices no longer list exactly the
    // ready pods. That address is routed to as well, so ClusterIP paths would fail by chance of round-robin: the run
    // selects only the EndpointSlice check, with waits scaled to 0.05 (the wait for the right set, a pod-start budget, can only time out).
    fault: "endpointslice-stale",
    options: hcNamespaces,
    kind: "targeted",
    categories,
    args: [...args, "--timeout-scale", "0.05"],
    grep: "EndpointSlices",
    why: "the Service's slices list an address no ready pod holds",
    breaks: {
      [NETWORK.endpointSlices]: [
        /waiting for EndpointSlices of service hc-[a-z0-9-]+\/win-webserver to list exactly the ready pods \[[\d., ]+\]/,
        /last seen: ready addresses: \[[\d., ]*10\.\d+\.\d+\.250\b/,
      ],
    },
  },
  { fault: "egress-blocked", options: hcNamespaces, kind: "targeted", categories, args, why: "only the external address", breaks: failing("egress") },
  {
    fault: "readiness-never",
    options: { pod: "probes-*" },
    kind: "targeted",
    categories,
    args,
    why: "the probe fixtures never turn Ready; the liveness tests wait for a started container, not a Ready one",
    breaks: failing("readiness", "startup"),
  },
  {
    fault: "liveness-fails",
    options: hcNamespaces,
    kind: "targeted",
    categories,
    args,
    why: "only pods with a liveness probe (probes-liveness, probes-startup) are restarted",
    breaks: failing("liveness", "startup", "previousLogs"),
  },
  {
    fault: "logs-empty",
    options: hcNamespaces,
    kind: "targeted",
    categories,
    args,
    why: "every test that reads a container's log",
    breaks: failing("callers", "liveness", "requestLines", "previousLogs", "logMonitor"),
  },
  {
    // When the runner cannot reach node addresses, the NodePort is checked from a host-network Linux pod: the same
    // fault must still fail it, naming that pod.
    fault: "nodeport-closed",
    options: hcNamespaces,
    kind: "targeted",
    categories,
    args,
    env: { HC_NODEPORT_FROM: "pod" },
    grep: "NodePort",
    why: "checked from a host-network Linux pod, the NodePort path still fails, naming that pod",
    breaks: { [NETWORK.nodePort]: [/^NodePort from a host-network pod: hostnet-client@[a-z0-9-]+ \(host network\) → [\d.]+:\d+ \(node /] },
  },
];
