// The emulated network: names and addresses are resolved against the cluster's real API objects
// (Services, EndpointSlices, Nodes, pods), and a request is answered by the emulated workload behind
// the address. Nothing here opens a socket.
import type * as k8s from "@kubernetes/client-node";
import type { ContainerView, HttpRequest, HttpResponse, NetError, NetworkWorld, OsName } from "./model.js";
import { scopeMatches, type FaultRegistry, type FaultTarget } from "./faults.js";
import type { PodRuntime } from "./pods/runtime.js";
import type { ContainerRecord, PodRecord } from "./pods/records.js";
import { noLatency, Timing } from "./timing.js";
import { ingressAllowed, type PolicySource } from "./network-policy.js";
import { ClusterDns } from "./cluster-dns.js";

export interface ClusterView {
  services(): readonly k8s.V1Service[];
  endpointSlices(): readonly k8s.V1EndpointSlice[];
  nodes(): readonly k8s.V1Node[];
  /** The NetworkPolicies a policy engine enforces; absent when the cluster has none (then nothing is isolated). */
  networkPolicies?(): readonly k8s.V1NetworkPolicy[];
  namespaceLabels?(namespace: string): Record<string, string>;
}

export interface ExternalHost {
  name: string;
  ip: string;
}

/** What answers a connection once routing is done: the pod's container, the port it arrived on, and the source address it sees. */
type Arrival<T> = (r: PodRecord, c: ContainerRecord, to: { port: number; clientIP: string }) => T | NetError;

/** Where a packet came from: a container, or the runner outside the cluster hitting a NodePort. */
export interface Source {
  ip: string;
  os?: OsName;
  target: FaultTarget;
}

export class EmulatedNetwork implements NetworkWorld {
  private readonly rr = new Map<string, number>();
  /** Pods whose GMSA secure channel was reset (`nltest /sc_reset`) and so is established, by namespace/pod. */
  private readonly channels = new Set<string>();
  private readonly dns: ClusterDns;
  constructor(
    private readonly cluster: ClusterView,
    private readonly runtime: () => PodRuntime,
    private readonly faults: FaultRegistry,
    private readonly external: ExternalHost,
    private readonly timing: Timing = new Timing(noLatency),
  ) {
    this.dns = new ClusterDns({ services: () => cluster.services(), endpointSlices: () => cluster.endpointSlices(), external }, faults);
  }

  /** A Windows pod's network comes up a few seconds after it is Running: until then nothing connects. */
  private networkPending(src: Source): boolean {
    if (src.os === undefined) return false;
    const r = this.podByIP(src.ip);
    return r?.networkReadyAt !== undefined && Date.now() < r.networkReadyAt;
  }

  private source(c: ContainerView): Source {
    return { ip: c.podIP, os: c.os, target: { namespace: c.namespace, pod: c.pod, node: c.nodeName, image: c.image } };
  }

  async resolve(from: ContainerView, name: string): Promise<{ addresses: string[]; fqdn: string; aliases?: string[] } | NetError> {
    const n = name.toLowerCase().replace(/\.$/, "");
    if (/^\d+\.\d+\.\d+\.\d+$/.test(n)) return { addresses: [n], fqdn: n };
    if (n === "localhost") return { addresses: ["127.0.0.1"], fqdn: "localhost" };
    if (from.dns.nameserver === "") return { error: "dns", detail: "timeout" };
    if (this.networkPending(this.source(from))) return { error: "dns", detail: "timeout" };
    if (this.faults.active("dns-down", this.source(from).target)) return { error: "dns", detail: from.os === "windows" ? "SERVFAIL" : "timeout" };
    // The cluster DNS Service answers only through a Ready CoreDNS endpoint: with none, the proxy has nowhere to
    // send the query (kube-proxy rejects, HNS drops) and the resolver gives up, as on a real cluster.
    const dnsService = this.cluster.services().find((s) => s.spec?.clusterIP === from.dns.nameserver);
    if (dnsService && this.readyEndpoints(dnsService).length === 0) return { error: "dns", detail: "timeout" };
    for (const candidate of this.candidates(from, name)) {
      const hit = this.dns.lookup(candidate, this.source(from).target);
      // Through a CNAME (an ExternalName Service) the resolver reports the target as the name and the query as its alias.
      if (hit) return hit.canonical ? { addresses: hit.addresses, fqdn: hit.canonical, aliases: [candidate] } : { addresses: hit.addresses, fqdn: candidate };
    }
    return { error: "dns", detail: "NXDOMAIN" };
  }

  /** The names a resolver tries, in order: Linux applies the search path (ndots:5); Windows only devolves single labels. */
  private candidates(from: ContainerView, name: string): string[] {
    const n = name.toLowerCase();
    if (n.endsWith(".")) return [n.slice(0, -1)];
    const dots = n.split(".").length - 1;
    const searched = from.dns.searches.map((s) => `${n}.${s}`);
    if (from.os === "windows") return dots === 0 ? [...searched, n] : [n];
    return dots >= 5 ? [n, ...searched] : [...searched, n];
  }

  private readyEndpoints(s: k8s.V1Service): { ip: string; ports: k8s.DiscoveryV1EndpointPort[] }[] {
    return this.dns.readyEndpoints(s);
  }

  async http(from: ContainerView, ip: string, req: HttpRequest): Promise<HttpResponse | NetError> {
    // The workload sees the port the packet finally reaches (a Service's targetPort, not its port or nodePort)
    // and the address it came from after any SNAT (a NodePort's node address).
    return this.deliver(
      this.source(from),
      ip,
      req.port,
      (rec, c, to) => this.serve(rec, c, { ...req, port: to.port }, to.clientIP),
      () => externalPage(req.port),
    );
  }

  async tcp(from: ContainerView, ip: string, port: number): Promise<"open" | NetError> {
    return this.deliver(
      this.source(from),
      ip,
      port,
      (_r, c, to) => (c.workload?.listens.includes(to.port) ? "open" : { error: "refused" }),
      () => (port === 80 || port === 443 ? "open" : { error: "timeout" }),
    );
  }

  /** From outside the cluster: a request to a node address and port (the NodePort listeners use this). */
  async fromOutside(nodeIP: string, port: number, req: HttpRequest, clientIP: string): Promise<HttpResponse | NetError> {
    const src: Source = { ip: clientIP, target: {} };
    return this.deliver(
      src,
      nodeIP,
      port,
      (rec, c, to) => this.serve(rec, c, { ...req, port: to.port }, to.clientIP),
      () => ({ error: "timeout" }),
    );
  }

  /**
   * From outside the cluster, through a cloud load balancer: its backends are the nodes, so a request arrives at a
   * node and the service proxy sends it on to a ready endpoint, SNATed to that node (externalTrafficPolicy:
   * Cluster), exactly as a NodePort request does.
   */
  async fromLoadBalancer(svc: k8s.V1Service, port: number, req: HttpRequest): Promise<HttpResponse | NetError> {
    const sp = svc.spec?.ports?.find((p) => p.port === port && (p.protocol ?? "TCP") === "TCP");
    // Control-plane nodes are left out of the backend pool (upstream's stableNodeSetPredicates, the
    // node.kubernetes.io/exclude-from-external-load-balancers label).
    const backends = this.cluster
      .nodes()
      .filter(
        (n) =>
          !Object.keys(n.metadata?.labels ?? {}).some(
            (l) => l === "node-role.kubernetes.io/control-plane" || l === "node.kubernetes.io/exclude-from-external-load-balancers",
          ),
      );
    const nodeIP = backends.flatMap((n) => n.status?.addresses?.filter((a) => a.type === "InternalIP").map((a) => a.address) ?? [])[0];
    if (!sp || !nodeIP) return { error: "timeout" };
    return this.toEndpoint({ ip: nodeIP, target: {} }, svc, sp, (rec, c, to) => this.serve(rec, c, { ...req, port: to.port }, to.clientIP));
  }

  /**
   * With realistic latency a fresh container's secure channel is not up until `nltest /sc_reset:<domain>` (upstream's
   * gmsa_full.go retries /query with a reset between tries); without latency it is up at once.
   */
  resetSecureChannel(from: ContainerView): boolean {
    const d = this.domain(from);
    if (!d?.reachable) return false;
    this.channels.add(`${from.namespace}/${from.pod}`);
    return true;
  }

  domain(from: ContainerView): { name: string; dc: string; reachable: boolean; established: boolean } | undefined {
    if (!from.gmsaCredentialSpec) return undefined;
    try {
      const spec = JSON.parse(from.gmsaCredentialSpec) as { DomainJoinConfig?: { DnsName?: string; NetBiosName?: string } };
      const name = spec.DomainJoinConfig?.DnsName;
      if (!name) return undefined;
      const reachable = !this.faults.active("gmsa-domain-unreachable", this.source(from).target);
      return { name, dc: `DC1.${name}`, reachable, established: !this.timing.realistic || this.channels.has(`${from.namespace}/${from.pod}`) };
    } catch {
      return undefined;
    }
  }

  private serve(r: PodRecord, c: ContainerRecord, req: HttpRequest, clientIP: string): HttpResponse | NetError {
    const out = c.workload?.handle(req, clientIP);
    if (!out) return { error: "refused" };
    this.runtime().containerOutput(r, c, out.logLines);
    return out.response;
  }

  /**
   * Routes a connection to (ip, port): a Service ClusterIP or a NodePort is load-balanced over the ready
   * endpoints; a pod IP reaches that pod; the external host answers unless egress is blocked.
   */
  private async deliver<T>(src: Source, ip: string, port: number, at: Arrival<T>, external: () => T | NetError): Promise<T | NetError> {
    if (this.networkPending(src)) return { error: "timeout" };
    if (ip === this.external.ip) {
      if (src.os === undefined) return { error: "timeout" };
      if (this.faults.active("egress-blocked", src.target)) return { error: "timeout" };
      return external();
    }
    const svc = this.cluster.services().find((s) => s.spec?.clusterIP === ip || s.spec?.clusterIPs?.includes(ip));
    if (svc) {
      if (this.faults.active("service-routing-broken", { ...src.target, namespace: svc.metadata?.namespace })) return { error: "timeout" };
      const sp = svc.spec?.ports?.find((p) => p.port === port);
      if (!sp) return { error: src.os === "windows" ? "timeout" : "refused" };
      // kube-proxy (winkernel on Windows: one HNS load balancer per Service port) programs each port on its own;
      // the fault leaves every port but the first without a rule.
      const unrouted = svc.spec?.ports?.[0] !== sp && this.faults.active("service-port-unrouted", { ...src.target, namespace: svc.metadata?.namespace });
      if (unrouted) return { error: "timeout" };
      return this.toEndpoint(src, svc, sp, at);
    }
    const node = this.cluster.nodes().find((n) => n.status?.addresses?.some((a) => a.address === ip));
    if (node) {
      const np = this.cluster.services().flatMap((s) => (s.spec?.ports ?? []).filter((p) => p.nodePort === port).map((p) => ({ s, p })))[0];
      if (np) {
        if (this.faults.active("nodeport-closed", { node: node.metadata?.name, namespace: np.s.metadata?.namespace })) return { error: "refused" };
        // NodePort traffic is SNATed to the node (externalTrafficPolicy: Cluster).
        return this.toEndpoint({ ...src, ip }, np.s, np.p, at);
      }
    }
    const target = this.podByIP(ip);
    if (!target) return { error: "timeout" };
    return this.toPod(src, target, port, at);
  }

  private toEndpoint<T>(src: Source, svc: k8s.V1Service, sp: k8s.V1ServicePort, at: Arrival<T>): T | NetError {
    const eps = this.readyEndpoints(svc);
    if (!eps.length) return { error: src.os === "windows" ? "timeout" : "refused" };
    const key = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
    const i = (this.rr.get(key) ?? 0) % eps.length;
    this.rr.set(key, i + 1);
    const ep = eps[i];
    const port =
      ep.ports.find((p) => p.name === (sp.name ?? "") || ep.ports.length === 1)?.port ?? (typeof sp.targetPort === "number" ? sp.targetPort : sp.port);
    const pod = this.podByIP(ep.ip);
    if (!pod) return { error: "timeout" };
    return this.toPod(src, pod, port, at);
  }

  private toPod<T>(src: Source, r: PodRecord, port: number, at: Arrival<T>): T | NetError {
    if (src.os && src.os !== r.node.os && src.ip !== r.podIP) {
      const srcSide = this.faults.active("pod-network-partition", src.target);
      const dstSide = this.faults.active("pod-network-partition", { namespace: r.ref.namespace, pod: r.ref.name, node: r.node.name });
      if (srcSide || dstSide) return { error: "timeout" };
    }
    if (this.nodePairDropped(src, r)) return { error: "timeout" };
    if (!this.policyAdmits(src, r, port)) return { error: "timeout" };
    const running = r.containers.filter((c) => c.state.kind === "running" && c.workload);
    const c = running.find((x) => x.workload!.listens.includes(port));
    if (!c) return running.length || r.phase === "Running" ? { error: "refused" } : { error: "timeout" };
    return at(r, c, { port, clientIP: src.ip });
  }

  /**
   * `pod-to-pod-dropped`: the route between two nodes is missing (a Flannel/HNS remote-subnet route or VXLAN peer not
   * programmed), so pod packets between those two nodes are lost. Both ends (pod and node) must match the one fault's
   * scope; a node glob matching two nodes breaks exactly that pair. Traffic on one node, or from outside, still flows.
   */
  private nodePairDropped(src: Source, r: PodRecord): boolean {
    if (src.os === undefined || !src.target.node || src.target.node.toLowerCase() === r.node.name.toLowerCase()) return false;
    const f = this.faults.active("pod-to-pod-dropped", src.target);
    return f !== undefined && scopeMatches(f.scope, { namespace: r.ref.namespace, pod: r.ref.name, node: r.node.name });
  }

  /**
   * NetworkPolicy ingress at the destination pod's node. A pod always reaches itself; host-network pods are never
   * isolated; the `networkpolicy-not-enforced` fault leaves the matching node's (or pod's) policies unprogrammed.
   */
  private policyAdmits(src: Source, r: PodRecord, port: number): boolean {
    const policies = this.cluster.networkPolicies?.();
    if (!policies?.length || src.ip === r.podIP || r.pod.spec?.hostNetwork) return true;
    if (this.faults.active("networkpolicy-not-enforced", { namespace: r.ref.namespace, pod: r.ref.name, node: r.node.name })) return true;
    const from = src.target.pod ? this.podByName(src.target.namespace, src.target.pod) : undefined;
    const policySource: PolicySource = {
      ip: src.ip,
      pod: from && !from.pod.spec?.hostNetwork ? { namespace: from.ref.namespace, labels: from.pod.metadata?.labels ?? {} } : undefined,
    };
    const namedPorts = Object.fromEntries(
      (r.pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.name).map((p) => [p.name!, p.containerPort])),
    );
    return ingressAllowed(
      policies,
      policySource,
      { namespace: r.ref.namespace, labels: r.pod.metadata?.labels ?? {}, port, namedPorts },
      (ns) => this.cluster.namespaceLabels?.(ns) ?? {},
    );
  }

  private podByName(namespace: string | undefined, name: string): PodRecord | undefined {
    for (const r of this.runtime().pods.values()) if (r.ref.namespace === namespace && r.ref.name === name && !r.gone) return r;
    return undefined;
  }

  private podByIP(ip: string): PodRecord | undefined {
    for (const r of this.runtime().pods.values()) if (r.podIP === ip && !r.gone && !r.pod.spec?.hostNetwork) return r;
    for (const r of this.runtime().pods.values()) if (r.podIP === ip && !r.gone) return r;
    return undefined;
  }
}

function externalPage(port: number): HttpResponse | NetError {
  if (port !== 80 && port !== 443) return { error: "timeout" };
  return {
    status: 200,
    headers: { "content-type": "text/html; charset=UTF-8" },
    body: "<!doctype html><html><head><title>Example Domain</title></head><body><h1>Example Domain</h1><p>This domain is for use in documentation examples without needing permission.</p></body></html>",
  };
}
