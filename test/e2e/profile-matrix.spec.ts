// Issue 14: the suites tell the truth on every real layout. Each local-cluster profile (its own state directory,
// `--latency realistic --time-scale 0.05`) runs through the real CLI; the run must exit 0 and every skip must
// carry a reason naming the cluster fact. Lean by design (CI budget): every profile runs Core.Nodes and
// Core.Scheduling (the taint, selector and Linux-worker facts differ per layout: that is where the layouts bite);
// aks and kubeadm also run one Windows workload (a realistic servercore pull through the phase budgets), the
// Linux → Windows network path (Linux helpers on kubeadm's control plane) and the LoadBalancer check (aks: a cloud's
// controller, realistic provisioning time; kubeadm: none, skipped naming the fact). Each run is the default one pass
// per Windows pool (docs, aks and kubeadm have a 2022 and a 2025 pool). `autoscaled` starts with zero
// Windows nodes: undeclared, the preflight refuses the run in one line naming the flag; a declaration no node group
// fits ends, in one line, after cluster-autoscaler's acknowledgement budget; declared (--autoscaled-pool), the
// preflight grows the pool (TriggeredScaleUp, then the node Ready) and removes its placeholder before the tests.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, expectOneLineError } from "../support/local-cluster.js";
import type { Summary } from "../../lib/results/model.js";
import { SCHEDULING } from "../../suites/core/scheduling.titles.js";
import { NETWORK } from "../../suites/core/network.titles.js";
import { WORKLOADS } from "../../suites/core/workloads.titles.js";
import { RUNTIMECLASS } from "../../suites/extended/runtimeclass-iis.titles.js";
import { literal } from "../../sensitivity/case.js";

const FACT = {
  untainted: /^Windows nodes carry no taint: Linux workloads are kept off by nodeSelector only \(/,
  webhook:
    /^a mutating admission webhook adds the toleration node\.kubernetes\.io\/os=windows:NoSchedule to pods that select kubernetes\.io\/os=windows \(dry-run create, read back\)/,
  noWorker: /^no Ready Linux worker node: hc-control-plane \(control plane\): no Linux worker to bind a Windows pod to$/,
  // A default run is one pass per Windows pool (lib/pools/passes.ts): each pass skips the builds its pool lacks.
  noBuild: /^the pool under test \(\S+\) has no Windows Server 2025 node \(Windows builds present: 10\.0\.20348\)$/,
  no2022: /^the pool under test \(\S+\) has no Windows Server 2022 node \(Windows builds present: 10\.0\.26100\)$/,
};
/** A 2022 pool and a 2025 pool: each pass skips the other's build-pinned placement. */
const TWO_POOLS = { [SCHEDULING.build("10.0.20348")]: FACT.no2022, [SCHEDULING.build("10.0.26100")]: FACT.noBuild };
const WORKLOAD = ["--grep", [WORKLOADS.webserver, NETWORK.linuxToWindows].map((t) => literal(t).source).join("|")];
/** The LoadBalancer check: served where the profile has a cloud's controller, skipped naming the fact where it has none. */
const LOAD_BALANCER = ["--suite", "all", "--category", "Extend.RuntimeClass", "--grep", literal(RUNTIMECLASS.lb).source];
const LB_TITLE = RUNTIMECLASS.lb;

const AUTOSCALED_POOL = ["--autoscaled-pool", "build=10.0.20348,taint=os=windows:NoSchedule"];

/** Before its runs, on a cluster whose Windows pool has no node yet: what a run says when the pool is not declared, or declared wrong. */
function autoscaledRefusals(env: NodeJS.ProcessEnv, dir: string): void {
  const undeclared = cli(["run", "--local", "--category", "Core.Nodes", "--report-dir", join(dir, "undeclared")], env);
  expectOneLineError(
    undeclared,
    /^hybrid-conformance: the cluster at \S+ has no Windows nodes \(3 node\(s\), all linux\): nothing to test; if its Windows pool scales from zero, declare it \(--autoscaled-pool build=<build>,taint=<key=value:Effect>\)$/,
  );
  // A 2025 pool the cluster does not have: no node group fits, nothing acts on the placeholder.
  const wrong = cli(["run", "--local", "--category", "Core.Nodes", "--autoscaled-pool", "build=10.0.26100", "--report-dir", join(dir, "wrong")], env);
  expect(wrong.code, wrong.stderr).to.equal(2);
  expect(wrong.stderr).not.to.match(/^\s+at /m);
  expect(wrong.stderr.trim().split("\n").pop()).to.match(
    /^hybrid-conformance: --autoscaled-pool build=10\.0\.26100: the pool did not grow: timed out after \d+ s waiting for cluster-autoscaler to act on pod hc-scale-up-\w+\/scale-up-10-0-26100; last seen: FailedScheduling: .*no event from cluster-autoscaler yet$/,
  );
}

const MATRIX: { profile: string[]; run?: string[]; before?: typeof autoscaledRefusals; extra?: string[][]; skips: Record<string, RegExp> }[] = [
  { profile: ["--profile", "docs"], skips: TWO_POOLS },
  {
    profile: ["--profile", "aks"],
    extra: [WORKLOAD, LOAD_BALANCER],
    skips: {
      ...TWO_POOLS,
      [SCHEDULING.noToleration]: FACT.untainted,
      [SCHEDULING.linuxOff]: FACT.untainted,
    },
  },
  {
    profile: ["--profile", "eks"],
    skips: {
      [SCHEDULING.noToleration]: FACT.untainted,
      [SCHEDULING.linuxOff]: FACT.untainted,
      [SCHEDULING.build("10.0.26100")]: FACT.noBuild,
    },
  },
  {
    profile: ["--profile", "gke"],
    skips: { [SCHEDULING.build("10.0.26100")]: FACT.noBuild },
  },
  {
    profile: ["--profile", "gke", "--toleration-webhook"],
    skips: {
      [SCHEDULING.noToleration]: FACT.webhook,
      [SCHEDULING.build("10.0.26100")]: FACT.noBuild,
    },
  },
  {
    profile: ["--profile", "autoscaled"],
    before: autoscaledRefusals,
    run: AUTOSCALED_POOL,
    extra: [WORKLOAD],
    skips: { [SCHEDULING.build("10.0.26100")]: FACT.noBuild },
  },
  {
    profile: ["--profile", "kubeadm"],
    extra: [WORKLOAD, LOAD_BALANCER],
    skips: {
      ...TWO_POOLS,
      [LB_TITLE]:
        /^no load-balancer controller: nothing acted on Service iis-20(22|25) \(type LoadBalancer\) within \d+ s — no event on it, no finalizer, no status condition, no external address; run with --require-load-balancer to make this a failure$/,
      [SCHEDULING.osField]: FACT.noWorker,
      [SCHEDULING.linuxOff]:
        /^no Ready Linux worker node: hc-control-plane \(control plane\): a Linux pod without a selector or toleration has no Linux node to land on$/,
    },
  },
];

describe("issue 14: --suite subsets exit 0 on every profile, with realistic timing, skips naming the cluster fact", function () {
  this.timeout(20 * 60_000);
  for (const m of MATRIX) {
    const extras = [
      ...(m.before ? ["a scale-up from zero (undeclared and wrongly declared pools refused first)"] : []),
      ...(m.extra?.includes(WORKLOAD) ? ["a Windows workload and the Linux → Windows path"] : []),
      ...(m.extra?.includes(LOAD_BALANCER) ? ["the LoadBalancer check"] : []),
    ];
    it(`${m.profile.join(" ")}: Core.Nodes + Core.Scheduling${extras.map((x) => ` + ${x}`).join("")}`, () => {
      const dir = mkdtempSync(join(tmpdir(), "hc-matrix-"));
      const env = { HC_LOCALCLUSTER_DIR: join(dir, "state") };
      try {
        const up = cli(["cluster", "up", ...m.profile, "--latency", "realistic", "--time-scale", "0.05"], env);
        expect(up.code, up.stderr).to.equal(0);
        m.before?.(env, dir);
        let first = true;
        for (const args of [["--category", "Core.Nodes", "--category", "Core.Scheduling"], ...(m.extra ?? [])]) {
          const report = join(dir, `report-${args.join("-").replace(/\W+/g, "_").slice(0, 40)}`);
          const r = cli(["run", "--local", ...(m.run ?? []), ...args, "--report-dir", report], env, 15 * 60_000);
          if (m.run === AUTOSCALED_POOL && first) {
            // The first run grows the empty pool; the runs after it find the node and need no scale-up.
            expect(r.stderr).to.match(
              /scale-up: --autoscaled-pool build=10\.0\.20348,taint=os=windows:NoSchedule: TriggeredScaleUp: pod triggered scale-up: \[\{win2022 0->1 \(max: 2\)\}\]/,
            );
            expect(r.stderr).to.match(/scale-up: --autoscaled-pool \S+: node hc-win2022-as-\d Ready after [\d.]+ s/);
            const ns = cli(["cleanup", "--dry-run", "--kubeconfig", join(dir, "state", "kubeconfig")], env);
            expect(`${ns.stdout}${ns.stderr}`, "the scale-up's placeholder namespace is gone").not.to.match(/hc-scale-up-/);
          }
          first = false;
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
