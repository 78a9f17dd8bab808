// Sensitivity of Core.Network, Core.Probes and Core.Logs, through the real CLI: healthy, every test passes; under
// each case of sensitivity/network.cases.ts exactly the tests it names fail, each message naming the path, the
// source and the destination (or the pod) (test/support/sensitivity.ts). Air-gapped, the egress check is skipped.
import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { cases, NETWORK } from "../../sensitivity/network.cases.js";

const categories = ["Core.Network", "Core.Probes", "Core.Logs"];
const args = ["--logmonitor-image", "registry.example/servercore-logmonitor:ltsc2022"];
const allureText = (dir: string) =>
  readdirSync(join(dir, "allure-results"))
    .filter((f) => f.endsWith("-result.json"))
    .map((f) => readFileSync(join(dir, "allure-results", f), "utf8"))
    .join("\n");

describe("sensitivity: Core.Network, Core.Probes, Core.Logs under one fault at a time", function () {
  this.timeout(25 * 60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sensitivity-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("healthy: every test passes through the CLI, exit 0", () => {
    const { summary } = runHealthy({ categories, args }, join(dir, "healthy"));
    process.stderr.write(`      healthy run: ${summary.tests.length} tests in ${(summary.durationMs / 1000).toFixed(1)} s\n`);
  });

  itCases(cases, () => dir);

  it("air-gapped: the egress and ExternalName checks are skipped, with the reason in the report", () => {
    const reportDir = join(dir, "air-gapped");
    runHealthy(
      {
        categories,
        args: [...args, "--air-gapped"],
        grep: "egress|ExternalName",
        skips: { [NETWORK.egress]: [/--air-gapped/], [NETWORK.externalName]: [/--air-gapped: an ExternalName Service aliases a name outside the cluster/] },
      },
      reportDir,
    );
    expect(allureText(reportDir)).to.match(/Skipped: the run is marked --air-gapped/);
  });

  it("NodePort from a host-network Linux pod (when the runner cannot reach node addresses): passes and says so", () => {
    const reportDir = join(dir, "nodeport-from-pod");
    runHealthy({ categories, args, grep: "NodePort", env: { HC_NODEPORT_FROM: "pod" } }, reportDir);
    expect(allureText(reportDir)).to.match(/NodePort checked from[^}]*host-network Linux pod/);
  });
});
