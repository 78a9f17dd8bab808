// The targeted-fault specs (issue 19): each case of their files through the one case runner with short budgets,
// then, with every fault cleared, no fault webhook registration left and the same categories passing again
// (clearing restores health). Split over several spec files so e2e lanes can run them side by side.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localKubeConfig } from "./local-cluster.js";
import { FaultSwitch } from "./dataplane.js";
import { itCases, runHealthy } from "./sensitivity.js";
import { SABOTAGE_CONFIG_NAME } from "../../localcluster/gmsa-webhook/sabotage.js";
import type { SensitivityCase } from "../../sensitivity/case.js";

export function describeTargeted(title: string, cases: SensitivityCase[]): void {
  describe(title, function () {
    this.timeout(600_000);
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-targeted-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    // Short budgets: none of these faults should make a wait hang, and one that did would fail fast.
    itCases(
      cases.map((c) => ({ ...c, args: [...(c.args ?? []), "--timeout-scale", "0.25"] })),
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
      // With an image that carries LogMonitor, so Core.Logs' LogMonitor check (if selected) runs rather than skips.
      const categories = [...new Set(cases.flatMap((c) => c.categories))].sort();
      // The skips the cases declare are facts of this cluster (e.g. no load-balancer controller, a feature gate off),
      // so a healthy run skips them too.
      const skips = Object.assign({}, ...cases.map((c) => c.skips ?? {})) as Record<string, RegExp[]>;
      runHealthy({ categories, skips, args: ["--logmonitor-image", "registry.example/servercore-logmonitor:ltsc2022"] }, join(dir, "healthy-after"));
    });
  });
}
