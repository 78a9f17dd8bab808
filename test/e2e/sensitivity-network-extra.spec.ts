// Sensitivity of Extend.NetworkPolicy (sensitivity/network-policy.cases.ts), through the one case runner
// (test/support/sensitivity.ts): the policy agent down on the Windows nodes fails the check; no policy engine at all
// skips it, naming the probe that showed it; healthy, it passes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { cases } from "../../sensitivity/network-policy.cases.js";

describe("sensitivity: Extend.NetworkPolicy", function () {
  this.timeout(600_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-netpol-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("passes on the healthy cluster", () => runHealthy({ categories: ["Extend.NetworkPolicy"] }, join(dir, "healthy")));
  itCases(cases, () => dir);
});
