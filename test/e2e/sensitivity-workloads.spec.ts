// Sensitivity of Core.Workloads, through the real CLI: healthy, every test passes; under each case of
// sensitivity/workloads.cases.ts exactly the tests it names fail, with the messages it names (test/support/sensitivity.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { cases, gateOffSkip } from "../../sensitivity/workloads.cases.js";

describe("sensitivity: Core.Workloads under data-plane faults", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-workloads-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("passes every test on the healthy cluster (exit 0)", () => runHealthy({ categories: ["Core.Workloads"], skips: gateOffSkip }, join(dir, "healthy")));
  itCases(cases, () => dir);
});
