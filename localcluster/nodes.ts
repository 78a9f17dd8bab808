// Node objects that look like real kubelet registrations, Linux and Windows alike.
import type { V1Node } from "@kubernetes/client-node";
import { windowsBuilds, type NodeSpec } from "./topology.js";
import { kubernetesVersion } from "./binaries.js";

/** kwok manages exactly the nodes carrying this label; the harness never relies on it. */
export const simulatedNodeLabel = "hybrid-conformance.io/simulated";

export interface PlacedNode {
  spec: NodeSpec;
  /** A per-node loopback address: the node's InternalIP, where its kubelet and NodePorts listen. */
  address: string;
  podCIDR: string;
}

/**
 * Node addresses live in a loopback block of their own per cluster (127.<block>.<i/250>.<i%250+1>), so two
 * local clusters on one machine (a user's and a test's) never answer each other's NodePorts.
 */
export function placeNodes(nodes: NodeSpec[], block: number): PlacedNode[] {
  return nodes.map((spec, i) => ({ spec, address: `127.${block}.${Math.floor(i / 250) + 1}.${(i % 250) + 1}`, podCIDR: `10.244.${i}.0/24` }));
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

function allocatable(quantity: string, fraction: number): string {
  // Reserve a slice as kubelet's system-reserved/eviction would; keep the unit.
  const m = /^(\d+)(.*)$/.exec(quantity);
  if (!m) return quantity;
  const n = Number(m[1]);
  return m[2] === "" ? `${Math.max(1, n) * 1000 - 100}m` : `${Math.floor(n * fraction * 1024)}Mi`;
}

export function nodeObject(p: PlacedNode, kubeletPort: number): V1Node {
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
  const memGi = Number(/^(\d+)Gi$/.exec(n.memory)?.[1] ?? 16);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: n.name, labels, annotations: { "node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake" } },
    spec: { podCIDR: p.podCIDR, podCIDRs: [p.podCIDR], taints: n.taints },
    status: {
      addresses: [
        { type: "InternalIP", address: p.address },
        { type: "Hostname", address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      capacity: { cpu: n.cpu, memory: n.memory, pods: String(n.pods), "ephemeral-storage": "100Gi" },
      allocatable: {
        cpu: allocatable(n.cpu, 1),
        memory: /Gi$/.test(n.memory) ? `${memGi * 1024 - 1024}Mi` : n.memory,
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
