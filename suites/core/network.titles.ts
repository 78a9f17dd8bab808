// The check titles of Core.Network, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

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
