// The failure bundle a failed test carries, read back from real runs: a crash-looping pod (events with the node,
// a kubectl-describe of the pod, current and previous logs, node conditions) and a test that handles a Secret
// (the bundle holds the Secret manifest redacted; neither report holds its value anywhere).
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, onePool } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import { allureResults, failureBundle, filesUnder } from "../support/allure-results.js";

describe("reports: the failure bundle of a crash-looping pod", function () {
  this.timeout(180_000);
  let dir: string;
  let bundle: Record<string, string>;
  const faults = new FaultSwitch();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hc-bundle-"));
    await faults.add("container-crashes", { pod: "multi-container-emptydir*" });
    let r: ReturnType<typeof cli>;
    try {
      r = cli(["run", ...onePool, "--category", "Core.Workloads", "--grep", "emptyDir", "--report-dir", dir]);
    } finally {
      await faults.clear();
    }
    expect(r.code, r.stderr).to.equal(1);
    bundle = failureBundleOf(join(dir, "allure-results"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("attaches the manifests applied, the namespace's events (with the node), and the node's conditions", () => {
    expect(Object.keys(bundle)).to.have.members([
      "manifests-applied.yaml",
      "events.txt",
      "pods-describe.txt",
      "pods.yaml",
      "container-logs.txt",
      "node-conditions.txt",
    ]);
    expect(bundle["manifests-applied.yaml"])
      .to.match(/^kind: Pod$/m)
      .and.match(/^  name: multi-container-emptydir$/m);
    expect(bundle["events.txt"]).to.match(
      /^\S+Z  Warning  BackOff( \(x\d+\))?  Pod\/multi-container-emptydir \(node hc-win20\d\d-\d\): Back-off restarting failed container/m,
    );
    expect(bundle["node-conditions.txt"])
      .to.match(/^hc-win20\d\d-\d \(windows 10\.0\.\d+\) taints: os=windows:NoSchedule$/m)
      .and.match(/^  Ready=True KubeletReady/m);
  });

  it("describes each pod: node, the crash-looping container's state, last state and restart count, and the pod's events", () => {
    const d = bundle["pods-describe.txt"];
    expect(d).to.match(/^Node: +hc-win20\d\d-\d\/127\.\d+\.\d+\.\d+$/m);
    expect(d).to.match(/^  writer:\n(    .*\n)*    State: +Waiting: CrashLoopBackOff — back-off 10s restarting failed container=writer/m);
    expect(d).to.match(/^    Last state: +Terminated: Error \(exit code 1\)/m);
    expect(d).to.match(/^    Restart count: +1$/m);
    expect(d).to.match(/^Events:\n(  .*\n)*  Warning  BackOff/m);
  });

  it("carries the current and the previous container's logs", () => {
    const logs = bundle["container-logs.txt"];
    expect(logs).to.match(/^===== multi-container-emptydir\/writer =====\nfatal: unrecoverable error, exiting$/m);
    expect(logs).to.match(/^===== multi-container-emptydir\/writer \(previous\) =====\nfatal: unrecoverable error, exiting$/m);
  });
});

/** The failure bundle of the one failed test in a run's results. */
function failureBundleOf(resultsDir: string): Record<string, string> {
  const failed = allureResults(resultsDir).filter((r) => r.status === "failed");
  expect(failed, "exactly one failed result").to.have.length(1);
  return failureBundle(resultsDir, failed[0]);
}

describe("reports: redaction of a test that handles a Secret", function () {
  this.timeout(180_000);
  const secretValue = "not-a-real-password"; // fixtures/config-env-volumes.yaml
  let dir: string;
  const faults = new FaultSwitch();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hc-redact-"));
    // Healthy: the test reads the Secret through env and a volume and compares (its steps say "value not shown").
    const ok = cli(["run", ...onePool, "--category", "Core.Workloads", "--grep", "ConfigMap and Secret", "--report-dir", join(dir, "passed")]);
    expect(ok.code, ok.stderr).to.equal(0);
    // Failed: the pod never starts, so the failure bundle carries the applied Secret manifest.
    await faults.add("image-pull-fails", { namespace: "hc-*" });
    try {
      const bad = cli(["run", ...onePool, "--category", "Core.Workloads", "--grep", "ConfigMap and Secret", "--report-dir", join(dir, "failed")]);
      expect(bad.code, bad.stderr).to.equal(1);
    } finally {
      await faults.clear();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("puts the Secret into the failure bundle with its data redacted", () => {
    const bundle = failureBundleOf(join(dir, "failed", "allure-results"));
    expect(bundle["manifests-applied.yaml"])
      .to.match(/^kind: Secret$/m)
      .and.match(/^  password: <redacted>$/m);
    expect(bundle["pods-describe.txt"]).to.contain("APP_PASSWORD from Secret win-secret");
  });

  it("never writes the Secret's value, plain or base64, into any file of either report", () => {
    const forms = [secretValue, Buffer.from(secretValue).toString("base64")];
    const files = [...filesUnder(join(dir, "passed")), ...filesUnder(join(dir, "failed"))];
    expect(files.length).to.be.greaterThan(20);
    for (const f of files) {
      const text = readFileSync(f, "latin1");
      for (const form of forms) expect(text.includes(form), `${f} contains the Secret's value`).to.equal(false);
    }
  });
});
