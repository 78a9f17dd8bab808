// Sensitivity of the network checks added for issue 18 (Extend.NetworkPolicy), from the cases declared as data in
// test/sensitivity/network-policy.cases.ts: the real CLI against the local cluster under each case's fault (exactly
// the titles the case names fail, each with a message matching its patterns; every other test of the selected
// categories passes; exit 1), with no policy engine at all (the check is skipped, saying why), and healthy last, so
// clearing the faults is shown to restore the checks.
import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, sensitivityParallel } from "../support/local-cluster.js";
import type { Summary } from "../../lib/results/model.js";
import type { SensitivityCase } from "../sensitivity/case.js";
import { cases, NETWORK_POLICY_TITLE } from "../sensitivity/network-policy.cases.js";

function run(categories: string[], dir: string) {
  const r = cli(
    ["run", "--local", "--suite", "all", ...categories.flatMap((c) => ["--category", c]), ...sensitivityParallel, "--report-dir", dir],
    {},
    10 * 60_000,
  );
  let summary: Summary;
  try {
    summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  } catch {
    throw new Error(`no summary.json (exit ${r.code}); stderr: ${r.stderr.slice(-2000)}`);
  }
  return { r, tests: summary.tests };
}

function fault(...args: string[]): void {
  const r = cli(["cluster", "fault", ...args]);
  if (r.code !== 0) throw new Error(`cluster fault ${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
}

const scopeFlags = (c: SensitivityCase) => Object.entries(c.options ?? {}).flatMap(([k, v]) => [`--${k}`, v]);

describe("sensitivity: Extend.NetworkPolicy (cases as data)", function () {
  this.timeout(15 * 60_000);
  let dir: string;
  before(() => fault("clear"));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "hc-sensitivity-netextra-"))));
  afterEach(() => {
    fault("clear");
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(`${c.fault} ${JSON.stringify(c.options ?? {})} (${c.kind}) fails exactly: ${Object.keys(c.breaks).join("; ")}`, () => {
      fault("add", c.fault, ...scopeFlags(c));
      const { r, tests } = run(c.categories, dir);
      const wrong: string[] = [];
      for (const title of Object.keys(c.breaks)) if (!tests.some((t) => t.fullTitle === title)) wrong.push(`${title}: did not run`);
      for (const t of tests) {
        const patterns = c.breaks[t.fullTitle];
        if (!patterns && t.state !== "passed") wrong.push(`${t.fullTitle}: ${t.state} under ${c.fault}, which it does not depend on: ${t.error ?? ""}`);
        if (patterns && t.state !== "failed") wrong.push(`${t.fullTitle}: ${t.state}, but ${c.fault} breaks what it checks`);
        for (const p of patterns ?? [])
          if (t.state === "failed" && !p.test(t.error ?? "")) wrong.push(`${t.fullTitle}: message ${JSON.stringify(t.error)} does not match ${p}`);
      }
      expect(wrong, wrong.join("\n")).to.deep.equal([]);
      expect(r.code, r.stderr.slice(-500)).to.equal(1);
    });
  }

  it("no NetworkPolicy engine anywhere (networkpolicy-not-enforced on every node): skipped, naming the probe that showed it", () => {
    fault("add", "networkpolicy-not-enforced");
    const { r, tests } = run(["Extend.NetworkPolicy"], dir);
    expect(tests.map((t) => `${t.fullTitle}: ${t.state}`)).to.deep.equal([`${NETWORK_POLICY_TITLE}: skipped`]);
    expect(r.code).to.equal(0);
    const results = readdirSync(join(dir, "allure-results"))
      .filter((f) => f.endsWith("-result.json"))
      .map((f) => readFileSync(join(dir, "allure-results", f), "utf8"))
      .join("\n");
    expect(results).to.match(/Skipped: the cluster does not enforce NetworkPolicy: with a deny-all ingress policy on Linux pod hc-[a-z0-9-]+\/linux-client/);
  });

  it("healthy (after the faults above are cleared): every check of the cases' categories passes, exit 0", () => {
    const { r, tests } = run([...new Set(cases.flatMap((c) => c.categories))], dir);
    const notPassed = tests.filter((t) => t.state !== "passed").map((t) => `${t.fullTitle}: ${t.state} ${t.error ?? ""}`);
    expect(notPassed, notPassed.join("\n")).to.deep.equal([]);
    expect(tests.map((t) => t.fullTitle)).to.include(NETWORK_POLICY_TITLE);
    expect(r.code, r.stderr.slice(-1000)).to.equal(0);
  });
});
