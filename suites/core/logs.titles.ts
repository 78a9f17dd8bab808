// The check titles of Core.Logs, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const LOGS = {
  requestLines: "shows the web server's request lines in the pod's log after the test's requests",
  previousLogs: "keeps the previous container's log after a restart (kubectl logs --previous)",
  logMonitor: "surfaces every source configured for LogMonitor on the container's stdout, with the lines the container wrote itself",
} as const;
