// The check titles of Extend.RuntimeClass, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const RUNTIMECLASS = {
  create: "creates a RuntimeClass per Windows build that selects os, arch and build and tolerates the Windows taint",
  onBuild: "runs IIS through the RuntimeClass on nodes of that build only, with the image tag matching the build",
  clusterIP: "serves the IIS default page through the Service's ClusterIP to a Linux pod",
  lb: "serves the IIS default page on the LoadBalancer Service's external address (skipped where the cluster has no load balancer)",
  conflict: "rejects a pod whose own nodeSelector conflicts with its RuntimeClass (Forbidden)",
} as const;
