// Sensitivity of the LogMonitor check (Core.Logs) to a fault in the behaviour it names. The run passes
// --logmonitor-image (an image carrying LogMonitor.exe), as the check needs one.
import type { SensitivityCase } from "./case.js";
import { LOGS } from "../suites/core/logs.titles.js";

export const cases: SensitivityCase[] = [
  {
    // LogMonitor drops its File source: the EventLog entries alone no longer pass the check.
    fault: "logmonitor-file-source-dropped",
    options: { pod: "logmonitor" },
    kind: "targeted",
    categories: ["Core.Logs"],
    args: ["--logmonitor-image", "registry.example/servercore-logmonitor:ltsc2022"],
    breaks: {
      [LOGS.logMonitor]: [
        /log of hc-[a-z0-9-]+\/logmonitor\[app\]/,
        /no entry from the File source \(c:\\logs\)/,
        /own File line "hello from the file source" is not there/,
      ],
    },
  },
];
