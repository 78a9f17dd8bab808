// Targeted faults for Core.Workloads: each breaks the one kubelet behaviour a check names (issue 19), and the
// run of the whole category shows that only the checks depending on it fail.
import type { SensitivityCase } from "./case.js";
import { gateOffSkip } from "./stop-signals.cases.js";
import { WORKLOADS } from "./workloads.cases.js";

const W = WORKLOADS;
const pod = (name: string) => new RegExp(`pod hc-[a-z0-9-]+/${name}`);

export const cases: SensitivityCase[] = [
  {
    fault: "env-refs-dropped",
    kind: "targeted",
    categories: ["Core.Workloads"],
    skips: gateOffSkip,
    breaks: {
      // configMapKeyRef (the first step); the downward API's resourceFieldRef values.
      [W.config]: [pod("config-env-volumes"), /container app: environment variable GREETING is (not set|"")/],
      [W.limits]: [pod("resource-limits"), /environment variable LIMITS_CPU is (not set|"")/],
    },
  },
  {
    fault: "emptydir-not-shared",
    kind: "targeted",
    categories: ["Core.Workloads"],
    skips: gateOffSkip,
    breaks: {
      [W.emptyDir]: [pod("multi-container-emptydir"), /container reader: C:\\shared\\hello\.txt cannot be read/],
      // The fixture's postStart hook writes into an emptyDir the observer container reads.
      [W.hooks]: [pod("lifecycle-hooks"), /container observer: C:\\hooks\\poststart\.txt cannot be read/],
    },
  },
  {
    fault: "poststart-hook-skipped",
    kind: "targeted",
    categories: ["Core.Workloads"],
    skips: gateOffSkip,
    breaks: { [W.hooks]: [pod("lifecycle-hooks"), /container observer: C:\\hooks\\poststart\.txt cannot be read/] },
  },
];
