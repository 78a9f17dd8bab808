// Runs sensitivity cases (case.ts) through the real CLI against the local cluster and asserts each: exactly the
// titles a case names fail, each message matching its patterns, every other selected check passes, exit 1. Then a
// run with every fault cleared passes every check (exit 0): the healthy proof, and proof that clearing restores health.
// Fault runs use --timeout-scale 0.05 so the waits that can only time out do so quickly.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, sensitivityParallel } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import type { Summary } from "../../lib/results/model.js";
import type { SensitivityCase } from "./case.js";

/** Declares the mocha tests for `cases`; `titles` is every check of `categories` (all must run in every run). */
export function describeCases(name: string, categories: string[], titles: string[], cases: SensitivityCase[]): void {
  describe(`sensitivity: ${name}`, function () {
    this.timeout(300_000);
    const faults = new FaultSwitch();
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));
    afterEach(async () => faults.clear());

    function run(label: string, selected: string[], extra: string[] = []): { code: number; stderr: string; summary: Summary } {
      const reportDir = join(dir, label);
      const r = cli(["run", "--local", ...selected.flatMap((c) => ["--category", c]), ...sensitivityParallel, "--report-dir", reportDir, ...extra], {
        KUBECONFIG: "",
      });
      return { code: r.code, stderr: r.stderr, summary: JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary };
    }

    for (const c of cases) {
      const n = Object.keys(c.breaks).length;
      it(`${c.fault}: fails ${n === 1 ? "only its check" : `exactly the ${n} checks it names`}, each naming pod, node and cause`, async () => {
        expect(c.categories, "a case selects only the categories of this spec").to.deep.equal(categories);
        let r: ReturnType<typeof run>;
        try {
          await faults.add(c.fault, c.options ?? {});
          r = run(c.fault, c.categories, ["--timeout-scale", "0.05"]);
        } finally {
          await faults.clear();
        }
        const tests = r.summary.tests;
        const failed = tests.filter((t) => t.state === "failed");
        expect(tests.map((t) => t.title).sort(), "every selected check ran").to.deep.equal([...titles].sort());
        expect(failed.map((t) => t.title).sort(), failed.map((t) => `${t.title}: ${t.error}`).join("\n")).to.deep.equal(Object.keys(c.breaks).sort());
        expect(tests.filter((t) => !(t.title in c.breaks) && t.state !== "passed").map((t) => `${t.title}: ${t.state} ${t.error ?? ""}`)).to.deep.equal([]);
        for (const [title, patterns] of Object.entries(c.breaks)) {
          const error = failed.find((t) => t.title === title)?.error ?? "";
          for (const p of patterns) expect(error, title).to.match(p);
        }
        expect(r.code, r.stderr).to.equal(1);
      });
    }

    it(`with every fault cleared, passes every ${categories.join(", ")} check again (exit 0)`, () => {
      const { code, stderr, summary } = run("healthy", categories);
      expect(summary.tests.map((t) => t.title).sort()).to.deep.equal([...titles].sort());
      expect(summary.tests.filter((t) => t.state !== "passed").map((t) => `${t.title}: ${t.state} ${t.error ?? ""}`)).to.deep.equal([]);
      expect(code, stderr).to.equal(0);
    });
  });
}
