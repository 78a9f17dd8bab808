// Targeted faults that closed the last known gaps of issue 19: a kubelet or runtime that applies the wrong
// Windows user (the image's default ignored, the pod's value or a container's own value not passed on), and
// control-plane variants — the real kube-scheduler and kube-apiserver run with a flag a real cluster can have
// (test/support/control-plane-variants.ts; docs/local-cluster.md cites each).
import type { SensitivityCase } from "./case.js";
import { USER, RC } from "./extended.cases.js";
import { SCHED } from "./scheduling.cases.js";
import { WORKLOADS } from "./workloads.cases.js";
import { gateOffSkip } from "./stop-signals.cases.js";

/** The IIS Deployment selects Windows only through its RuntimeClass: without the merge, a Linux kubelet refuses it. */
const IIS_ON_LINUX =
  /pod hc-\S+\/iis-2022-\S+ on node hc-linux-\d failed: PodOSNotSupported: Pod was rejected: Failed to admit pod as the OS field doesn't match node OS/;

export const cases: SensitivityCase[] = [
  {
    fault: "image-default-user-ignored",
    kind: "targeted",
    categories: ["Extend.RunAsUserName"],
    why: "nanoserver's default user is ContainerUser; the runtime runs it as ContainerAdministrator",
    breaks: { [USER.default]: [/run-as-username-default\S*\/\S+ runs as "ContainerAdministrator", expected "ContainerUser"/] },
  },
  {
    fault: "runasusername-pod-level-ignored",
    kind: "targeted",
    categories: ["Extend.RunAsUserName"],
    why: "containers without their own runAsUserName run as servercore's default, not the pod's ContainerUser",
    breaks: {
      [USER.pod]: [/run-as-username-pod\S*\/\S+ runs as "ContainerAdministrator", expected "ContainerUser"/],
      [USER.override]: [/run-as-username-container\S*\/inherits-pod-level runs as "ContainerAdministrator", expected "ContainerUser"/],
    },
  },
  {
    fault: "runasusername-container-level-ignored",
    kind: "targeted",
    categories: ["Extend.RunAsUserName"],
    why: "a container's own runAsUserName is not applied: the pod's ContainerUser wins, and a container-level unknown user starts",
    breaks: {
      [USER.override]: [/run-as-username-container\S*\/run-as-username-demo runs as "ContainerUser", expected "ContainerAdministrator"/],
      // Its container-level "FooLish" is not applied either: the container starts as the pod's ContainerUser.
      [USER.unknown]: [/run-as-username-unknown-container: container\(s\) run-as-username-demo started anyway; expected the node to refuse it/],
    },
  },
  {
    fault: "pod-ip-unreported",
    options: { pod: "windows-client*" },
    kind: "targeted",
    categories: ["Core.Workloads"],
    skips: gateOffSkip,
    why: "a running pod without status.podIP: only the status-fields check deploys windows-client",
    breaks: { [WORKLOADS.status]: [/pod hc-[a-z0-9-]+\/windows-client\S* on node hc-win\S+: status\.podIP is empty/] },
  },
  {
    fault: "scheduler-without-noderesourcesfit",
    kind: "targeted",
    categories: ["Core.Scheduling"],
    why: "nothing compares the pod's requests with what a node can allocate: it is bound to a node that cannot hold it",
    breaks: { [SCHED.insufficient]: [/to be reported Unschedulable: pod hc-[a-z0-9-]+\/windows-client\S* was scheduled onto node hc-win20\d\d-\d/] },
  },
  {
    fault: "apiserver-without-runtimeclass-admission",
    kind: "targeted",
    categories: ["Extend.RuntimeClass"],
    why: "no admission plugin refuses the conflict, nor merges the RuntimeClass's scheduling: IIS pods that select only through it land on Linux",
    breaks: {
      [RC.onBuild]: [IIS_ON_LINUX],
      [RC.clusterIP]: [IIS_ON_LINUX],
      // The load balancer gets its address (the Service needs no pod); its IIS pods are refused by a Linux kubelet.
      [RC.lb]: [IIS_ON_LINUX],
      [RC.conflict]: [/the pod was accepted; expected 403 Forbidden "conflict: runtimeClass\.scheduling\.nodeSelector\[node\.kubernetes\.io\/windows-build\]/],
    },
  },
];
