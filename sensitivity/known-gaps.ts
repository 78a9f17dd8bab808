// Checks that no targeted fault breaks yet (issue 19). This list may only shrink: test/unit/sensitivity/matrix.spec.ts
// fails when a check here now has a targeted fault (remove it from here), and when a check outside it has none (add a
// targeted case to sensitivity/*.cases.ts; a new check is never added here).
export const knownGaps: string[] = [
  "Core.Scheduling › places a pod that selects kubernetes.io/os=windows and tolerates the Windows taint on a Windows node",
  "Core.Scheduling › refuses a Windows pod that requests more CPU and memory than any Windows node can allocate: FailedScheduling, Insufficient cpu and memory",
  "Core.Workloads › reports a Windows pod's status fields: podIP, hostIP, container and image IDs, startTime, QoS class, conditions",
  "Extend.RuntimeClass › rejects a pod whose own nodeSelector conflicts with its RuntimeClass (Forbidden)",
  "Extend.RunAsUserName › runs each container as its image's default user when runAsUserName is not set (servercore: ContainerAdministrator, nanoserver: ContainerUser)",
  "Extend.RunAsUserName › runs every container as the pod-level runAsUserName (ContainerUser, as in the docs; and ContainerAdministrator)",
  "Extend.RunAsUserName › lets a container's runAsUserName (ContainerAdministrator) override the pod's (ContainerUser); a container without one keeps the pod's",
  "Extend.ActiveDirectory › keeps an existing pod's GMSA settings: a change to the name or contents is refused (by the API server's pod immutability, before any webhook)",
];
