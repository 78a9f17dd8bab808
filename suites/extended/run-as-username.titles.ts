// The check titles of Extend.RunAsUserName, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const RUN_AS_USERNAME = {
  default: "runs each container as its image's default user when runAsUserName is not set (servercore: ContainerAdministrator, nanoserver: ContainerUser)",
  pod: "runs every container as the pod-level runAsUserName (ContainerUser, as in the docs; and ContainerAdministrator)",
  override: "lets a container's runAsUserName (ContainerAdministrator) override the pod's (ContainerUser); a container without one keeps the pod's",
  unknown:
    'fails a container whose runAsUserName does not exist on the node ("FooLish"): FailedCreatePodSandBox or StartError, "The user name or password is incorrect."',
  nonRoot: "refuses to start ContainerAdministrator under runAsNonRoot, with the kubelet's message",
} as const;
