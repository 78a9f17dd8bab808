// The run's shared facts, set once by the CLI before mocha loads the suites; suites read them in hooks.
import type * as k8s from "@kubernetes/client-node";
import type { Capabilities } from "../preflight/types.js";

export interface RunOptions {
  suite: "core" | "extended" | "all";
  categories: string[];
  grep?: string;
  windowsBuild?: string;
  reportDir: string;
  keepOnFailure: boolean;
  /** --timeout-scale as given; lib/run/budgets.ts turns it (or its default) into every wait budget. */
  timeoutScale?: number;
  registryOverrides: Record<string, string>;
  /** Egress target for the external-reachability check; undefined when the run is air-gapped. */
  externalUrl?: string;
  /** --logmonitor-image: a Windows image carrying LogMonitor.exe; the LogMonitor test is skipped without one. */
  logMonitorImage?: string;
  /** Extend.* settings (`run --runtime-handler/--runtime-class/--require-load-balancer/--credspec`). */
  extended?: { runtimeHandler?: string; runtimeClass?: string; requireLoadBalancer?: boolean; credspecFile?: string };
}

export interface RunContext {
  runId: string;
  kc: k8s.KubeConfig;
  caps: Capabilities;
  options: RunOptions;
}

let current: RunContext | undefined;

export function setRunContext(ctx: RunContext | undefined): void {
  current = ctx;
}

export function runContext(): RunContext {
  if (!current) throw new Error("no run context: suites run through `hybrid-conformance run`");
  return current;
}

export const labels = {
  run: "hybrid-conformance.io/run",
  test: "hybrid-conformance.io/test",
  managed: "app.kubernetes.io/managed-by",
  /** Set on what `--keep-on-failure` keeps: the run's sweep leaves it, `cleanup --kept` removes it. */
  kept: "hybrid-conformance.io/kept",
};
