// Sensitivity of Extend.Network (sensitivity/extended-network.cases.ts), through the one case runner
// (test/support/sensitivity.ts): one port of a multi-port Service not routed fails the multi-port check; healthy, it passes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { cases } from "../../sensitivity/extended-network.cases.js";

describe("sensitivity: Extend.Network", function () {
  this.timeout(600_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-extnet-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("passes on the healthy cluster", () => runHealthy({ categories: ["Extend.Network"] }, join(dir, "healthy")));
  itCases(cases, () => dir);
});
