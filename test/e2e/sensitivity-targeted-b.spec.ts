// Targeted sensitivity (issue 19, part B): for the checks of Core.Workloads, Core.Rejections, Extend.ActiveDirectory,
// Extend.RunAsUserName and Extend.HostProcess, each fault declared in test/sensitivity/{workloads,extended,rejections}-
// targeted.cases.ts breaks the one behaviour a check names. Through the real CLI, per case: every test of the
// selected categories ran (as `list` names them), exactly the `breaks` titles failed — each message matching its
// patterns — and the rest passed. Then, with every fault cleared, the same categories pass again (clearing restores
// health) and no fault webhook registration is left behind.
// A small local runner for now; the lead switches it to the shared case runner in test/support at merge.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, localKubeConfig, sensitivityParallel } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import type { Summary, TestOutcome } from "../../lib/results/model.js";
import type { SensitivityCase } from "../sensitivity/case.js";
import { SABOTAGE_CONFIG_NAME } from "../../localcluster/gmsa-webhook/sabotage.js";
import { cases as workloads } from "../sensitivity/workloads-targeted.cases.js";
import { cases as extended } from "../sensitivity/extended-targeted.cases.js";
import { cases as rejections } from "../sensitivity/rejections-targeted.cases.js";

const ALL_CASES = [...workloads, ...rejections, ...extended];

/** The titles `list` names for these categories: what must have run. */
function listed(categories: string[]): string[] {
  const r = cli(["list", "--suite", "all", ...categories.flatMap((c) => ["--category", c])]);
  if (r.code !== 0) throw new Error(`list: exit ${r.code}: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim())
    .sort();
}

const show = (ts: TestOutcome[]) => ts.map((t) => `${t.category} › ${t.title}: ${t.state} ${t.error ?? t.reason ?? ""}`).join("\n");

describe("sensitivity: targeted faults for Workloads, Rejections, ActiveDirectory, RunAsUserName, HostProcess", function () {
  this.timeout(600_000);
  const faults = new FaultSwitch();
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-targeted-b-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => faults.clear());

  function run(name: string, categories: string[], extra: string[] = []): { code: number; stderr: string; summary: Summary } {
    const reportDir = join(dir, name);
    const r = cli(
      ["run", "--local", "--suite", "all", ...categories.flatMap((c) => ["--category", c]), ...sensitivityParallel, "--report-dir", reportDir, ...extra],
      { KUBECONFIG: "" },
      580_000,
    );
    const file = join(reportDir, "summary.json");
    if (!existsSync(file)) throw new Error(`no summary.json (exit ${r.code}): ${r.stderr.slice(-2000)}`);
    return { code: r.code, stderr: r.stderr, summary: JSON.parse(readFileSync(file, "utf8")) as Summary };
  }

  for (const c of ALL_CASES) {
    it(`${c.fault}${c.options ? ` (${JSON.stringify(c.options)})` : ""}: only ${Object.keys(c.breaks).length} check(s) of ${c.categories.join(", ")} fail`, async () => {
      let r: ReturnType<typeof run>;
      try {
        await faults.add(c.fault, c.options ?? {});
        // Faults that make a wait hang (none of these should) would be caught by the short budgets.
        r = run(c.fault, c.categories, ["--timeout-scale", "0.25"]);
      } finally {
        await faults.clear();
      }
      expectBroken(c, r);
    });
  }

  it("with every fault cleared, the same categories pass again and no fault webhook is registered", async () => {
    expect(await FaultSwitch.active(), "faults left on").to.deep.equal([]);
    const reg = await localKubeConfig()
      .makeApiClient(k8s.AdmissionregistrationV1Api)
      .readMutatingWebhookConfiguration({ name: SABOTAGE_CONFIG_NAME })
      .then(
        (x) => x,
        (e: { code?: number }) => (e.code === 404 ? undefined : Promise.reject(e)),
      );
    expect(reg, `${SABOTAGE_CONFIG_NAME} left registered`).to.equal(undefined);
    const categories = [...new Set(ALL_CASES.flatMap((c) => c.categories))].sort();
    const r = run("healthy-after", categories);
    expect(r.summary.tests.map((t) => t.title).sort()).to.deep.equal(listed(categories));
    const notPassed = r.summary.tests.filter((t) => t.state !== "passed");
    expect(
      notPassed.map((t) => t.title),
      show(notPassed),
    ).to.deep.equal([]);
    expect(r.code, r.stderr).to.equal(0);
  });
});

/** Every listed test ran; exactly the case's titles failed, each message matching its patterns; the rest passed; exit 1. */
function expectBroken(c: SensitivityCase, r: { code: number; stderr: string; summary: Summary }): void {
  const s = r.summary;
  expect(s.tests.map((t) => t.title).sort(), "every test of the selected categories ran").to.deep.equal(listed(c.categories));
  const failed = s.tests.filter((t) => t.state === "failed");
  expect(failed.map((t) => t.title).sort(), show(failed)).to.deep.equal(Object.keys(c.breaks).sort());
  const others = s.tests.filter((t) => !(t.title in c.breaks) && t.state !== "passed");
  expect(
    others.map((t) => t.title),
    show(others),
  ).to.deep.equal([]);
  for (const t of failed) for (const p of c.breaks[t.title]) expect(t.error ?? "", t.title).to.match(p);
  expect(r.code, r.stderr).to.equal(1);
  expect(s.exitCode).to.equal(1);
}
