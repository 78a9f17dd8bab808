// IPv4/IPv6 dual-stack for the local cluster (`cluster up --dual-stack`): the address plan, one place for each fact.
// The IPv6 ranges are unique local addresses (fd00::/8, RFC 4193), as managed dual-stack clusters use them (AKS's
// dual-stack default fd12:3456:789a::/64 pods, fd12:3456:789a:1::/108 services; kind's fd00:10:244::/56 pods,
// fd00:10:96::/112 services). IPv6 addresses exist only inside the emulated data plane: nothing ever dials one
// (the runner reaches nodes on their IPv4 loopback InternalIP; pods' connections are resolved by the emulator).
// Sources: docs/local-cluster.md, "Dual-stack".

/** The IPv4 service range every local cluster has; the IPv6 one is added on a dual-stack cluster. */
export const serviceRangeV4 = "10.96.0.0/16";
/** A /112, as kind and the kubeadm dual-stack docs use: the API server refuses an IPv6 range wider than /108. */
export const serviceRangeV6 = "fd00:10:96::/112";
/** The cluster's IPv6 pod range; each node gets a /64 of it (the node IPAM's default --node-cidr-mask-size-ipv6). */
export const podRangeV6 = "fd00:10:244::/56";

/** `--service-cluster-ip-range`: IPv4 first, so the primary family (the `kubernetes` Service's) stays IPv4. */
export function serviceRanges(dualStack: boolean): string {
  return dualStack ? `${serviceRangeV4},${serviceRangeV6}` : serviceRangeV4;
}

/** An IPv6 address in canonical (RFC 5952) form, as the API server writes it: lower case, longest zero run as "::". */
export function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/** The i-th node's IPv6 pod CIDR: the i-th /64 of podRangeV6. */
export function nodePodCIDRv6(i: number): string {
  return `${canonicalIPv6(`fd00:10:244:${i.toString(16)}::`)}/64`;
}

/** The i-th node's IPv6 InternalIP, on a per-cluster ULA subnet (block: the cluster's loopback address block). */
export function nodeAddressV6(block: number, i: number): string {
  return canonicalIPv6(`fd00:c0a8:${block.toString(16)}::${(i + 1).toString(16)}`);
}

/**
 * A pod's IPv6 address in its node's IPv6 pod CIDR, with the host number its IPv4 address has in the IPv4 one (the
 * CNI's host-local IPAM hands out one address per range of the pod's ranges, in step).
 */
export function podIPv6(podCIDRv6: string, ipv4: string): string {
  const prefix = podCIDRv6.split("/")[0].replace(/::$/, "");
  const host = Number(ipv4.split(".").pop());
  return canonicalIPv6(`${prefix}::${host.toString(16)}`);
}

export const isIPv6 = (address: string): boolean => address.includes(":");
