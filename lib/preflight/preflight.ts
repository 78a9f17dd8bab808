// Phase 2 of a run: what the cluster is (nodes, builds, taints, RuntimeClasses, GMSA), whether it can be tested
// as asked, and whether our credentials may do what the selected suites do. Bad input ends here, in one line.
import type * as k8s from "@kubernetes/client-node";
import { discover, assertTestable } from "./discover.js";
import { assertAllowed, permissionsFor } from "./access.js";
import type { Capabilities } from "./types.js";
import { UserFacingError } from "../errors.js";
import { narrowToPool } from "../pools/pools.js";
import type { LabelSelector } from "../pools/selector.js";
import { poolsToScale, scaleUpPools, type AutoscaledPool } from "../pools/autoscaled.js";
import { budgets } from "../run/budgets.js";

export interface PreflightRequest {
  local: boolean;
  /** --windows-build */
  windowsBuild?: string;
  /** --windows-nodes: the run is narrowed to the Windows nodes it selects. */
  windowsNodes?: LabelSelector;
  /** --runtime-class: must exist on the cluster. */
  runtimeClass?: string;
  /** Any extended suite selected: its permissions are checked too. */
  extended: boolean;
  /** --autoscaled-pool: Windows pools that scale from zero; one without a Ready node is grown by one first. */
  autoscaledPools?: AutoscaledPool[];
  /** --timeout-scale (the scale-up budgets) and --registry (the placeholder's image), for a scale-up. */
  timeoutScale?: number;
  registryOverrides?: Record<string, string>;
  info?: (line: string) => void;
}

export async function preflight(kc: k8s.KubeConfig, r: PreflightRequest): Promise<Capabilities> {
  let discovered = await discover(kc, r.local);
  const toScale = poolsToScale(discovered, r.autoscaledPools ?? []);
  if (toScale.length) {
    // The placeholder pods need the run's own permissions: checked before anything is created.
    await assertAllowed(kc, permissionsFor(r.extended));
    const b = budgets({ options: { timeoutScale: r.timeoutScale }, caps: { local: r.local } });
    await scaleUpPools({ kc, pools: toScale, budgets: b, registry: r.registryOverrides, info: r.info ?? (() => undefined) });
    discovered = await discover(kc, r.local);
  }
  assertTestable(discovered);
  const caps = r.windowsNodes ? narrowToPool(discovered, r.windowsNodes) : discovered;
  assertTestable(caps, r.windowsBuild);
  if (r.runtimeClass && !caps.runtimeClasses.some((x) => x.name === r.runtimeClass))
    throw new UserFacingError(
      `--runtime-class ${r.runtimeClass}: no such RuntimeClass on the cluster (found: ${caps.runtimeClasses.map((x) => x.name).join(", ") || "none"})`,
    );
  await assertAllowed(kc, permissionsFor(r.extended));
  return caps;
}
