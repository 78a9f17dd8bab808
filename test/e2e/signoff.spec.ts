// The config file, the sign-off record and the baseline comparison, on three shared runs of the same two tests:
// one driven by flags (while a watch notes every container status the pods report), one by a config file holding
// the same options, and one with a fault that breaks one test, compared with the first as its baseline.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, localKubeConfig, expectOneLineError, onePool, type CliResult } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import { repoRoot } from "../../localcluster/paths.js";
import { inspectEnvironment } from "../support/report-browser.js";
import { WORKLOADS } from "../../suites/core/workloads.titles.js";

const failing = WORKLOADS.status.split(":")[0];
const passing = WORKLOADS.emptyDir;
const grep = `${failing}|${passing}`;
const brokenTitle = `Core.Workloads › ${WORKLOADS.status}`;
/** A result is keyed by test and pool (lib/results/model.ts resultKey): the runs are pinned to one pool. */
const brokenKey = `${brokenTitle} [${onePool[1]}]`;

interface Summary {
  runId: string;
  tests: { fullTitle: string; state: string }[];
  record: {
    server: { version: string };
    nodes: { name: string; os: string; build?: string; kernel: string; runtime: string; kubelet: string }[];
    images: { image: string; imageID: string; nodes: string[] }[];
  };
  comparison?: { regressions: string[] };
}
const summary = (dir: string): Summary => JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));

/** Runs the CLI while watching the run's pods; returns the result and every (image, imageID, node) a container status reported. */
async function runWatchingPods(kc: k8s.KubeConfig, args: string[]): Promise<{ r: CliResult; seen: Set<string> }> {
  const seen = new Set<string>();
  const req = await new k8s.Watch(kc).watch(
    "/api/v1/pods",
    { labelSelector: "hybrid-conformance.io/run" },
    (_t, p: k8s.V1Pod) => {
      for (const s of p.status?.containerStatuses ?? []) if (s.imageID) seen.add(`${s.image}|${s.imageID}|${p.spec?.nodeName}`);
    },
    () => undefined,
  );
  const child = spawn(process.execPath, [join(repoRoot, "bin/hybrid-conformance.mjs"), ...args], { cwd: repoRoot });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
  req.abort();
  return { r: { code, stdout, stderr }, seen };
}

describe("sign-off: config file, record, baseline comparison", function () {
  this.timeout(300_000);
  const kc = localKubeConfig();
  let dir: string;
  let flagsRun: { r: CliResult; seen: Set<string> };
  let configRun: CliResult;
  let brokenRun: CliResult;
  const faults = new FaultSwitch();
  const d = (n: string) => join(dir, n);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hc-signoff-"));
    // Not about pools: the Windows nodes as one pool (one pass), by flag and by the config file's key.
    flagsRun = await runWatchingPods(kc, ["run", "--category", "Core.Workloads", "--grep", grep, "--report-dir", d("flags"), ...onePool]);
    writeFileSync(
      d("hybrid-conformance.yaml"),
      `# the same options as the flags run\ncategory: [Core.Workloads]\ngrep: "${grep}"\nwindows-nodes: ${onePool[1]}\nreport-dir: config\n`,
    );
    configRun = cli(["run", "--config", d("hybrid-conformance.yaml")]);
    await faults.add("image-pull-fails", { namespace: "hc-reports-a-windows-pod*" });
    try {
      brokenRun = cli(["run", "--category", "Core.Workloads", "--grep", grep, "--report-dir", d("broken"), "--baseline", d("flags/summary.json"), ...onePool]);
    } finally {
      await faults.clear();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a config file drives the same run as the same flags: same tests, same results", () => {
    expect(flagsRun.r.code, flagsRun.r.stderr).to.equal(0);
    expect(configRun.code, configRun.stderr).to.equal(0);
    const states = (s: Summary) => s.tests.map((t) => `${t.fullTitle}: ${t.state}`).sort();
    expect(states(summary(d("config")))).to.deep.equal(states(summary(d("flags"))));
    expect(summary(d("config")).tests).to.have.length(2);
  });

  it("a bad config file is one line naming the file (and key), exit 2: YAML syntax, unknown key, wrong type, missing file", () => {
    const bad = (name: string, text: string) => (writeFileSync(d(name), text), d(name));
    expectOneLineError(cli(["run", "--config", bad("syntax.yaml", "suite: [core\n")]), /config file .*syntax\.yaml is not valid YAML: /);
    expectOneLineError(cli(["run", "--config", bad("unknown.yaml", "suite: core\nparalel: 2\n")]), /config file .*unknown\.yaml: unknown key "paralel"/);
    expectOneLineError(cli(["run", "--config", bad("type.yaml", "retries: [1]\n")]), /config file .*type\.yaml: key "retries": expected number, got a list/);
    expectOneLineError(cli(["run"], { HYBRID_CONFORMANCE_CONFIG: d("missing.yaml") }), /config file .*missing\.yaml: no such file/);
  });

  it("records the server version, each node's build, kernel, runtime and kubelet, as the API reports them", async () => {
    const rec = summary(d("flags")).record;
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(rec.server.version).to.equal(version.gitVersion);
    const nodes = (await kc.makeApiClient(k8s.CoreV1Api).listNode()).items;
    expect(rec.nodes.map((n) => n.name).sort()).to.deep.equal(nodes.map((n) => n.metadata!.name!).sort());
    for (const n of nodes) {
      const r = rec.nodes.find((x) => x.name === n.metadata!.name)!;
      expect(r).to.include({
        kernel: n.status!.nodeInfo!.kernelVersion,
        runtime: n.status!.nodeInfo!.containerRuntimeVersion,
        kubelet: n.status!.nodeInfo!.kubeletVersion,
      });
      expect(r.build).to.equal(n.metadata!.labels!["node.kubernetes.io/windows-build"]);
    }
  });

  it("records exactly the image digests the pods' container statuses reported, on the nodes that ran them", () => {
    const recorded = new Set(summary(d("flags")).record.images.flatMap((i) => i.nodes.map((n) => `${i.image}|${i.imageID}|${n}`)));
    expect(recorded.size).to.be.greaterThan(0);
    expect([...recorded].sort()).to.deep.equal([...flagsRun.seen].sort());
    const env = readFileSync(d("flags/allure-results/environment.properties"), "utf8");
    for (const i of summary(d("flags")).record.images) expect(env).to.contain(`=${i.imageID}\n`);
  });

  it("compare of two healthy runs: no regression, exit 0", () => {
    const r = cli(["compare", d("flags/summary.json"), d("config/summary.json")]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^compared with baseline run r\w+: 0 regression\(s\), 0 fix\(es\), 0 new, 0 removed/);
  });

  it("compare with a run where a fault broke one test names that test as a regression, exit 1", () => {
    const r = cli(["compare", d("flags/summary.json"), d("broken/summary.json")]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.contain(`regressions (passed → failed):\n  ${brokenKey}\n`);
    expect(r.stdout).not.to.contain(passing.slice(0, 30) + " › ");
    expect(r.stdout).to.match(/: 1 regression\(s\), 0 fix\(es\)/);
  });

  it("run --baseline prints the regression, records it in summary.json, and the HTML report shows it", async () => {
    expect(brokenRun.code).to.equal(1);
    expect(brokenRun.stderr).to.contain(`regressions (passed → failed):\n  ${brokenKey}\n`);
    expect(summary(d("broken")).comparison?.regressions).to.deep.equal([brokenKey]);
    const seen = await inspectEnvironment(d("broken/html"), { screenshot: d("baseline.png") });
    expect(seen).to.match(new RegExp(`Regressions vs baseline\\s*1: Core\\.Workloads › ${failing}`));
    expect(seen).to.match(/Baseline run\s*r\w+/);
  });

  it("compare refuses a file that is not a summary, in one line", () => {
    writeFileSync(d("junk.json"), "{}");
    expectOneLineError(cli(["compare", d("junk.json"), d("flags/summary.json")]), /baseline .*junk\.json: not a summary\.json written by hybrid-conformance/);
  });
});
