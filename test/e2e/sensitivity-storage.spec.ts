// Sensitivity of Core.Storage, through the real CLI: each case of test/sensitivity/storage.cases.ts fails exactly
// the checks it names, with the one-line messages it names, while the rest pass; with the faults cleared, the same
// cluster passes every check again (the healthy run comes last, so it also proves clearing restores health). Fault runs use --timeout-scale 0.05 so the waits that can only time out do so quickly.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, sensitivityParallel } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import type { Summary } from "../../lib/results/model.js";
import { cases, STORAGE } from "../sensitivity/storage.cases.js";

describe("sensitivity: Core.Storage under mount faults", function () {
  this.timeout(300_000);
  const faults = new FaultSwitch();
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-storage-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => faults.clear());

  function run(name: string, categories: string[], extra: string[] = []): { code: number; stderr: string; summary: Summary } {
    const reportDir = join(dir, name);
    const r = cli(["run", "--local", ...categories.flatMap((c) => ["--category", c]), ...sensitivityParallel, "--report-dir", reportDir, ...extra], {
      KUBECONFIG: "",
    });
    return { code: r.code, stderr: r.stderr, summary: JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary };
  }

  for (const c of cases) {
    it(`${c.fault}: fails ${Object.keys(c.breaks).length === 1 ? "only its check" : "exactly the checks it names"}, each naming pod, node and cause`, async () => {
      let r: ReturnType<typeof run>;
      try {
        await faults.add(c.fault, c.options ?? {});
        r = run(c.fault, c.categories, ["--timeout-scale", "0.05"]);
      } finally {
        await faults.clear();
      }
      const tests = r.summary.tests;
      const failed = tests.filter((t) => t.state === "failed");
      expect(failed.map((t) => t.title).sort(), failed.map((t) => `${t.title}: ${t.error}`).join("\n")).to.deep.equal(Object.keys(c.breaks).sort());
      expect(tests.filter((t) => !(t.title in c.breaks) && t.state !== "passed").map((t) => `${t.title}: ${t.state} ${t.error ?? ""}`)).to.deep.equal([]);
      expect(tests.map((t) => t.title).sort(), "every Core.Storage check ran").to.deep.equal(Object.values(STORAGE).sort());
      for (const [title, patterns] of Object.entries(c.breaks)) {
        const error = failed.find((t) => t.title === title)?.error ?? "";
        for (const p of patterns) expect(error, title).to.match(p);
      }
      expect(r.code, r.stderr).to.equal(1);
    });
  }

  it("with every fault cleared, passes every Core.Storage check again (exit 0)", () => {
    const { code, stderr, summary } = run("healthy", ["Core.Storage"]);
    expect(summary.tests.map((t) => t.title).sort()).to.deep.equal(Object.values(STORAGE).sort());
    expect(summary.tests.filter((t) => t.state !== "passed").map((t) => `${t.title}: ${t.state} ${t.error ?? ""}`)).to.deep.equal([]);
    expect(code, stderr).to.equal(0);
  });
});
