// Sensitivity of Core.Rejections, through the real CLI: on the healthy cluster every test passes; with the
// admission-rewrites-pods fault — a real mutating admission webhook that strips spec.os and the Linux-only fields
// and "fixes" HostProcess settings before validation — exactly the tests whose rejections depend on that
// validation fail, each failure naming the fields, while the negative control and the checks the webhook leaves
// alone (runAsUserName, GMSA) still pass.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, localKubeConfig, sensitivityParallel } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import type { Summary } from "../../lib/results/model.js";
import { hostProcessCases, linuxWindowsOptionsCases, osFieldCases, windowsForbiddenFields } from "../../lib/fixtures/rejections.js";
import { SABOTAGE_CONFIG_NAME, SABOTAGE_FAULT } from "../../localcluster/gmsa-webhook/sabotage.js";

const TITLES = {
  forbidden: "rejects every Linux-only field on a Windows pod with Forbidden on that exact path",
  runAsNonRoot: "accepts runAsNonRoot on a Windows pod (negative control)",
  linux: "rejects windowsOptions on a Linux pod with Forbidden",
  os: "rejects an invalid spec.os.name (NotSupported on spec.os, Required when empty)",
  runAsUserName: "applies each runAsUserName rule: Invalid on the exact path, valid names accepted",
  hostProcess: "applies the HostProcess rules: pod and containers agree, all containers HostProcess, hostNetwork true",
  gmsa: "validates the GMSA fields: credential spec name is a DNS subdomain, contents non-empty and under 64 KiB",
};

describe("sensitivity: Core.Rejections and the admission-rewrites-pods fault", function () {
  this.timeout(300_000);
  const kc = localKubeConfig();
  const faults = new FaultSwitch();
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-rejections-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => faults.clear());

  function run(name: string): { code: number; stderr: string; summary: Summary } {
    const reportDir = join(dir, name);
    const r = cli(["run", "--local", "--category", "Core.Rejections", ...sensitivityParallel, "--report-dir", reportDir]);
    const summary = JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary;
    return { code: r.code, stderr: r.stderr, summary };
  }
  const sabotageRegistration = () =>
    kc
      .makeApiClient(k8s.AdmissionregistrationV1Api)
      .readMutatingWebhookConfiguration({ name: SABOTAGE_CONFIG_NAME })
      .then(
        (c) => c,
        (e: { code?: number }) => (e.code === 404 ? undefined : Promise.reject(e)),
      );

  it("passes every test on the healthy cluster", () => {
    const { code, stderr, summary } = run("healthy");
    expect(code, stderr).to.equal(0);
    expect(summary.tests.map((t) => t.title).sort()).to.deep.equal(Object.values(TITLES).sort());
    expect(summary.tests.filter((t) => t.state !== "passed").map((t) => `${t.title}: ${t.error}`)).to.deep.equal([]);
  });

  it("fails exactly the validation-dependent tests, naming each field, while a webhook rewrites pods", async () => {
    let summary: Summary;
    let code: number;
    let stderr: string;
    try {
      await faults.add(SABOTAGE_FAULT);
      const reg = await sabotageRegistration();
      expect(reg?.webhooks?.[0]?.clientConfig?.url, "the fault registers a real webhook by URL").to.match(/^https:\/\/127\.0\.0\.1:\d+\/sabotage\/f\d+$/);
      expect(reg?.webhooks?.[0]?.namespaceSelector).to.deep.equal({ matchExpressions: [{ key: "hybrid-conformance.io/run", operator: "Exists" }] });
      ({ code, stderr, summary } = run("fault"));
    } finally {
      await faults.clear();
    }
    expect(await sabotageRegistration(), "clearing the fault removes its webhook registration").to.equal(undefined);

    expect(code, stderr).to.equal(1);
    const byTitle = new Map(summary.tests.map((t) => [t.title, t]));
    const failed = summary.tests
      .filter((t) => t.state === "failed")
      .map((t) => t.title)
      .sort();
    expect(failed).to.deep.equal([TITLES.forbidden, TITLES.linux, TITLES.os, TITLES.hostProcess].sort());
    for (const control of [TITLES.runAsNonRoot, TITLES.runAsUserName, TITLES.gmsa]) expect(byTitle.get(control)?.state, control).to.equal("passed");

    // Each failure names every field the API server should have rejected, and the rewrite that hid it.
    const error = (title: string) => byTitle.get(title)?.error ?? "";
    const forbidden = error(TITLES.forbidden);
    expect(forbidden).to.match(new RegExp(`^${windowsForbiddenFields.length} of ${windowsForbiddenFields.length + 1} checks failed: `));
    for (const f of windowsForbiddenFields) expect(forbidden).to.include(`pod accepted: ${f.path} was not rejected`);
    expect(forbidden).to.include("an admission webhook rewrote the pod");
    for (const c of linuxWindowsOptionsCases) expect(error(TITLES.linux)).to.include(`pod accepted: ${c.causes[0].field} was not rejected`);
    for (const c of osFieldCases) expect(error(TITLES.os)).to.include(`pod accepted: ${c.causes[0].field} was not rejected`);
    expect(error(TITLES.os)).to.include("spec.os removed");
    const hp = error(TITLES.hostProcess);
    expect(hp).to.match(/^4 of 5 checks failed: /);
    for (const c of hostProcessCases.filter((x) => !x.accepted))
      expect(hp).to.include(`pod accepted: ${c.causes.map((x) => x.field).join(", ")} was not rejected`);
  });
});
