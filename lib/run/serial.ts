// Marks a test that needs the cluster to itself (it changes cluster-scoped state other tests read, e.g. node
// labels or taints, or a webhook every pod passes through): under --parallel it runs after the others, alone.
// Usage: `runsAlone(it("…", async () => { … }))`. Objects a test creates under per-run names (RuntimeClasses,
// GMSACredentialSpecs, ClusterRoles: lib/fixtures/guard.ts) do not need it.
import type Mocha from "mocha";

export const RUNS_ALONE = "hcRunsAlone";

export function runsAlone<T extends Mocha.Test>(test: T): T {
  (test as unknown as Record<string, boolean>)[RUNS_ALONE] = true;
  return test;
}

export const isRunsAlone = (t: Mocha.Test) => (t as unknown as Record<string, boolean | undefined>)[RUNS_ALONE] === true;
