// The check titles of Extend.HostProcess, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const HOSTPROCESS = {
  rules: "enforces the HostProcess rules: pod and container hostProcess agree, all containers HostProcess, hostNetwork true (dry run)",
  pod: "runs a HostProcess pod on the host as NT AUTHORITY\\SYSTEM: hostname is the node's name, and the pod Succeeds (where privileged pods are allowed)",
} as const;
