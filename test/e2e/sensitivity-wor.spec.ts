// Runs the sensitivity cases of test/sensitivity/{gmsa,logs}.cases.ts through the real CLI: under each case's fault,
// exactly the tests it names fail, each with a message matching its patterns, and every other test of the selected
// categories passes — the full list of tests that ran is checked against the suites' own titles.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, sensitivityParallel } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import { suiteTitles } from "../../lib/compare/wor.js";
import type { Summary } from "../../lib/results/model.js";
import type { FaultScope } from "../../localcluster/dataplane/faults.js";
import { cases as gmsa } from "../sensitivity/gmsa.cases.js";
import { cases as logs } from "../sensitivity/logs.cases.js";

const cases = [...gmsa, ...logs];
/** An image carrying LogMonitor.exe, so the LogMonitor check runs rather than skips. */
const LOGMONITOR_IMAGE = ["--logmonitor-image", "registry.example/servercore-logmonitor:ltsc2022"];

describe("sensitivity: GMSA and LogMonitor cases (test/sensitivity/gmsa.cases.ts, logs.cases.ts)", function () {
  this.timeout(300_000);
  const faults = new FaultSwitch();
  let dir: string;
  let titles: string[];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hc-sens-wor-"));
    titles = await suiteTitles();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => faults.clear());

  for (const c of cases) {
    it(`${c.fault}: fails exactly ${Object.keys(c.breaks).length} test(s) of ${c.categories.join(", ")}, naming the cause`, async () => {
      const reportDir = join(dir, c.fault);
      let r: ReturnType<typeof cli>;
      try {
        await faults.add(c.fault, c.options as FaultScope);
        const only = c.categories.flatMap((k) => ["--category", k]);
        r = cli(
          ["run", "--local", "--suite", "all", ...only, ...LOGMONITOR_IMAGE, ...sensitivityParallel, "--report-dir", reportDir],
          { KUBECONFIG: "" },
          280_000,
        );
      } finally {
        await faults.clear();
      }
      const file = join(reportDir, "summary.json");
      expect(existsSync(file), r.stderr).to.equal(true);
      const s = JSON.parse(readFileSync(file, "utf8")) as Summary;
      const expected = titles.filter((t) => c.categories.some((k) => t.startsWith(`${k} › `)));
      expect(s.tests.map((t) => t.fullTitle).sort(), "every test of the selected categories ran").to.deep.equal(expected.sort());
      const failed = s.tests.filter((t) => t.state === "failed");
      const show = s.tests.map((t) => `${t.title}: ${t.state} ${t.error ?? t.reason ?? ""}`).join("\n");
      expect(failed.map((t) => t.title).sort(), show).to.deep.equal(Object.keys(c.breaks).sort());
      expect(
        s.tests.filter((t) => !(t.title in c.breaks) && t.state !== "passed").map((t) => t.title),
        show,
      ).to.deep.equal([]);
      for (const t of failed) for (const p of c.breaks[t.title]) expect(t.error ?? "", t.title).to.match(p);
      expect(r.code, r.stderr).to.equal(1);
    });
  }
});
