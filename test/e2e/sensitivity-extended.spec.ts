// Sensitivity of the extended suite, through the real CLI: healthy, every test passes (the LoadBalancer test too:
// the docs profile has a cloud's load-balancer controller); under each case of
// sensitivity/extended.cases.ts exactly the tests it names fail, naming the cause (test/support/sensitivity.ts).
// No value of the synthetic credential spec ever reaches a report.
import { expect } from "chai";
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { cases, extendedCategories } from "../../sensitivity/extended.cases.js";

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

  it("passes every test on the healthy cluster (exit 0), the LoadBalancer test included", () =>
    runHealthy({ categories: extendedCategories }, join(dir, "healthy")));
  itCases(
    cases,
    () => dir,
    (c) => (c.fault === "gmsa-domain-unreachable" ? { after: (run) => expectNoCredSpec(run.reportDir) } : {}),
  );
});
