// Sensitivity of the dual-stack check (sensitivity/dual-stack.cases.ts) on a dual-stack local cluster of its own
// (`cluster up --dual-stack` in a temporary state directory; the lane's cluster is untouched): healthy, the check
// passes; with the service proxy's IPv6 rules missing, it fails naming the IPv6 ClusterIP. Its skip on the default
// single-stack cluster is proven by sensitivity-extended-network.spec.ts.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../support/local-cluster.js";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { cases, DUAL_STACK_GREP } from "../../sensitivity/dual-stack.cases.js";

describe("sensitivity: dual-stack (Extend.Network, on a dual-stack cluster)", function () {
  this.timeout(600_000);
  let dir: string;
  const before_ = process.env.HC_LOCALCLUSTER_DIR;
  before(function () {
    this.timeout(300_000);
    dir = mkdtempSync(join(tmpdir(), "hc-sens-dualstack-"));
    // Everything below (the CLI runs, the fault switch) talks to this cluster: they all read HC_LOCALCLUSTER_DIR.
    process.env.HC_LOCALCLUSTER_DIR = join(dir, "state");
    const up = cli(["cluster", "up", "--dual-stack"]);
    expect(up.code, up.stderr).to.equal(0);
  });
  after(function () {
    this.timeout(120_000);
    if (dir) cli(["cluster", "down"]);
    if (before_ === undefined) delete process.env.HC_LOCALCLUSTER_DIR;
    else process.env.HC_LOCALCLUSTER_DIR = before_;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it("passes on the healthy dual-stack cluster", () => runHealthy({ categories: ["Extend.Network"], grep: DUAL_STACK_GREP }, join(dir, "healthy")));
  itCases(cases, () => dir);
});
