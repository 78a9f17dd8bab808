// Issue 14: the suites tell the truth on every real layout. Each local-cluster profile (its own state directory,
// `--latency realistic --time-scale 0.05`) runs through the real CLI; the run must exit 0 and every skip must
// carry a reason naming the cluster fact. Lean by design (CI budget): every profile runs Core.Nodes and
// Core.Scheduling (the taint, selector and Linux-worker facts differ per layout: that is where the layouts bite);
// aks and kubeadm also run one Windows workload (a realistic servercore pull through the phase budgets), the
// Linux → Windows network path (Linux helpers on kubeadm's control plane) and the LoadBalancer check (aks: a cloud's
// controller, realistic provisioning time; kubeadm: none, skipped naming the fact). Each run is the default one pass per
// Windows pool (docs, aks and kubeadm have a 2022 and a 2025 pool). Not covered here: `autoscaled` (zero
// Windows nodes at start: preflight refuses the run, see the report).
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../support/local-cluster.js";
import type { Summary } from "../../lib/results/model.js";

const FACT = {
  untainted: /^Windows nodes carry no taint: Linux workloads are kept off by nodeSelector only \(/,
  webhook:
    /^a mutating admission webhook adds the toleration node\.kubernetes\.io\/os=windows:NoSchedule to pods that select kubernetes\.io\/os=windows \(dry-run create, read back\)/,
  noWorker: /^no Ready Linux worker node: hc-control-plane \(control plane\): no Linux worker to bind a Windows pod to$/,
  // A default run is one pass per Windows pool (lib/pools/passes.ts): each pass skips the builds its pool lacks.
  noBuild: /^the pool under test \(\S+\) has no Windows Server 2025 node \(Windows builds present: 10\.0\.20348\)$/,
  no2022: /^the pool under test \(\S+\) has no Windows Server 2022 node \(Windows builds present: 10\.0\.26100\)$/,
};
const BUILD_2022 = "places a pod that selects node.kubernetes.io/windows-build=10.0.20348 on a Windows Server 2022 node";
const BUILD_2025 = "places a pod that selects node.kubernetes.io/windows-build=10.0.26100 on a Windows Server 2025 node";
/** A 2022 pool and a 2025 pool: each pass skips the other's build-pinned placement. */
const TWO_POOLS = { [BUILD_2022]: FACT.no2022, [BUILD_2025]: FACT.noBuild };
const WORKLOAD = ["--grep", "runs the docs' win-webserver Deployment|connects from a Linux pod to a Windows pod"];
/** The LoadBalancer check: served where the profile has a cloud's controller, skipped naming the fact where it has none. */
const LOAD_BALANCER = ["--suite", "all", "--category", "Extend.RuntimeClass", "--grep", "LoadBalancer Service's external address"];
const LB_TITLE = "serves the IIS default page on the LoadBalancer Service's external address (skipped where the cluster has no load balancer)";

const MATRIX: { profile: string[]; extra?: string[][]; skips: Record<string, RegExp> }[] = [
  { profile: ["--profile", "docs"], skips: TWO_POOLS },
  {
    profile: ["--profile", "aks"],
    extra: [WORKLOAD, LOAD_BALANCER],
    skips: {
      ...TWO_POOLS,
      "keeps a Windows pod without the toleration Pending: FailedScheduling, and the harness names the taint": FACT.untainted,
      "never schedules Linux pods without a nodeSelector onto the tainted Windows nodes": FACT.untainted,
    },
  },
  {
    profile: ["--profile", "eks"],
    skips: {
      "keeps a Windows pod without the toleration Pending: FailedScheduling, and the harness names the taint": FACT.untainted,
      "never schedules Linux pods without a nodeSelector onto the tainted Windows nodes": FACT.untainted,
      [BUILD_2025]: FACT.noBuild,
    },
  },
  {
    profile: ["--profile", "gke"],
    skips: { [BUILD_2025]: FACT.noBuild },
  },
  {
    profile: ["--profile", "gke", "--toleration-webhook"],
    skips: {
      "keeps a Windows pod without the toleration Pending: FailedScheduling, and the harness names the taint": FACT.webhook,
      [BUILD_2025]: FACT.noBuild,
    },
  },
  {
    profile: ["--profile", "kubeadm"],
    extra: [WORKLOAD, LOAD_BALANCER],
    skips: {
      ...TWO_POOLS,
      [LB_TITLE]:
        /^no load-balancer controller: nothing acted on Service iis-20(22|25) \(type LoadBalancer\) within \d+ s — no event on it, no finalizer, no status condition, no external address; run with --require-load-balancer to make this a failure$/,
      "does not schedule by spec.os.name: a Windows pod bound to a Linux node is refused by its kubelet (PodOSNotSupported)": FACT.noWorker,
      "never schedules Linux pods without a nodeSelector onto the tainted Windows nodes":
        /^no Ready Linux worker node: hc-control-plane \(control plane\): a Linux pod without a selector or toleration has no Linux node to land on$/,
    },
  },
];

describe("issue 14: --suite subsets exit 0 on every profile, with realistic timing, skips naming the cluster fact", function () {
  this.timeout(20 * 60_000);
  for (const m of MATRIX) {
    it(`${m.profile.join(" ")}: Core.Nodes + Core.Scheduling${m.extra ? " + a Windows workload, the Linux → Windows path and the LoadBalancer check" : ""}`, () => {
      const dir = mkdtempSync(join(tmpdir(), "hc-matrix-"));
      const env = { HC_LOCALCLUSTER_DIR: join(dir, "state") };
      try {
        const up = cli(["cluster", "up", ...m.profile, "--latency", "realistic", "--time-scale", "0.05"], env);
        expect(up.code, up.stderr).to.equal(0);
        for (const args of [["--category", "Core.Nodes", "--category", "Core.Scheduling"], ...(m.extra ?? [])]) {
          const report = join(dir, `report-${args.join("-").replace(/\W+/g, "_").slice(0, 40)}`);
          const r = cli(["run", "--local", ...args, "--report-dir", report], env, 15 * 60_000);
          const summary = JSON.parse(readFileSync(join(report, "summary.json"), "utf8")) as Summary;
          const bad = summary.tests.filter((t) => t.state !== "passed" && t.state !== "skipped").map((t) => `${t.fullTitle}: ${t.state}: ${t.error}`);
          expect(bad, bad.join("\n")).to.deep.equal([]);
          expect(r.code, r.stderr.slice(-1500)).to.equal(0);
          if (args === LOAD_BALANCER) {
            const lb = summary.tests.find((t) => t.title === LB_TITLE);
            expect(lb?.state, `${m.profile.join(" ")}: the LoadBalancer check (${lb?.reason ?? lb?.error ?? "not run"})`).to.equal(
              LB_TITLE in m.skips ? "skipped" : "passed",
            );
          }
          for (const t of summary.tests.filter((x) => x.state === "skipped")) {
            const title = t.fullTitle.split(" › ").pop()!;
            const want = m.skips[title];
            expect(want, `${m.profile.join(" ")}: unexpected skip of ${t.fullTitle}: ${t.reason}`).to.not.equal(undefined);
            expect(t.reason ?? "", `${t.fullTitle}: skip reason`)
              .to.match(want!)
              .and.to.have.length.above(20);
          }
        }
      } finally {
        cli(["cluster", "down"], env);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
