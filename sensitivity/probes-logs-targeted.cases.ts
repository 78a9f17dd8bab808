// Targeted faults for Core.Probes and Core.Logs (issue 19): a kubelet that ignores startupProbe, and one that
// discards a dead container's log at once. The run passes --logmonitor-image so the LogMonitor check runs too.
import type { SensitivityCase } from "./case.js";
import { PROBES as P } from "../suites/core/probes.titles.js";
import { LOGS as L } from "../suites/core/logs.titles.js";

const categories = ["Core.Probes", "Core.Logs"];
const args = ["--logmonitor-image", "registry.example/servercore-logmonitor:ltsc2022"];
const hcNamespaces = { namespace: "hc-*" };

export const cases: SensitivityCase[] = [
  {
    fault: "startup-probe-ignored",
    options: hcNamespaces,
    kind: "targeted",
    categories,
    args,
    why: "only the startup check: readiness and liveness run from the container's start",
    breaks: {
      [P.startup]: [/pod hc-[a-z0-9-]+\/probes-startup is held back by its startup probe/, /container reported started before its startup probe could pass/],
    },
  },
  {
    fault: "previous-log-lost",
    options: hcNamespaces,
    kind: "targeted",
    categories,
    args,
    why: "both checks that read kubectl logs --previous",
    breaks: {
      [P.liveness]: [
        /kubectl logs --previous hc-[a-z0-9-]+\/probes-liveness -c windowswebserver: expected the killed web server's "Listening at" line, got ""/,
      ],
      [L.previousLogs]: [/kubectl logs --previous hc-[a-z0-9-]+\/probes-liveness -c windowswebserver: no request line for .*the previous log has 0 line\(s\)/],
    },
  },
];
