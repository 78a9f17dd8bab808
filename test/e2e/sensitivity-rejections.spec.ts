// Sensitivity of Core.Rejections, through the real CLI: healthy, every test passes; under each case of
// sensitivity/rejections.cases.ts exactly the tests it names fail, naming each field (test/support/sensitivity.ts).
// The admission-rewrites-pods fault must be a real webhook registration, removed when the fault is cleared.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localKubeConfig } from "../support/local-cluster.js";
import { itCases, runHealthy } from "../support/sensitivity.js";
import { cases } from "../../sensitivity/rejections.cases.js";
import { SABOTAGE_CONFIG_NAME, SABOTAGE_FAULT } from "../../localcluster/gmsa-webhook/sabotage.js";

describe("sensitivity: Core.Rejections under admission faults", function () {
  this.timeout(300_000);
  const kc = localKubeConfig();
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-rejections-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sabotageRegistration = () =>
    kc
      .makeApiClient(k8s.AdmissionregistrationV1Api)
      .readMutatingWebhookConfiguration({ name: SABOTAGE_CONFIG_NAME })
      .then(
        (c) => c,
        (e: { code?: number }) => (e.code === 404 ? undefined : Promise.reject(e)),
      );

  it("passes every test on the healthy cluster", () => runHealthy({ categories: ["Core.Rejections"] }, join(dir, "healthy")));
  itCases(
    cases,
    () => dir,
    (c) =>
      c.fault !== SABOTAGE_FAULT
        ? {}
        : {
            whileOn: async () => {
              const reg = await sabotageRegistration();
              expect(reg?.webhooks?.[0]?.clientConfig?.url, "the fault registers a real webhook by URL").to.match(
                /^https:\/\/127\.0\.0\.1:\d+\/sabotage\/f\d+$/,
              );
              expect(reg?.webhooks?.[0]?.namespaceSelector).to.deep.equal({ matchExpressions: [{ key: "hybrid-conformance.io/run", operator: "Exists" }] });
            },
            after: async () => {
              expect(await sabotageRegistration(), "clearing the fault removes its webhook registration").to.equal(undefined);
            },
          },
  );
});
