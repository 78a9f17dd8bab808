// Sensitivity of Core.Storage (mount faults) and Core.Concurrent (an IPAM fault), from sensitivity/{storage,
// concurrent}.cases.ts through the one case runner (test/support/sensitivity.ts); healthy first, then each case.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { cases as storage } from "../../sensitivity/storage.cases.js";
import { cases as concurrent } from "../../sensitivity/concurrent.cases.js";

describe("sensitivity: Core.Storage and Core.Concurrent", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-storage-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("passes every test on the healthy cluster", () => runHealthy({ categories: ["Core.Storage", "Core.Concurrent"] }, join(dir, "healthy")));
  // Short budgets: the waits that can only time out under these faults do so quickly.
  itCases(
    [...storage, ...concurrent].map((c) => ({ ...c, args: [...(c.args ?? []), "--timeout-scale", "0.05"] })),
    () => dir,
  );
});
