// The check titles of Core.Scheduling, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).
import { supportedBuilds } from "../../lib/fixtures/images.js";

export const SCHEDULING = {
  toleration: "places a pod that selects kubernetes.io/os=windows and tolerates the Windows taint on a Windows node",
  /** One check per supported build (lib/fixtures/images.ts supportedBuilds). */
  build: (build: string) => `places a pod that selects node.kubernetes.io/windows-build=${build} on a ${supportedBuilds[build]} node`,
  noToleration: "keeps a Windows pod without the toleration Pending: FailedScheduling, and the harness names the taint",
  linuxOff: "never schedules Linux pods without a nodeSelector onto the tainted Windows nodes",
  osField: "does not schedule by spec.os.name: a Windows pod bound to a Linux node is refused by its kubelet (PodOSNotSupported)",
  insufficient: "refuses a Windows pod that requests more CPU and memory than any Windows node can allocate: FailedScheduling, Insufficient cpu and memory",
  cpuLimit: "keeps a busy loop under its 500m CPU limit: the kubelet's stats summary measures it above zero and at most 8% over",
  allocatable: "states allocatable memory on each Windows node equal to its capacity minus what its kubelet reserves and its eviction threshold (/configz)",
} as const;
