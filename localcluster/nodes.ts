// Node objects that look like real kubelet registrations, Linux and Windows alike.
import type { V1Node } from "@kubernetes/client-node";
import { windowsBuilds, type NodeSpec } from "./topology.js";
import { kubernetesVersion } from "./binaries.js";
import { nodeAddressV6, nodePodCIDRv6 } from "./dual-stack.js";
import { allocatableMemoryMi, kubeReservedCpuMillis, memoryReservations, type MemoryReservations } from "./kubelet-reservations.js";

/** kwok manages exactly the nodes carrying this label; the harness never relies on it. */
export const simulatedNodeLabel = "hybrid-conformance.io/simulated";

export interface PlacedNode {
  spec: NodeSpec;
  /** A per-node loopback address: the node's InternalIP, where its kubelet and NodePorts listen. */
  address: string;
  /**
   * The node's ExternalIP, in TEST-NET-1 (192.0.2.0/24, RFC 5737): the address kube-apiserver reaches the kubelet at,
   * through the egress selector's tunnel (dataplane/kubelet-tunnel.ts). Never dialled by anyone: the tunnel maps it
   * to `address`. kube-apiserver's node proxy refuses a loopback kubelet address, so this one exists.
   */
  tunnelAddress: string;
  podCIDR: string;
  /** On a dual-stack cluster (dual-stack.ts): the node's IPv6 InternalIP and pod CIDR, listed after the IPv4 ones. */
  ipv6?: { address: string; podCIDR: string };
}

/**
 * Node addresses live in a loopback block of their own per cluster (127.<block>.<i/250>.<i%250+1>), so two
 * local clusters on one machine (a user's and a test's) never answer each other's NodePorts.
 */
export function placeNodes(nodes: NodeSpec[], block: number, dualStack = false): PlacedNode[] {
  return nodes.map((spec, i) => ({
    spec,
    address: `127.${block}.${Math.floor(i / 250) + 1}.${(i % 250) + 1}`,
    tunnelAddress: kubeletTunnelAddress(i),
    podCIDR: `10.244.${i}.0/24`,
    ...(dualStack && { ipv6: { address: nodeAddressV6(block, i), podCIDR: nodePodCIDRv6(i) } }),
  }));
}

/** The i-th node's tunnel address (192.0.2.1–254; a topology has at most 200 nodes). */
export function kubeletTunnelAddress(i: number): string {
  if (i >= 254) throw new Error(`node ${i + 1}: TEST-NET-1 has 254 addresses`);
  return `192.0.2.${i + 1}`;
}

/**
 * The addresses the cloud's load-balancer controller hands out: loopback addresses of the cluster's own block
 * (127.<block>.240.1–250), away from its nodes' (127.<block>.1.x), so two local clusters never share one.
 */
export function loadBalancerPool(block: number): string[] {
  return Array.from({ length: 250 }, (_, i) => `127.${block}.240.${i + 1}`);
}

/** A stable block per state directory, away from 127.0.x.x. */
export function addressBlock(stateDir: string): number {
  let h = 0;
  for (const ch of stateDir) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 10 + (h % 240);
}

function allocatableCpu(quantity: string): string {
  const m = /^(\d+)$/.exec(quantity);
  return m ? `${Math.max(1, Number(m[1])) * 1000 - kubeReservedCpuMillis}m` : quantity;
}

/** A memory quantity in MiB (Gi, Mi, G, M or bytes), or undefined when it is written otherwise. */
export function memoryMi(q: string): number | undefined {
  const m = /^(\d+)(Gi|Mi|G|M)?$/.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  return { Gi: n * 1024, Mi: n, G: (n * 1e9) / 2 ** 20, M: (n * 1e6) / 2 ** 20, "": n / 2 ** 20 }[m[2] ?? ""];
}

/** The node's memory reservations (kubelet-reservations.ts), as its kubelet's /configz reports them. */
export function nodeMemoryReservations(n: NodeSpec, profile: string): MemoryReservations {
  return memoryReservations(profile, n.os, memoryMi(n.memory) ?? 0, n.pods);
}

export function nodeObject(p: PlacedNode, kubeletPort: number, profile = "docs"): V1Node {
  const n = p.spec;
  const win = n.os === "windows" ? windowsBuilds[n.build!] : undefined;
  const labels: Record<string, string> = {
    "kubernetes.io/os": n.os,
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": n.name,
    "beta.kubernetes.io/os": n.os,
    "beta.kubernetes.io/arch": "amd64",
    [simulatedNodeLabel]: "true",
    ...(n.role === "control-plane" ? { "node-role.kubernetes.io/control-plane": "", "node.kubernetes.io/exclude-from-external-load-balancers": "" } : {}),
    ...(win ? { "node.kubernetes.io/windows-build": n.build! } : {}),
    ...n.labels,
  };
  const memMi = memoryMi(n.memory);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: n.name, labels, annotations: { "node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake" } },
    // A dual-stack kubelet reports one InternalIP per family and the node IPAM one pod CIDR per family, IPv4 first.
    spec: { podCIDR: p.podCIDR, podCIDRs: [p.podCIDR, ...(p.ipv6 ? [p.ipv6.podCIDR] : [])], taints: n.taints },
    status: {
      addresses: [
        { type: "InternalIP", address: p.address },
        ...(p.ipv6 ? [{ type: "InternalIP", address: p.ipv6.address }] : []),
        { type: "ExternalIP", address: p.tunnelAddress },
        { type: "Hostname", address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      capacity: { cpu: n.cpu, memory: n.memory, pods: String(n.pods), "ephemeral-storage": "100Gi" },
      allocatable: {
        cpu: allocatableCpu(n.cpu),
        memory: memMi === undefined ? n.memory : `${Math.floor(allocatableMemoryMi(memMi, nodeMemoryReservations(n, profile)))}Mi`,
        pods: String(n.pods),
        "ephemeral-storage": "95Gi",
      },
      nodeInfo: win
        ? {
            operatingSystem: "windows",
            architecture: "amd64",
            osImage: win.osImage,
            kernelVersion: win.kernel,
            kubeletVersion: kubernetesVersion,
            kubeProxyVersion: "",
            containerRuntimeVersion: "containerd://1.7.27",
            machineID: n.name,
            systemUUID: `00000000-0000-0000-0000-${String(p.address.split(".").pop()).padStart(12, "0")}`,
            bootID: "",
          }
        : {
            operatingSystem: "linux",
            architecture: "amd64",
            osImage: "Ubuntu 24.04.3 LTS",
            kernelVersion: "6.8.0-85-generic",
            kubeletVersion: kubernetesVersion,
            kubeProxyVersion: "",
            containerRuntimeVersion: "containerd://2.1.4",
            machineID: n.name,
            systemUUID: `00000000-0000-0000-0000-${String(p.address.split(".").pop()).padStart(12, "0")}`,
            bootID: "",
          },
    },
  };
}
