// Targeted sensitivity (issue 19) of Core.Workloads, Core.Rejections, Core.Probes, Core.Logs, Extend.ActiveDirectory,
// Extend.RunAsUserName and Extend.HostProcess: each fault of sensitivity/*-targeted.cases.ts breaks the one
// behaviour a check names, through the one case runner (test/support/sensitivity.ts). Then, with every fault
// cleared, no fault webhook registration is left and the same categories pass again (clearing restores health).
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localKubeConfig } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { SABOTAGE_CONFIG_NAME } from "../../localcluster/gmsa-webhook/sabotage.js";
import { cases as workloads } from "../../sensitivity/workloads-targeted.cases.js";
import { cases as extended } from "../../sensitivity/extended-targeted.cases.js";
import { cases as rejections } from "../../sensitivity/rejections-targeted.cases.js";
import { cases as probesLogs } from "../../sensitivity/probes-logs-targeted.cases.js";

const ALL_CASES = [...workloads, ...rejections, ...extended, ...probesLogs];

describe("sensitivity: targeted faults for Workloads, Rejections, ActiveDirectory, RunAsUserName, HostProcess", function () {
  this.timeout(600_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-targeted-b-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Short budgets: none of these faults should make a wait hang, and one that did would fail fast.
  itCases(
    ALL_CASES.map((c) => ({ ...c, args: [...(c.args ?? []), "--timeout-scale", "0.25"] })),
    () => dir,
  );

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
    // With an image that carries LogMonitor, so Core.Logs' LogMonitor check runs rather than skips.
    const categories = [...new Set(ALL_CASES.flatMap((c) => c.categories))].sort();
    runHealthy({ categories, args: ["--logmonitor-image", "registry.example/servercore-logmonitor:ltsc2022"] }, join(dir, "healthy-after"));
  });
});
