// The records the emulated cluster DNS (CoreDNS's kubernetes plugin) serves, from the cluster's real API objects, as
// the Kubernetes DNS specification defines them (https://github.com/kubernetes/dns/blob/master/docs/specification.md,
// "2.3 Records for a Service with ClusterIP", "2.4 Records for a Headless Service", "2.5 Records for External Name
// Services") and CoreDNS implements them (https://coredns.io/plugins/kubernetes/):
// - <svc>.<ns>.svc.<zone>: the ClusterIP; for a headless Service one A record per ready endpoint;
// - <hostname>.<svc>.<ns>.svc.<zone>: a headless Service's ready endpoint by its EndpointSlice `hostname` (the
//   EndpointSlice controller copies a pod's spec.hostname there when its spec.subdomain names the Service, which the
//   StatefulSet controller sets to the pod's name and spec.serviceName); without a hostname, CoreDNS names the
//   endpoint by its dashed address (10-244-1-5.<svc>.<ns>.svc.<zone>);
// - an ExternalName Service: a CNAME to spec.externalName, whose target CoreDNS resolves in the same answer (the
//   kubernetes plugin always resolves external CNAME targets through its upstream since CoreDNS 1.6);
// - <a-b-c-d>.<ns>.pod.<zone>: the dashed address itself (`pods insecure`).
// Anything else is forwarded upstream; this emulator's only upstream answer is the one external host (ExternalHost),
// standing in for the internet: any other outside name is NXDOMAIN, as an air-gapped forwarder would answer.
import type * as k8s from "@kubernetes/client-node";
import type { FaultRegistry, FaultTarget } from "./faults.js";

export const clusterDomain = "cluster.local";

export interface DnsSources {
  services(): readonly k8s.V1Service[];
  endpointSlices(): readonly k8s.V1EndpointSlice[];
  external: { name: string; ip: string };
}

export interface DnsAnswer {
  addresses: string[];
  /** The canonical name the addresses belong to (the CNAME target), when the queried name is an alias. */
  canonical?: string;
}

interface ReadyEndpoint {
  ip: string;
  hostname?: string;
}

const zone = clusterDomain.replace(/\./g, "\\.");
const SERVICE = new RegExp(`^([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.${zone}$`);
const ENDPOINT = new RegExp(`^([a-z0-9-]+)\\.([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.${zone}$`);
const POD = new RegExp(`^(\\d+)-(\\d+)-(\\d+)-(\\d+)\\.([a-z0-9-]+)\\.pod\\.${zone}$`);
/** CNAME chains a resolver follows before giving up (CoreDNS and stub resolvers stop at a handful). */
const MAX_CNAME_HOPS = 8;

export class ClusterDns {
  /** headless-dns-stale: the first answer served for each per-endpoint name, kept and served ever after. */
  private readonly pinned = new Map<string, string[]>();

  constructor(
    private readonly src: DnsSources,
    private readonly faults: FaultRegistry,
  ) {}

  /** The answer for a fully qualified name, asked by the pod `querier` (fault scopes match it); undefined: NXDOMAIN. */
  lookup(fqdn: string, querier: FaultTarget, hops = 0): DnsAnswer | undefined {
    if (fqdn === this.src.external.name.toLowerCase()) return { addresses: [this.src.external.ip] };
    const svc = SERVICE.exec(fqdn);
    if (svc) return this.service(svc[1], svc[2], querier, hops);
    const ep = ENDPOINT.exec(fqdn);
    if (ep) return this.endpoint(fqdn, ep[1], ep[2], ep[3], querier);
    const pod = POD.exec(fqdn);
    if (pod) return { addresses: [pod.slice(1, 5).join(".")] };
    return undefined;
  }

  private service(name: string, namespace: string, querier: FaultTarget, hops: number): DnsAnswer | undefined {
    const s = this.find(name, namespace);
    if (!s) return undefined;
    if (s.spec?.type === "ExternalName") {
      if (this.faults.active("externalname-not-resolved", querier)) return undefined;
      const target = (s.spec.externalName ?? "").toLowerCase().replace(/\.$/, "");
      if (!target || hops >= MAX_CNAME_HOPS) return undefined;
      const next = this.lookup(target, querier, hops + 1);
      // A CNAME whose target has no address: the resolver gets the alias and no A record, i.e. no address.
      return next ? { addresses: next.addresses, canonical: next.canonical ?? target } : undefined;
    }
    if (s.spec?.clusterIP && s.spec.clusterIP !== "None") return { addresses: [s.spec.clusterIP] };
    const ips = this.readyEndpoints(s).map((e) => e.ip);
    return ips.length ? { addresses: ips } : undefined;
  }

  /** <hostname>.<svc>.<ns>.svc.<zone>: only headless Services publish per-endpoint names (spec 2.4). */
  private endpoint(fqdn: string, host: string, name: string, namespace: string, querier: FaultTarget): DnsAnswer | undefined {
    const s = this.find(name, namespace);
    if (!s || (s.spec?.clusterIP && s.spec.clusterIP !== "None")) return undefined;
    const ips = this.readyEndpoints(s)
      .filter((e) => (e.hostname ?? e.ip.replace(/\./g, "-")) === host)
      .map((e) => e.ip);
    if (this.faults.active("headless-dns-stale", querier)) {
      const old = this.pinned.get(fqdn);
      if (old) return { addresses: old };
      if (ips.length) this.pinned.set(fqdn, ips);
    } else this.pinned.clear(); // the fault is off: the stale cache is gone with it
    return ips.length ? { addresses: ips } : undefined;
  }

  private find(name: string, namespace: string): k8s.V1Service | undefined {
    return this.src.services().find((x) => x.metadata?.name === name && x.metadata?.namespace === namespace);
  }

  /**
   * A Service's ready endpoints (publishNotReadyAddresses needs nothing here: the EndpointSlice controller then marks
   * every endpoint ready itself).
   */
  readyEndpoints(s: k8s.V1Service): (ReadyEndpoint & { ports: k8s.DiscoveryV1EndpointPort[] })[] {
    const slices = this.src
      .endpointSlices()
      .filter((e) => e.metadata?.namespace === s.metadata?.namespace && e.metadata?.labels?.["kubernetes.io/service-name"] === s.metadata?.name);
    return slices.flatMap((sl) =>
      (sl.endpoints ?? [])
        .filter((ep) => ep.conditions?.ready !== false)
        .flatMap((ep) => ep.addresses.map((ip) => ({ ip, ...(ep.hostname && { hostname: ep.hostname.toLowerCase() }), ports: sl.ports ?? [] }))),
    );
  }
}
