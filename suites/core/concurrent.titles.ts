// The check titles of Core.Concurrent, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const CONCURRENT = {
  density: "starts 10 Windows pods at once on one node: all Ready within the pod-start budget, each with its own pod IP",
  stats: "the node's kubelet stats summary answers within 10 s and lists 10 Windows pods with CPU and memory above zero",
} as const;
