// Sensitivity of the GMSA UPDATE registration and LogMonitor checks to faults in the behaviour they name
// (sensitivity/{gmsa,logs}.cases.ts), through the one case runner (test/support/sensitivity.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases } from "../support/sensitivity.js";
import { cases as gmsa } from "../../sensitivity/gmsa.cases.js";
import { cases as logs } from "../../sensitivity/logs.cases.js";

describe("sensitivity: GMSA UPDATE registration and LogMonitor sources", function () {
  // A whole Extend.ActiveDirectory run per GMSA case, as sensitivity-extended.spec.ts allows (one took > 300 s on a loaded machine).
  this.timeout(420_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-wor-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  itCases([...gmsa, ...logs], () => dir);
});
