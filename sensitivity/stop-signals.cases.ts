// Core.Workloads' lifecycle.stopSignal check (upstream container_stop_signals.go). The field exists only with the
// ContainerStopSignals feature gate (alpha, off by default through Kubernetes 1.36), so:
// - on a cluster with the gate off (the shared test cluster: upstream defaults) the check is skipped, naming that
//   fact — every Core.Workloads case declares that skip (`gateOffSkip`);
// - the case below runs on a cluster started with `--feature-gates ContainerStopSignals=true`
//   (test/e2e/stop-signals.spec.ts, the one spec that runs it).
import type { SensitivityCase } from "./case.js";

export const STOP_SIGNALS =
  "accepts lifecycle.stopSignal SIGTERM and SIGKILL on a Windows pod and refuses SIGQUIT and SIGUSR1 as NotSupported on spec.containers[0].lifecycle.stopSignal (dry run)";
/** `run --grep` selecting only that check. */
export const STOP_SIGNALS_GREP = "lifecycle\\.stopSignal";
/** How the e2e spec starts the cluster the case runs on. */
export const GATE_ON = ["--feature-gates", "ContainerStopSignals=true"];

/** The skip every Core.Workloads run on a cluster with the gate off must show, with the fact in its reason. */
export const gateOffSkip = {
  [STOP_SIGNALS]: [
    /^the API server \(v1\.\d+\.\d+\) drops spec\.containers\[0\]\.lifecycle\.stopSignal from a Windows pod \(dry-run create read back without it\): the ContainerStopSignals feature gate is off on this cluster$/,
  ],
};

const NOT_REFUSED = (signal: string) =>
  new RegExp(
    `stopSignal=${signal}: pod accepted: spec\\.containers\\[0\\]\\.lifecycle\\.stopSignal was not rejected \\(the API server's answer says stopSignal SIGTERM\\)`,
  );

export const cases: SensitivityCase[] = [
  {
    // A policy webhook turns every unsupported signal into SIGTERM before validation: SIGTERM and SIGKILL are still
    // accepted and kept; SIGQUIT and SIGUSR1 are admitted as SIGTERM instead of refused.
    fault: "admission-defaults-stopsignal",
    kind: "targeted",
    categories: ["Core.Workloads"],
    grep: STOP_SIGNALS_GREP,
    why: "with the ContainerStopSignals gate on, the unsupported signals are admitted (rewritten to SIGTERM) instead of refused",
    breaks: { [STOP_SIGNALS]: [/^pod hc-\S+\/windows-client with spec\.containers\[0\]\.lifecycle\./, NOT_REFUSED("SIGQUIT"), NOT_REFUSED("SIGUSR1")] },
  },
];
