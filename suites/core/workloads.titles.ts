// The check titles of Core.Workloads, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const WORKLOADS = {
  webserver: "runs the docs' win-webserver Deployment: 2 replicas Ready on Windows nodes",
  emptyDir: "shares an emptyDir between the containers of a Windows pod",
  config: "gives a Windows container its ConfigMap and Secret as environment variables and as files",
  hooks: "runs a Windows container's postStart hook at start and its preStop hook when the pod is deleted",
  limits: "records a Windows container's resource requests and limits: stored, QoS class, kubelet status and the downward API inside the container",
  status: "reports a Windows pod's status fields: podIP, hostIP, container and image IDs, startTime, QoS class, conditions",
  rollout: "rolls out a change to a Windows Deployment: new pods Ready on Windows nodes, old pods gone",
  stopSignal:
    "accepts lifecycle.stopSignal SIGTERM and SIGKILL on a Windows pod and refuses SIGQUIT and SIGUSR1 as NotSupported on spec.containers[0].lifecycle.stopSignal (dry run)",
} as const;
