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
  timeoutScale: number;
  registryOverrides: Record<string, string>;
  /** Egress target for the external-reachability check; undefined when the run is air-gapped. */
  externalUrl?: string;
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

/** Upstream's budgets (test/e2e/framework/timeouts.go), scaled by --timeout-scale. */
export function budgets(ctx: RunContext = runContext()) {
  const s = ctx.options.timeoutScale;
  return {
    podStartMs: 5 * 60_000 * s,
    /** Windows images are large: pulls get their own, larger budget. */
    imagePullMs: 15 * 60_000 * s,
    podDeleteMs: 5 * 60_000 * s,
    /** Networking gets ~30 s to come up, then must stay up. */
    networkUpMs: 30_000 * Math.max(s, 0.2),
    networkStableMs: 10_000 * Math.max(s, 0.2),
  };
}

export const labels = {
  run: "hybrid-conformance.io/run",
  test: "hybrid-conformance.io/test",
  managed: "app.kubernetes.io/managed-by",
  /** Set on what `--keep-on-failure` keeps: the run's sweep leaves it, `cleanup --kept` removes it. */
  kept: "hybrid-conformance.io/kept",
};
