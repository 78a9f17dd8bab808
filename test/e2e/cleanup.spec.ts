// The reaper and --keep-on-failure end to end: a failing test's namespace is kept (and only it), marked so the
// run's own sweep leaves it, and `cleanup --kept` removes it; a run killed with SIGKILL mid-test leaves objects
// that `cleanup --older-than 0s` finds and removes, while a namespace without the run label survives; a deletion
// held by a finalizer is explained (which finalizer, on which object).
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, localKubeConfig, type CliResult, onePool } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import { repoRoot } from "../../localcluster/paths.js";
import { waitOn } from "../../lib/cluster/watch.js";
import { waits } from "../../lib/cluster/waits.js";
import { WORKLOADS } from "../../suites/core/workloads.titles.js";

const runLabel = "hybrid-conformance.io/run";
const keptLabel = "hybrid-conformance.io/kept";
const failing = WORKLOADS.status.split(":")[0];
const passing = WORKLOADS.emptyDir;

describe("cleanup: --keep-on-failure and the reaper", function () {
  this.timeout(240_000);
  const kc = localKubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const harnessNamespaces = async () => (await core.listNamespace({ labelSelector: runLabel })).items;
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-cleanup-"))));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    // Never leave anything behind, whatever failed above.
    for (const n of await harnessNamespaces()) await core.deleteNamespace({ name: n.metadata!.name! }).catch(() => undefined);
  });

  describe("--keep-on-failure", () => {
    const faults = new FaultSwitch();
    let run: CliResult;
    let runId: string;
    before(async () => {
      // The failing test's pull is refused by the registry; the passing test in the same run is untouched.
      await faults.add("image-pull-fails", { namespace: "hc-reports-a-windows-pod*" });
      run = cli(["run", ...onePool, "--category", "Core.Workloads", "--grep", `${failing}|${passing}`, "--keep-on-failure", "--report-dir", join(dir, "kept")]);
      await faults.clear();
      runId = /^run (r\w+):/m.exec(run.stderr)?.[1] ?? "";
    });

    it("keeps the failed test's namespace, labelled kept, and nothing of the passing test", async () => {
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr).to.match(/^1 passed, 1 failed/m);
      const left = await harnessNamespaces();
      expect(
        left.map((n) => n.metadata!.name),
        "only the failed test's namespace",
      ).to.have.length(1);
      expect(left[0].metadata!.name).to.match(/^hc-reports-a-windows-pod-s-/);
      expect(left[0].metadata!.labels).to.include({ [runLabel]: runId, [keptLabel]: "true" });
      expect(left[0].status?.phase, "the run's final sweep did not delete it").to.equal("Active");
      const pods = await core.listNamespacedPod({ namespace: left[0].metadata!.name! });
      expect(pods.items.length, "its pods are still there to inspect").to.be.greaterThan(0);
    });

    it("ends the run saying how to inspect and how to remove the kept namespace", () => {
      expect(run.stderr).to.match(/kept 1 namespace\(s\) of failed tests \(--keep-on-failure\): hc-reports-a-windows-pod-s-/);
      expect(run.stderr).to.match(/inspect: kubectl get all,events -n hc-reports-a-windows-pod-s-/);
      expect(run.stderr).to.contain(`remove:  hybrid-conformance cleanup --kept --run ${runId} --yes`);
    });

    it("cleanup without --kept leaves it; cleanup --kept lists it (dry run), then removes it with --yes", async () => {
      const plain = cli(["cleanup", "--older-than", "0s", "--yes"]);
      expect(plain.code, plain.stderr).to.equal(0);
      expect(plain.stdout).to.match(/^nothing to remove/);
      const dry = cli(["cleanup", "--kept"]);
      expect(dry.code, dry.stderr).to.equal(0);
      expect(dry.stdout).to.match(new RegExp(`run ${runId} \\(created .*\\):\\n  Namespace hc-reports-a-windows-pod-s-\\w+ \\(kept by --keep-on-failure\\)`));
      expect(dry.stdout).to.match(/would remove 1 object\(s\) of 1 run\(s\) \(kept by --keep-on-failure\); add --yes to remove them/);
      expect(await harnessNamespaces(), "a dry run removes nothing").to.have.length(1);
      const rm = cli(["cleanup", "--kept", "--run", runId, "--yes"]);
      expect(rm.code, rm.stderr).to.equal(0);
      expect(rm.stdout).to.match(/removed 1 of 1 object\(s\) of 1 run\(s\)/);
      expect(await harnessNamespaces()).to.deep.equal([]);
    });
  });

  describe("a crashed run", () => {
    const decoy = `hc-decoy-${Math.random().toString(36).slice(2, 8)}`;
    before(async () => {
      await core.createNamespace({ body: { metadata: { name: decoy, labels: { "hybrid-conformance.io/owner": "harness-tests" } } } });
    });
    after(async () => {
      await core.deleteNamespace({ name: decoy }).catch(() => undefined);
    });

    it("SIGKILL mid-test leaves labelled objects; cleanup --older-than 0s finds and removes them and nothing else", async () => {
      const child = spawn(
        process.execPath,
        [
          join(repoRoot, "bin/hybrid-conformance.mjs"),
          "run",
          ...onePool,
          "--category",
          "Core.Workloads",
          "--grep",
          passing,
          "--report-dir",
          join(dir, "crashed"),
        ],
        {
          cwd: repoRoot,
          stdio: "ignore",
        },
      );
      const exited = new Promise((r) => child.on("exit", r));
      // Mid-test: the test's pod exists in its labelled namespace.
      await waitOn<k8s.V1Pod, true>(
        kc,
        { path: "/api/v1/pods", labelSelector: runLabel },
        "a pod of the run",
        (pods) => (pods.length ? { done: true } : { pending: "no pod yet" }),
        120_000,
      );
      child.kill("SIGKILL");
      await exited;
      const left = await harnessNamespaces();
      expect(left, "the killed run could not clean up").to.have.length(1);
      const ns = left[0].metadata!.name!;

      const young = cli(["cleanup", "--older-than", "1h", "--yes"]);
      expect(young.stdout, "a run younger than 1 h is not selected").to.match(/^nothing to remove \(older than 60m\)/);
      const dry = cli(["cleanup", "--older-than", "0s"]);
      expect(dry.stdout).to.contain(`  Namespace ${ns}\n`);
      expect(dry.stdout).not.to.contain(decoy);
      const rm = cli(["cleanup", "--older-than", "0s", "--yes"]);
      expect(rm.code, rm.stderr).to.equal(0);
      expect(rm.stdout).to.match(/removed 1 of 1 object\(s\) of 1 run\(s\)/);
      expect(await harnessNamespaces()).to.deep.equal([]);
      expect((await core.readNamespace({ name: decoy })).status?.phase, "the namespace without the run label is untouched").to.equal("Active");
    });
  });

  it("explains a deletion held by a finalizer: which finalizer, on which object", async () => {
    const ns = `hc-held-${Math.random().toString(36).slice(2, 8)}`;
    await core.createNamespace({ body: { metadata: { name: ns, labels: { [runLabel]: "rheldtest" } } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    try {
      const r = cli(["cleanup", "--run", "rheldtest", "--yes", "--wait", "3s"]);
      expect(r.code, r.stdout).to.equal(1);
      expect(r.stderr.trim()).to.equal(`not removed: Namespace ${ns} is still being deleted after 3 s: finalizer example.com/hold on ConfigMap ${ns}/held`);
    } finally {
      await core.patchNamespacedConfigMap({ name: "held", namespace: ns, body: [{ op: "remove", path: "/metadata/finalizers" }] }).catch(() => undefined);
      await core.deleteNamespace({ name: ns }).catch(() => undefined);
      await waits.namespaceGone(kc, ns, 60_000);
    }
  });

  it("refuses --yes without a selection, and a bad duration, in one line", () => {
    for (const [args, re] of [
      [["cleanup", "--yes"], /cleanup --yes needs a selection: --run ID, --older-than DURATION or --kept/],
      [["cleanup", "--older-than", "2 hours"], /expected a duration like 0s, 90m, 2h or 1h30m, got "2 hours"/],
    ] as const) {
      const r = cli([...args]);
      expect(r.code).to.equal(2);
      expect(r.stderr.trim().split("\n")).to.have.length(1);
      expect(r.stderr).to.match(re);
    }
  });
});
