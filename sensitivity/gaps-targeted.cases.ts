// Targeted faults that closed the last known gaps of issue 19: a kubelet or runtime that applies the wrong
// Windows user (the image's default ignored, the pod's value or a container's own value not passed on).
import type { SensitivityCase } from "./case.js";
import { USER } from "./extended.cases.js";

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
    },
  },
];
