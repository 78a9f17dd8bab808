// The cases of sensitivity/network-b.cases.ts (Core.Network, Core.Probes, Core.Logs; the healthy baseline and the
// other cases are in sensitivity-network.spec.ts): a file of its own so e2e lanes can run both side by side on
// separate clusters (scripts/e2e-lanes.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases } from "../support/sensitivity.js";
import { cases } from "../../sensitivity/network-b.cases.js";

describe("sensitivity: Core.Network, Core.Probes, Core.Logs under one fault at a time (continued)", function () {
  this.timeout(25 * 60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sensitivity-b-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  itCases(cases, () => dir);
});
