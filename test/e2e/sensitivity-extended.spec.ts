// Sensitivity of the extended suite, through the real CLI: under each case of sensitivity/extended.cases.ts and
// sensitivity/load-balancer.cases.ts exactly the tests it names fail, naming the cause (test/support/sensitivity.ts);
// then, every fault cleared, every test passes (the LoadBalancer test too: the docs profile has a cloud's
// load-balancer controller) — the healthy baseline, run last so that it also shows clearing restores health.
// No value of the synthetic credential spec ever reaches a report.
import { expect } from "chai";
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { FaultSwitch } from "../support/dataplane.js";
import { cases, extendedCategories } from "../../sensitivity/extended.cases.js";
import { cases as loadBalancerCases } from "../../sensitivity/load-balancer.cases.js";

/** Values of fixtures/gmsa-credspec.yaml that must never reach a report. */
const CREDSPEC_VALUES = ["S-1-5-21-3623811015-3361044348-30300820-1013", "5c4b5c0e-3c56-4c47-9d2e-6f0f3a9d1b21"];

/** No file of a report holds a value of the synthetic credential spec. */
function expectNoCredSpec(reportDir: string): void {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(reportDir);
  expect(files.length).to.be.greaterThan(3);
  const leaks = files.filter((f) => {
    const text = readFileSync(f, "latin1");
    return CREDSPEC_VALUES.some((v) => text.includes(v));
  });
  expect(leaks, "credential spec contents in the report").to.deep.equal([]);
}

describe("sensitivity: the extended suite under faults", function () {
  this.timeout(420_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-extended-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  itCases(
    cases,
    () => dir,
    (c) => (c.fault === "gmsa-domain-unreachable" ? { after: (run) => expectNoCredSpec(run.reportDir) } : {}),
  );
  itCases(loadBalancerCases, () => join(dir, "load-balancer"));
  it("with every fault cleared, passes every test on the healthy cluster (exit 0), the LoadBalancer test included", async () => {
    expect(await FaultSwitch.active(), "faults left on").to.deep.equal([]);
    runHealthy({ categories: extendedCategories }, join(dir, "healthy"));
  });
});
