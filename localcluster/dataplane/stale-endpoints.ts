// endpointslice-stale: a second controller (a leftover mirroring or service-mesh controller; EndpointSlices carry
// endpointslice.kubernetes.io/managed-by precisely so several can write slices for one Service) keeps an
// EndpointSlice for each matching Service that lists a deleted pod's address as ready. kube-controller-manager
// leaves slices it does not manage alone, and every consumer (kube-proxy, this emulator's routing) reads all slices
// labelled with the Service's name, so the stale address is routed to. Cleared, the slices are deleted.
import * as k8s from "@kubernetes/client-node";

export const STALE_MANAGER = "stale-mirror.hc-fault.local";
const MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
const SERVICE_NAME = "kubernetes.io/service-name";

/** A pod address that no pod holds any more: the top of a Windows node's pod CIDR (the IPAM range ends at .249: pods/start.ts). */
export function staleAddress(nodes: readonly k8s.V1Node[]): string {
  const cidr = nodes.find((n) => n.metadata?.labels?.["kubernetes.io/os"] === "windows" && n.spec?.podCIDR)?.spec?.podCIDR ?? "10.244.250.0/24";
  const [a, b, c] = cidr.split("/")[0].split(".");
  return `${a}.${b}.${c}.250`;
}

/** The slice the stale controller writes for one Service. */
export function staleSlice(svc: k8s.V1Service, address: string): k8s.V1EndpointSlice {
  const name = svc.metadata!.name!;
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${name}-stale`, namespace: svc.metadata!.namespace, labels: { [SERVICE_NAME]: name, [MANAGED_BY]: STALE_MANAGER } },
    addressType: "IPv4",
    ports: (svc.spec?.ports ?? []).map((p) => ({
      name: p.name ?? "",
      protocol: p.protocol ?? "TCP",
      port: typeof p.targetPort === "number" ? p.targetPort : p.port,
    })),
    endpoints: [{ addresses: [address], conditions: { ready: true, serving: true, terminating: false } }],
  };
}

/** What to create and delete so that exactly the Services `on` matches (with a selector) have a stale slice. */
export function planStale(
  services: readonly k8s.V1Service[],
  slices: readonly k8s.V1EndpointSlice[],
  on: (svc: k8s.V1Service) => boolean,
): { create: k8s.V1Service[]; remove: k8s.V1EndpointSlice[] } {
  const ours = slices.filter((s) => s.metadata?.labels?.[MANAGED_BY] === STALE_MANAGER);
  const key = (ns?: string, name?: string) => `${ns}/${name}`;
  const wanted = services.filter((s) => s.spec?.selector && s.spec.clusterIP !== "None" && on(s));
  const wantedKeys = new Set(wanted.map((s) => key(s.metadata?.namespace, s.metadata?.name)));
  const haveKeys = new Set(ours.map((s) => key(s.metadata?.namespace, s.metadata?.labels?.[SERVICE_NAME])));
  return {
    create: wanted.filter((s) => !haveKeys.has(key(s.metadata?.namespace, s.metadata?.name))),
    remove: ours.filter((s) => !wantedKeys.has(key(s.metadata?.namespace, s.metadata?.labels?.[SERVICE_NAME]))),
  };
}

/** Applies the plan through the API; a slice already there (or already gone) is not an error. */
export async function syncStale(kc: k8s.KubeConfig, plan: ReturnType<typeof planStale>, address: string): Promise<void> {
  const api = kc.makeApiClient(k8s.DiscoveryV1Api);
  for (const svc of plan.create)
    await api.createNamespacedEndpointSlice({ namespace: svc.metadata!.namespace!, body: staleSlice(svc, address) }).catch(ignore(409, 404));
  for (const s of plan.remove) await api.deleteNamespacedEndpointSlice({ namespace: s.metadata!.namespace!, name: s.metadata!.name! }).catch(ignore(404));
}

const ignore =
  (...codes: number[]) =>
  (e: unknown) => {
    if (!codes.includes((e as { code?: number }).code ?? 0)) throw e;
  };
