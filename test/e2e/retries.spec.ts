// --retries end to end: a transient fault (one image pull fails, then the registry recovers) makes a test fail
// once and pass in a fresh namespace. The run must call it flaky — not passed — in every report it writes:
// summary.json, JUnit (<flakyFailure>), the Allure results (one test, a failed retry with its failure bundle,
// statusDetails.flaky) and the HTML a reader opens; and --fail-on-flaky must turn it into exit 1.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, type CliResult, onePool } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import { inspectFlakyTest } from "../support/report-browser.js";
import { allureResults, failureBundle } from "../support/allure-results.js";
import { WORKLOADS } from "../../suites/core/workloads.titles.js";

const test = WORKLOADS.status.split(":")[0];
const args = (dir: string) => ["run", ...onePool, "--category", "Core.Workloads", "--grep", test, "--retries", "2", "--report-dir", dir];

describe("retries: a test that passes on retry is reported flaky", function () {
  this.timeout(180_000);
  let dir: string;
  let run: CliResult;
  const faults = new FaultSwitch();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hc-retries-"));
    // One pull fails (403 from the registry), every later one succeeds: the kind of flake --retries is for.
    await faults.addTransient("image-pull-fails", { namespace: "hc-*" }, 1);
    run = cli(args(join(dir, "r")));
  });
  after(async () => {
    await faults.clear();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 0, says which attempt failed and why, and counts the test as flaky", async () => {
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(new RegExp(`↻ ${test}.*: attempt 1 failed, retrying in a fresh namespace: .*ErrImagePull`));
    expect(run.stderr).to.match(/^0 passed, 0 failed, 0 skipped, 1 flaky in /m);
    expect(await FaultSwitch.active(), "the transient fault is used up by the one failed pull").to.deep.equal([]);
  });

  it("records the failed attempt in summary.json: state, attempts, the first attempt's error naming pod, node and image", () => {
    const s = JSON.parse(readFileSync(join(dir, "r", "summary.json"), "utf8"));
    expect(s.counts).to.deep.equal({ passed: 0, failed: 0, skipped: 0, flaky: 1, broken: 0 });
    expect(s.exitCode).to.equal(0);
    expect(s.tests).to.have.length(1);
    expect(s.tests[0]).to.include({ state: "flaky", attempts: 2 });
    expect(s.tests[0].failedAttempts).to.have.length(1);
    expect(s.tests[0].failedAttempts[0]).to.match(
      /pod hc-reports-a-windows-pod-s-\w+\/windows-client on node hc-win\d+-\d, container servercore \(mcr\.microsoft\.com\/windows\/servercore:ltsc20\d\d\): ErrImagePull/,
    );
  });

  it("writes JUnit with the test passed and a <flakyFailure> carrying the first attempt's error", () => {
    const xml = readFileSync(join(dir, "r", "junit.xml"), "utf8");
    expect(xml).to.match(/<testsuites [^>]*tests="1" failures="0" errors="0" skipped="0"/);
    expect(xml).to.match(new RegExp(`<testcase [^>]*name="${test.replace("'", "&apos;")}|<testcase [^>]*name="${test}`));
    expect(xml).to.match(/<flakyFailure message="[^"]*ErrImagePull[^"]*"\/>/);
    expect(xml).not.to.contain("<failure ");
  });

  it("gives Allure one test: the failed attempt as a retry with its failure bundle, the pass marked flaky", () => {
    const resultsDir = join(dir, "r", "allure-results");
    const results = allureResults(resultsDir);
    expect(results.map((r) => r.status).sort()).to.deep.equal(["failed", "passed"]);
    expect(new Set(results.map((r) => r.historyId)).size, "both attempts share one identity, so Allure groups them").to.equal(1);
    const failed = results.find((r) => r.status === "failed")!;
    const passed = results.find((r) => r.status === "passed")!;
    expect(passed.statusDetails?.flaky).to.equal(true);
    expect(failed.statusDetails?.flaky).not.to.equal(true);
    expect(failed.statusDetails?.message).to.contain("ErrImagePull");
    // The failed attempt's afterEach attached the failure bundle (mocha leaves a retried attempt's state unset).
    const bundle = failureBundle(resultsDir, failed);
    expect(Object.keys(bundle)).to.include.members(["manifests-applied.yaml", "events.txt", "pods-describe.txt", "pods.yaml", "node-conditions.txt"]);
    expect(bundle["events.txt"]).to.match(/Failed.*servercore/);
    expect(bundle["pods-describe.txt"]).to.match(/State: +Waiting: (ErrImagePull|ImagePullBackOff)/);
    expect(failureBundle(resultsDir, passed), "the passing attempt gets no failure bundle").to.deep.equal({});
  });

  it("shows the HTML reader one passed test marked Flaky, with the failed attempt and its error under Retries", async () => {
    const seen = await inspectFlakyTest(join(dir, "r", "html"), {
      suite: "Core.Workloads",
      test,
      retryError: "ErrImagePull",
      screenshot: join(dir, "flaky.png"),
    });
    expect(seen.frontPage).to.match(/Flaky tests\s+1/);
    expect(seen.frontPage).to.match(/Total\s+1\b/);
    expect(seen.frontPage).not.to.match(/Failed\s+1/);
    expect(seen.passedShown).to.equal(true);
    expect(seen.flakyShown).to.equal(true);
    expect(seen.retryErrorSeen).to.equal(true);
  });

  it("exits 1 under --fail-on-flaky, and 0 without retries to use when nothing fails", async () => {
    await faults.addTransient("image-pull-fails", { namespace: "hc-*" }, 1);
    const strict = cli([...args(join(dir, "strict")), "--fail-on-flaky"]);
    expect(strict.code, strict.stderr).to.equal(1);
    expect(JSON.parse(readFileSync(join(dir, "strict", "summary.json"), "utf8")).counts.flaky).to.equal(1);
    const clean = cli([...args(join(dir, "clean")), "--fail-on-flaky"]);
    expect(clean.code, clean.stderr).to.equal(0);
    expect(JSON.parse(readFileSync(join(dir, "clean", "summary.json"), "utf8")).tests[0]).to.include({ state: "passed", attempts: 1 });
  });
});
