// Core.Workloads under data-plane faults: each failure names the pod, its node and the event or reason
// (ErrImagePull with the image, CrashLoopBackOff with the container, the Unhealthy probe event, FailedPreStopHook).
// Fault runs use --timeout-scale 0.05 (15 s pod budget) so the waits that can only time out do so quickly.
import type { SensitivityCase } from "./case.js";
import { gateOffSkip } from "./stop-signals.cases.js";

/** The stopSignal check is skipped on a cluster with the ContainerStopSignals gate off (sensitivity/stop-signals.cases.ts). */
export { gateOffSkip };

export const WORKLOADS = {
  webserver: "runs the docs' win-webserver Deployment: 2 replicas Ready on Windows nodes",
  emptyDir: "shares an emptyDir between the containers of a Windows pod",
  config: "gives a Windows container its ConfigMap and Secret as environment variables and as files",
  hooks: "runs a Windows container's postStart hook at start and its preStop hook when the pod is deleted",
  limits: "records a Windows container's resource requests and limits: stored, QoS class, kubelet status and the downward API inside the container",
  status: "reports a Windows pod's status fields: podIP, hostIP, container and image IDs, startTime, QoS class, conditions",
  rollout: "rolls out a change to a Windows Deployment: new pods Ready on Windows nodes, old pods gone",
};
const T = WORKLOADS;
const categories = ["Core.Workloads"];
const args = ["--timeout-scale", "0.05"];
const NODE = /on node hc-win20(22|25)-\d/;
const pod = (name: string) => new RegExp(`pod hc-[a-z0-9-]+/${name}`);
const pull = [
  /ErrImagePull: Failed to pull image "mcr\.microsoft\.com\/windows\/servercore:ltsc20(22|25)"/,
  /403 Forbidden/,
  NODE,
  /container \S+ \(mcr\.microsoft\.com\/windows\/servercore:ltsc20(22|25)\)/,
];
const unready = [
  /^timed out after 15 s waiting for 2 Ready pod\(s\) matching app=win-webserver/,
  /0\/2 ready: win-webserver-\S+ Running on hc-win/,
  /last warning event on pod win-webserver-\S+ \(node hc-win\S+\): Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503/,
];

export const cases: SensitivityCase[] = [
  {
    fault: "image-pull-fails",
    options: { image: "mcr.microsoft.com/windows/*" },
    kind: "blanket",
    categories,
    skips: gateOffSkip,
    args,
    why: "every test fails with ErrImagePull, naming pod, node and image",
    breaks: {
      [T.webserver]: [pod("win-webserver-[a-z0-9]+-[a-z0-9]+"), ...pull],
      [T.emptyDir]: [pod("multi-container-emptydir"), ...pull],
      [T.config]: [pod("config-env-volumes"), ...pull],
      [T.hooks]: [pod("lifecycle-hooks"), ...pull],
      [T.limits]: [pod("resource-limits"), ...pull],
      [T.status]: [pod("windows-client"), ...pull],
      [T.rollout]: [pod("win-webserver-[a-z0-9]+-[a-z0-9]+"), ...pull],
    },
  },
  {
    fault: "container-crashes",
    options: { pod: "multi-container-emptydir" },
    kind: "blanket",
    categories,
    skips: gateOffSkip,
    args,
    why: "only the emptyDir test fails, with CrashLoopBackOff naming pod, node and container",
    breaks: {
      [T.emptyDir]: [
        pod("multi-container-emptydir"),
        NODE,
        /container (writer|reader) \(mcr\.microsoft\.com\/windows\/servercore:ltsc20\d\d\): CrashLoopBackOff: back-off \d+s restarting failed container/,
      ],
    },
  },
  {
    fault: "readiness-never",
    options: { pod: "win-webserver-*" },
    kind: "targeted",
    categories,
    skips: gateOffSkip,
    args,
    why: "the Deployment tests time out naming the Unhealthy event",
    breaks: { [T.webserver]: unready, [T.rollout]: unready },
  },
  {
    fault: "logs-empty",
    options: { pod: "win-webserver-*" },
    kind: "targeted",
    categories,
    skips: gateOffSkip,
    args,
    why: "only the banner check fails, naming pod, node and container",
    breaks: {
      [T.webserver]: [
        pod("win-webserver-[a-z0-9]+-[a-z0-9]+"),
        NODE,
        /container windowswebserver: its log does not show "Listening at http:\/\/\*:80\/" \(log: ""\)/,
      ],
    },
  },
  {
    fault: "pod-network-partition",
    kind: "targeted",
    categories,
    skips: gateOffSkip,
    args,
    why: "the preStop hook cannot reach its handler, so only the hooks test fails, naming FailedPreStopHook",
    breaks: {
      [T.hooks]: [
        pod("lifecycle-hooks"),
        NODE,
        /container app: the preStop hook never reached handler pod linux-client/,
        /event FailedPreStopHook: PreStopHook failed: command .*curl\.exe .* exited with \d+/,
      ],
    },
  },
];
