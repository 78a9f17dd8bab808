// What each kubelet holds back from its node's memory, as the cloud or the kubelet's defaults set it: one place for
// the figures the Node object's allocatable memory (nodes.ts) and the kubelet's /configz (dataplane/kubelet-front.ts)
// both come from, so allocatable = capacity − kubeReserved − systemReserved − evictionHard, as on a real node.

export interface MemoryReservations {
  kubeReservedMi: number;
  systemReservedMi: number;
  /** evictionHard memory.available. */
  evictionHardMi: number;
  /** Where the figures come from. */
  source: string;
}

/** The CPU every emulated kubelet reserves (kubeReserved cpu): the Node object's allocatable CPU is capacity − this. */
export const kubeReservedCpuMillis = 100;

/**
 * The kubelet's default hard eviction threshold: 100Mi on Linux, 500Mi on Windows (k8s.io/kubernetes v1.36.3
 * pkg/kubelet/eviction/defaults_linux.go, defaults_windows.go: "Windows generally requires more memory reserved").
 */
const defaultEvictionMi = (os: string) => (os === "windows" ? 500 : 100);

/** GKE's regressive rate: 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above. */
function gkeReservedMi(memoryMi: number): number {
  const tiers: [number, number][] = [
    [4096, 0.25],
    [4096, 0.2],
    [8192, 0.1],
    [114688, 0.06],
    [Infinity, 0.02],
  ];
  let left = memoryMi;
  let reserved = 0;
  for (const [size, rate] of tiers) {
    const part = Math.min(left, size);
    reserved += part * rate;
    left -= part;
  }
  return Math.round(reserved);
}

export function memoryReservations(profile: string, os: string, memoryMi: number, maxPods: number): MemoryReservations {
  switch (profile) {
    case "aks":
      // learn.microsoft.com/azure/aks/node-resource-reservations (AKS 1.29 and later): kube-reserved is the lesser of
      // 20 MB × max pods + 50 MB and 25% of memory; eviction memory.available<100Mi.
      return {
        kubeReservedMi: Math.min(20 * maxPods + 50, Math.round(memoryMi * 0.25)),
        systemReservedMi: 0,
        evictionHardMi: os === "windows" ? defaultEvictionMi(os) : 100,
        source: "AKS node resource reservations (1.29+)",
      };
    case "gke":
      // cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes: the regressive rate above, eviction 100 MiB.
      return {
        kubeReservedMi: gkeReservedMi(memoryMi),
        systemReservedMi: 0,
        evictionHardMi: os === "windows" ? defaultEvictionMi(os) : 100,
        source: "GKE memory reservations",
      };
    case "eks":
      // amazon-eks-ami bootstrap: kube-reserved memory = 11 MiB × max pods + 255 MiB; eviction memory.available<100Mi.
      return {
        kubeReservedMi: 11 * maxPods + 255,
        systemReservedMi: 0,
        evictionHardMi: os === "windows" ? defaultEvictionMi(os) : 100,
        source: "EKS AMI bootstrap",
      };
    default:
      // A kubeadm-style node: nothing reserved but the kubelet's own default eviction threshold.
      return { kubeReservedMi: 0, systemReservedMi: 0, evictionHardMi: defaultEvictionMi(os), source: "kubelet defaults" };
  }
}

export function allocatableMemoryMi(memoryMi: number, r: MemoryReservations): number {
  return memoryMi - r.kubeReservedMi - r.systemReservedMi - r.evictionHardMi;
}
