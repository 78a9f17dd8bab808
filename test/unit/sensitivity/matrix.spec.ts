// The sensitivity matrix is generated from the cases the e2e specs run (sensitivity/*.cases.ts), and it is complete:
// docs/sensitivity.md is what the generator writes; every check of suites/ has a targeted fault or is a known gap;
// the known gaps only shrink; every case names a real fault and a real check; every case file is run by one spec.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../localcluster/paths.js";
import { buildMatrix, checkKey, loadCases, type MatrixRow } from "../../../sensitivity/matrix.js";
import { knownGaps } from "../../../sensitivity/known-gaps.js";
import { faultCatalogue } from "../../../localcluster/dataplane/faults.js";
import { isVariant } from "../../support/sensitivity-setup.js";
import { literal, type SensitivityCase } from "../../../sensitivity/case.js";
import { NODES } from "../../../suites/core/nodes.titles.js";
import { catalogue } from "../../../suites/index.js";

describe("sensitivity matrix", function () {
  this.timeout(120_000);
  let rows: MatrixRow[];
  let markdown: string;
  before(() => {
    // A separate process: collecting the checks loads the suites with their own mocha (a dry run).
    const r = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "scripts/sensitivity-matrix.ts"), "--json"], { cwd: repoRoot, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    ({ rows, markdown } = JSON.parse(r.stdout) as { rows: MatrixRow[]; markdown: string });
  });

  it("docs/sensitivity.md is the generated matrix (regenerate: npm run docs:sensitivity)", () => {
    expect(readFileSync(join(repoRoot, "docs/sensitivity.md"), "utf8")).to.equal(markdown);
  });

  it("covers every check of every suite", () => {
    expect(rows.length).to.be.greaterThan(50);
    expect(new Set(rows.map(checkKey)).size, "check titles are unique").to.equal(rows.length);
  });

  it("every check has a targeted fault, apart from the known gaps", () => {
    const missing = rows.filter((r) => !r.targeted.length && !knownGaps.includes(checkKey(r))).map(checkKey);
    expect(missing, "checks no targeted fault breaks (add a targeted case to sensitivity/*.cases.ts)").to.deep.equal([]);
  });

  it("the known gaps only shrink: each is a check that still has no targeted fault", () => {
    const keys = new Set(rows.map(checkKey));
    expect(
      knownGaps.filter((g) => !keys.has(g)),
      "known gaps that name no check",
    ).to.deep.equal([]);
    const closed = rows.filter((r) => r.targeted.length && knownGaps.includes(checkKey(r))).map(checkKey);
    expect(closed, "now broken by a targeted fault: remove from sensitivity/known-gaps.ts").to.deep.equal([]);
  });

  it("every case names an emulator fault or a cluster variant, and categories of the catalogue", async () => {
    const bad: string[] = [];
    for (const { file, cases } of await loadCases())
      for (const c of cases) {
        if (!(c.fault in faultCatalogue) && !isVariant(c.fault)) bad.push(`${file}: ${c.fault} is no fault`);
        for (const cat of c.categories) if (!catalogue.some((e) => e.category === cat)) bad.push(`${file}: ${cat} is no category`);
      }
    expect(bad).to.deep.equal([]);
  });

  it("every case file is run by exactly one e2e spec, and none is left in test/sensitivity", async () => {
    const specs = readdirSync(join(repoRoot, "test/e2e")).map((f) => readFileSync(join(repoRoot, "test/e2e", f), "utf8"));
    for (const { file } of await loadCases()) {
      // A spec runs a file's cases when it imports its `cases`; one that imports only titles (e.g. pools.spec.ts) does not.
      const from = `sensitivity/${file.replace(/\.ts$/, ".js")}"`;
      const importers = specs.filter((s) =>
        [...s.matchAll(/import \{([^}]*)\} from "([^"]+)"/g)].some(([, names, path]) => `${path}"`.endsWith(from) && /\bcases\b/.test(names)),
      );
      expect(importers, `${file} imported by e2e specs`).to.have.length(1);
    }
    const old = join(repoRoot, "test/sensitivity");
    expect(
      existsSync(old) ? readdirSync(old).filter((f) => f.endsWith(".cases.ts")) : [],
      "move case files to sensitivity/ (they ship with the CLI)",
    ).to.deep.equal([]);
  });

  it("`list --sensitivity` shows the same matrix for the selected categories", () => {
    const r = spawnSync(process.execPath, [join(repoRoot, "bin/hybrid-conformance.mjs"), "list", "--category", "Core.Nodes", "--sensitivity"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).to.equal(0);
    const nodes = rows.filter((x) => x.category === "Core.Nodes");
    expect(r.stdout).to.match(new RegExp(`^Core\\.Nodes\\n  ${literal(NODES.ready).source}\\n    targeted: node-not-ready \\(node=hc-win2022-\\*\\)[;\\n]`));
    expect(r.stdout).to.include(`${nodes.length} checks: `);
  });

  describe("buildMatrix", () => {
    const checks = [
      { category: "A", title: "one" },
      { category: "B", title: "one" },
      { category: "B", title: "two" },
    ];
    const c = (kind: SensitivityCase["kind"], categories: string[], breaks: string[], options?: Record<string, string>): SensitivityCase => ({
      fault: "f",
      kind,
      categories,
      options,
      breaks: Object.fromEntries(breaks.map((b) => [b, []])),
    });

    it("files a broken title under the check of the case's own categories, by kind, with the fault's scope", () => {
      const m = buildMatrix(checks, [{ file: "x.cases.ts", cases: [c("targeted", ["B"], ["one"], { pod: "p-*" }), c("blanket", ["A", "B"], ["two"])] }]);
      expect(m.map((r) => [r.category, r.title, r.targeted, r.blanket])).to.deep.equal([
        ["A", "one", [], []],
        ["B", "one", ["f (pod=p-*)"], []],
        ["B", "two", [], ["f"]],
      ]);
    });

    it("refuses a case that breaks a title no check (or more than one) of its categories has", () => {
      expect(() => buildMatrix(checks, [{ file: "x.cases.ts", cases: [c("targeted", ["A"], ["two"])] }])).to.throw(
        /x\.cases\.ts: f breaks "two", which is no check in A/,
      );
      expect(() => buildMatrix(checks, [{ file: "x.cases.ts", cases: [c("targeted", ["A", "B"], ["one"])] }])).to.throw(/ambiguous/);
    });
  });
});
