// The layouts real hybrid clusters have (facts and sources: docs/local-cluster.md "Profiles", taken from
// /work/shared/reference/real-clusters.md). Each is a topology the user could also write by hand.
import type { TopologyInput } from "./topology.js";

export const profileNames = ["docs", "aks", "gke", "eks", "kubeadm", "autoscaled"] as const;
export type ProfileName = (typeof profileNames)[number];

type Input = Pick<TopologyInput, "nodes" | "pools" | "loadBalancer">;
type PoolInput = NonNullable<Input["pools"]>[number];

const WS2022 = "10.0.20348" as const;
const WS2025 = "10.0.26100" as const;

/** AKS: agentpool labels on every node; Windows computer names are "aks" + pool name (≤ 6 chars) + a 6-digit VMSS index. */
function aksPool(name: string, os: "linux" | "windows", count: number, osSku: string, build?: typeof WS2022 | typeof WS2025): PoolInput {
  return {
    name,
    os,
    build,
    count,
    labels: {
      agentpool: name,
      "kubernetes.azure.com/agentpool": name,
      "kubernetes.azure.com/os-sku": osSku,
      "kubernetes.azure.com/mode": os === "linux" ? "system" : "user",
    },
    nameFormat: os === "windows" ? `aks${name}00000{i}` : `aks-${name}-31415926-vmss00000{i}`,
  };
}

function gkePool(name: string, os: "linux" | "windows", count: number, taints: PoolInput["taints"] = []): PoolInput {
  return {
    name,
    os,
    build: os === "windows" ? WS2022 : undefined,
    count,
    labels: { "cloud.google.com/gke-nodepool": name, "cloud.google.com/gke-os-distribution": os === "windows" ? "windows_ltsc" : "cos" },
    taints,
    nameFormat: `gke-hc-${name}-5f3a9c1e-x{i}k2`,
  };
}

function eksNodegroup(name: string, os: "linux" | "windows", count: number, subnet: number): PoolInput {
  return {
    name,
    os,
    build: os === "windows" ? WS2022 : undefined,
    count,
    labels: { "eks.amazonaws.com/nodegroup": name },
    nameFormat: `ip-10-0-${subnet}-1{i}.us-west-2.compute.internal`,
  };
}

const layouts: Record<ProfileName, () => Input> = {
  // The Kubernetes docs' recommendation: Windows nodes tainted os=windows:NoSchedule, Linux workers for helpers.
  docs: () => ({
    nodes: [
      { name: "hc-control-plane", os: "linux", role: "control-plane" },
      { name: "hc-linux-1", os: "linux" },
      { name: "hc-linux-2", os: "linux" },
      { name: "hc-win2022-1", os: "windows", build: WS2022 },
      { name: "hc-win2022-2", os: "windows", build: WS2022 },
      { name: "hc-win2025-1", os: "windows", build: WS2025 },
    ],
  }),
  // AKS: a managed control plane (no node), a Linux system pool, a 2022 and a 2025 Windows pool, no Windows taint.
  aks: () => ({
    pools: [
      aksPool("nodepool1", "linux", 2, "Ubuntu"),
      aksPool("win22", "windows", 2, "Windows2022", WS2022),
      aksPool("win25", "windows", 1, "Windows2025", WS2025),
    ],
  }),
  // GKE: a managed control plane, every Windows node tainted node.kubernetes.io/os=windows:NoSchedule; LTSC2022 only.
  gke: () => ({
    pools: [
      gkePool("default-pool", "linux", 2),
      gkePool("windows-pool", "windows", 2, [{ key: "node.kubernetes.io/os", value: "windows", effect: "NoSchedule" }]),
    ],
  }),
  // EKS: managed control plane, FQDN node names, nodegroup labels, no Windows taint.
  eks: () => ({
    pools: [eksNodegroup("linux-ng", "linux", 2, 1), eksNodegroup("windows-ng", "windows", 2, 2)],
  }),
  // kubeadm / Cluster API: the tainted control plane is the only Linux node; Windows workers tainted by the
  // operator's own key (here sku=Windows:NoSchedule; a topology file can choose any). No load-balancer controller:
  // kubeadm installs none (bare metal needs MetalLB or similar, added by the operator).
  kubeadm: () => ({
    loadBalancer: "none",
    nodes: [{ name: "hc-control-plane", os: "linux", role: "control-plane" }],
    pools: [
      {
        name: "win2022",
        os: "windows",
        build: WS2022,
        count: 2,
        taints: [{ key: "sku", value: "Windows", effect: "NoSchedule" }],
        nameFormat: "hc-win2022-md-{i}",
      },
      {
        name: "win2025",
        os: "windows",
        build: WS2025,
        count: 1,
        taints: [{ key: "sku", value: "Windows", effect: "NoSchedule" }],
        nameFormat: "hc-win2025-md-{i}",
      },
    ],
  }),
  // The docs' Linux side and a Windows Server 2022 pool that starts empty and grows on demand (cluster-autoscaler).
  autoscaled: () => ({
    nodes: [
      { name: "hc-control-plane", os: "linux", role: "control-plane" },
      { name: "hc-linux-1", os: "linux" },
      { name: "hc-linux-2", os: "linux" },
    ],
    pools: [
      {
        name: "win2022",
        os: "windows",
        build: WS2022,
        count: 0,
        autoscale: { max: 2 },
        taints: [{ key: "os", value: "windows", effect: "NoSchedule" }],
        nameFormat: "hc-win2022-as-{i}",
      },
    ],
  }),
};

export function profileLayout(p: ProfileName): Input {
  return layouts[p]();
}
