// Core.Workloads' lifecycle.stopSignal check on both sides of the ContainerStopSignals feature gate: skipped with
// the reason on the shared test cluster (upstream defaults: the gate is off and the API server drops the field),
// passing on a cluster started with `cluster up --feature-gates ContainerStopSignals=true` (its own state
// directory), where the one targeted case (sensitivity/stop-signals.cases.ts) also runs. Only that check is selected.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../support/local-cluster.js";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { GATE_ON, STOP_SIGNALS_GREP, cases, gateOffSkip } from "../../sensitivity/stop-signals.cases.js";

const selection = { categories: ["Core.Workloads"], grep: STOP_SIGNALS_GREP };

describe("lifecycle.stopSignal with the ContainerStopSignals gate off and on", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-stop-signals-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("gate off (the shared cluster): the check is skipped, its reason naming the dropped field and the gate", () =>
    runHealthy({ ...selection, skips: gateOffSkip }, join(dir, "gate-off")));

  describe("gate on (a cluster of its own)", () => {
    const shared = process.env.HC_LOCALCLUSTER_DIR;
    before(function () {
      this.timeout(240_000);
      // Everything below (the CLI runs, the fault switch) reads the cluster from HC_LOCALCLUSTER_DIR.
      process.env.HC_LOCALCLUSTER_DIR = join(dir, "gate-on-state");
      const up = cli(["cluster", "up", ...GATE_ON]);
      expect(up.code, up.stderr).to.equal(0);
    });
    after(function () {
      this.timeout(120_000);
      cli(["cluster", "down"]);
      if (shared === undefined) delete process.env.HC_LOCALCLUSTER_DIR;
      else process.env.HC_LOCALCLUSTER_DIR = shared;
    });

    it("passes: SIGTERM and SIGKILL accepted and kept, SIGQUIT and SIGUSR1 refused on the exact path", () => runHealthy(selection, join(dir, "gate-on")));
    itCases(cases, () => dir);
  });
});
