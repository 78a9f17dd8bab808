// Core.Network, Core.Probes and Core.Logs, one fault at a time: exactly the tests that depend on the broken path
// fail, each message naming the path, the source and the destination (or, for probes and logs, the pod). Faults
// are scoped to the harness's namespaces (hc-*), or to the probe fixtures' pods.
import type { SensitivityCase } from "./case.js";

export const NETWORK = {
  podIP: "serves the web page on each Windows pod's IP from a Linux pod",
  podToPod: "reaches a Windows pod on another node from a Windows pod (pod to pod)",
  linuxToWindows: "connects from a Linux pod to a Windows pod (hybrid, Linux → Windows, up within 30 s and steady)",
  windowsToLinux: "connects from a Windows pod to a Linux pod (hybrid, Windows → Linux, up within 30 s and steady)",
  clusterIPLinux: "serves the web page on the Service ClusterIP from a Linux pod",
  clusterIPWindows: "serves the web page on the Service ClusterIP from a Windows client pod",
  clusterIPHairpin: "serves the web page on the Service ClusterIP from the Service's own Windows backends (hairpin)",
  fqdnLinux: "serves the web page on the Service DNS name (<svc>.<ns>.svc.<domain>) from a Linux pod",
  fqdnWindows: "serves the web page on the Service DNS name (<svc>.<ns>.svc.<domain>) from a Windows pod",
  nodePort: "serves the web page on the NodePort from outside the cluster (every node)",
  egress: "reaches an external address from inside a Windows pod (egress)",
  endpointSlices: "lists exactly the ready Windows pods in the Service's EndpointSlices",
  recreate: "restores routing when the Service is deleted and recreated",
  callers: "answers with the docs' page, counts each caller and logs each request (win-webserver's caller counts and request lines)",
  customDns: "gives a Windows pod with dnsPolicy None exactly its own nameservers and search domains, which resolve its names (and a bogus name fails)",
  statefulSet:
    "keeps each StatefulSet pod's name and DNS record (<pod>.<svc>.<ns>.svc.<domain>) behind a headless Service across deletion and re-creation, and routes to it again",
  externalName: "resolves an ExternalName Service from a Windows pod: a CNAME to the external name, which resolves to its addresses",
} as const;
export const PROBES = {
  readiness: "keeps a pod whose readiness probe fails NotReady and out of its Service's EndpointSlice, and puts it back when the probe passes",
  liveness: "restarts a container whose liveness probe fails (restartCount, Killing event, previous container's log)",
  startup: "holds readiness and liveness probes back until the startup probe passes",
} as const;
export const LOGS = {
  requestLines: "shows the web server's request lines in the pod's log after the test's requests",
  previousLogs: "keeps the previous container's log after a restart (kubectl logs --previous)",
  logMonitor: "surfaces every source configured for LogMonitor on the container's stdout, with the lines the container wrote itself",
} as const;
const TESTS = { ...NETWORK, ...PROBES, ...LOGS };
type Key = keyof typeof TESTS;

export const categories = ["Core.Network", "Core.Probes", "Core.Logs"];
export const args = ["--logmonitor-image", "registry.example/servercore-logmonitor:ltsc2022"];
export const hcNamespaces = { namespace: "hc-*" };

// What a failure message must name. Network paths: "<path>: <pod>@<node> (or the runner) → <ip or name>:<port> (...)".
const PATH_SOURCE_DESTINATION = /^[^:]+: (?:[a-z0-9-]+@[a-z0-9.-]+(?: \(host network\))?|the runner \([^)]*\)) → \[?[a-z0-9.:-]+\]?:\d+[^ ]* \(/i;
const NAMES: Record<Key, RegExp> = {
  ...(Object.fromEntries(Object.keys(NETWORK).map((k) => [k, PATH_SOURCE_DESTINATION])) as Record<keyof typeof NETWORK, RegExp>),
  // DNS answers read with nslookup name the record, the querying pod and what the answer lacked.
  statefulSet:
    /^StatefulSet pod DNS record \((?:as created|re-created)\): nslookup win-sts-\d\.win-sts\.hc-[a-z0-9-]+\.svc\.[a-z0-9.-]+ from hc-[a-z0-9-]+\/windows-client@[a-z0-9.-]+: /,
  externalName:
    /^ExternalName service external-web → [a-z0-9.-]+: nslookup external-web\.hc-[a-z0-9-]+\.svc\.[a-z0-9.-]+ from hc-[a-z0-9-]+\/windows-client@[a-z0-9.-]+: /,
  // Probes and logs name the pod (namespace/pod) and what was expected of it.
  readiness: /hc-[a-z0-9-]+\/probes-readiness-exec\b/,
  liveness: /hc-[a-z0-9-]+\/probes-liveness\b/,
  startup: /hc-[a-z0-9-]+\/probes-startup\b/,
  requestLines: /log of hc-[a-z0-9-]+\/win-webserver-[a-z0-9-]+\[windowswebserver\]/,
  previousLogs: /hc-[a-z0-9-]+\/probes-liveness\b/,
  logMonitor: /log of hc-[a-z0-9-]+\/logmonitor\[app\]/,
};
/** Each listed test must fail with its message naming what NAMES says. */
export const failing = (...keys: Key[]) => Object.fromEntries(keys.map((k) => [TESTS[k], [NAMES[k]]]));

// More cases of the same categories: network-b.cases.ts (a file of its own so e2e lanes can run both side by side).
export const cases: SensitivityCase[] = [
  {
    fault: "dns-down",
    options: hcNamespaces,
    kind: "targeted",
    categories,
    args,
    why: "only names need DNS: the Service FQDNs, the external host name, the custom-DNS pod's short name, the StatefulSet pods' own names and the ExternalName alias",
    breaks: failing("fqdnLinux", "fqdnWindows", "egress", "customDns", "statefulSet", "externalName"),
  },
  {
    fault: "dns-config-ignored",
    options: hcNamespaces,
    kind: "targeted",
    // Core.Probes and Core.Logs have no pod with a dnsConfig: Core.Network alone shows what else it would break.
    categories: ["Core.Network"],
    why: "only the dnsPolicy None pod has a dnsConfig to ignore; every other pod uses the cluster's DNS anyway",
    breaks: {
      [NETWORK.customDns]: [
        /^pod dnsConfig not applied in hc-[a-z0-9-]+\/windows-custom-dns@[a-z0-9.-]+ \(ipconfig \/all\): DNS Servers are \[[\d.]+\], expected exactly dnsConfig\.nameservers \[[\d.]+, 1\.1\.1\.1\]/,
        /lacks dnsConfig\.searches (?:[a-z0-9.-]+, )*hc-custom\.example/,
      ],
    },
  },
  {
    fault: "service-routing-broken",
    options: hcNamespaces,
    kind: "targeted",
    categories,
    args,
    why: "every path through a ClusterIP; pod IPs, NodePorts (their own fault) and EndpointSlices are unaffected",
    breaks: failing("clusterIPLinux", "clusterIPWindows", "clusterIPHairpin", "fqdnLinux", "fqdnWindows", "recreate"),
  },
  { fault: "nodeport-closed", options: hcNamespaces, kind: "targeted", categories, args, why: "only the NodePort path", breaks: failing("nodePort") },
  {
    fault: "pod-network-partition",
    options: hcNamespaces,
    kind: "targeted",
    categories,
    args,
    why: "every path between a Linux and a Windows pod; Windows-to-Windows paths and the runner's NodePort stay up",
    breaks: failing("podIP", "linuxToWindows", "windowsToLinux", "clusterIPLinux", "fqdnLinux"),
  },
  {
    // The overlay route between Windows nodes is missing. The check reaches whichever pair of Windows nodes the
    // scheduler spread the pods over, so the scope names every Windows node (the unit test proves a glob naming two
    // nodes drops exactly that pair). ClusterIP, FQDN and hairpin paths from Windows pods cross nodes by chance of
    // placement and round-robin, so the run selects only the pod-to-pod check.
    fault: "pod-to-pod-dropped",
    options: { namespace: "hc-*", node: "hc-win*" },
    kind: "targeted",
    categories,
    args,
    grep: "pod to pod",
    why: "Windows pods on different nodes cannot reach each other; same-node and Linux↔Windows paths still flow",
    breaks: failing("podToPod"),
  },
];
