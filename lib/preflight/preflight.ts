// Phase 2 of a run: what the cluster is (nodes, builds, taints, RuntimeClasses, GMSA), whether it can be tested
// as asked, and whether our credentials may do what the selected suites do. Bad input ends here, in one line.
import type * as k8s from "@kubernetes/client-node";
import { discover, assertTestable } from "./discover.js";
import { assertAllowed, permissionsFor } from "./access.js";
import type { Capabilities } from "./types.js";
import { UserFacingError } from "../errors.js";
import { narrowToPool } from "../pools/pools.js";
import type { LabelSelector } from "../pools/selector.js";

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
}

export async function preflight(kc: k8s.KubeConfig, r: PreflightRequest): Promise<Capabilities> {
  const discovered = await discover(kc, r.local);
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
