// The check titles of Core.Probes, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const PROBES = {
  readiness: "keeps a pod whose readiness probe fails NotReady and out of its Service's EndpointSlice, and puts it back when the probe passes",
  liveness: "restarts a container whose liveness probe fails (restartCount, Killing event, previous container's log)",
  startup: "holds readiness and liveness probes back until the startup probe passes",
} as const;
