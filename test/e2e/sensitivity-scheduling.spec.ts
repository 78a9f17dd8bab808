// Sensitivity of Core.Nodes and Core.Scheduling, through the real CLI: healthy, every test passes; under each case
// of sensitivity/scheduling.cases.ts exactly the tests it names fail, each naming the pod, the node and the event
// or condition (test/support/sensitivity.ts). With no Windows node Ready, preflight stops the run before any test.
import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, sensitivityParallel } from "../support/local-cluster.js";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { applyFault, nodesHealthy } from "../support/sensitivity-setup.js";
import { cases } from "../../sensitivity/scheduling.cases.js";

const categories = ["Core.Nodes", "Core.Scheduling"];

describe("sensitivity: Core.Nodes and Core.Scheduling under faults", function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hc-sens-scheduling-"));
    await nodesHealthy();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("passes every test on the healthy cluster (exit 0)", () => runHealthy({ categories }, join(dir, "healthy")));
  itCases(cases, () => dir);

  it("node-not-ready on every Windows node: preflight stops with one line and exit 2, nothing runs", async () => {
    const reportDir = join(dir, "not-ready-all-windows");
    const fault = await applyFault({ fault: "node-not-ready", options: { node: "hc-win*" } });
    let r: ReturnType<typeof cli>;
    try {
      r = cli(["run", "--local", ...categories.flatMap((c) => ["--category", c]), ...sensitivityParallel, "--report-dir", reportDir], { KUBECONFIG: "" });
    } finally {
      await fault.clear();
    }
    expect(r.code, r.stderr).to.equal(2);
    const lines = r.stderr.split("\n").filter((l) => l.trim());
    expect(lines, r.stderr).to.have.length(1);
    expect(lines[0]).to.match(/none of the cluster's 3 Windows node\(s\) is Ready \(hc-win2022-1, hc-win2022-2, hc-win2025-1\)/);
    expect(existsSync(join(reportDir, "summary.json")), "no report for a run that never started").to.equal(false);
  });
});
