// Sensitivity of Extend.Network (sensitivity/extended-network.cases.ts), through the one case runner
// (test/support/sensitivity.ts): one port of a multi-port Service not routed fails the multi-port check; healthy, it passes.
// The cluster is single-stack: the dual-stack check is skipped, naming the API server's refusal (sensitivity-dual-stack
// runs it on a dual-stack cluster).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { cases, SINGLE_STACK_SKIPS } from "../../sensitivity/extended-network.cases.js";

describe("sensitivity: Extend.Network", function () {
  this.timeout(600_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-extnet-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("passes on the healthy cluster", () => runHealthy({ categories: ["Extend.Network"], skips: SINGLE_STACK_SKIPS }, join(dir, "healthy")));
  itCases(cases, () => dir);
});
