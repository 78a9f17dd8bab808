// The --parallel pool (lib/run/parallel.ts): shares, the default, and a real pool of worker processes over a
// fixture file (no cluster: the fixture's tests only log where and when they ran).
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultParallelism, runParallel, shares } from "../../../lib/run/parallel.js";
import type { Capabilities, NodeInfo } from "../../../lib/preflight/types.js";
import type { RunOptions } from "../../../lib/run/context.js";

const node = (os: string, o: Partial<NodeInfo> = {}) => ({ name: "n", os, ready: true, taints: [], ...o }) as NodeInfo;
const caps = (nodes: NodeInfo[]) => ({ nodes }) as Capabilities;

describe("parallel runs (lib/run/parallel.ts)", () => {
  it("deals tests round-robin in catalogue order, never more workers than tests", () => {
    expect(shares(["a", "b", "c", "d", "e"], 2)).to.deep.equal([
      ["a", "c", "e"],
      ["b", "d"],
    ]);
    expect(shares(["a"], 8)).to.deep.equal([["a"]]);
  });

  it("defaults to 2 per schedulable Windows node, at most 8 (one per two CPUs when the cluster shares this machine), at least 1", () => {
    const win = (n: number, o: Partial<NodeInfo> = {}) => Array.from({ length: n }, () => node("windows", o));
    expect(defaultParallelism(caps([...win(3), node("linux")]), 16)).to.equal(6);
    expect(defaultParallelism(caps(win(10)), 16)).to.equal(8);
    expect(defaultParallelism(caps(win(3)), 2)).to.equal(6);
    expect(defaultParallelism({ ...caps(win(3)), local: true }, 2)).to.equal(1);
    expect(defaultParallelism({ ...caps(win(3)), local: true }, 8)).to.equal(4);
    // Any API server on loopback (kind, minikube, a ServiceAccount kubeconfig for the local cluster) shares this machine.
    const at = (url: string) => ({ ...caps(win(3)), server: { url } }) as Capabilities;
    expect(defaultParallelism(at("https://127.0.0.1:6443"), 2)).to.equal(1);
    expect(defaultParallelism(at("https://[::1]:6443"), 2)).to.equal(1);
    expect(defaultParallelism(at("https://aks-dns-1.hcp.westeurope.azmk8s.io:443"), 2)).to.equal(6);
    expect(
      defaultParallelism(caps([...win(2, { ready: false }), ...win(1, { taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }] })]), 16),
    ).to.equal(1);
  });

  it("runs shares in separate processes, the runsAlone test after the others by itself, each pool's pass concurrently, outcomes pass by pass in catalogue order", async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), "hc-parallel-"));
    const logFile = join(dir, "log");
    process.env.HC_PARALLEL_FIXTURE_LOG = logFile;
    try {
      const r = await runParallel({
        kc: new k8s.KubeConfig(),
        runId: "rtest",
        // Two pools: every test once per pool, the pool-independent one once (in the first pass).
        passes: [
          { pool: "pool=a", caps: caps([]) },
          { pool: "pool=b", caps: caps([]) },
        ],
        options: {} as RunOptions,
        files: ["test/unit/lib/fixtures/parallel.fixture.ts"],
        resultsDir: join(dir, "allure-results"),
        workers: 2,
        out: () => undefined,
      });
      expect(r.outcomes.map((o) => [o.title, o.state, o.pool])).to.deep.equal([
        ["a", "passed", "pool=a"],
        ["b", "failed", "pool=a"],
        ["alone", "passed", "pool=a"],
        ["c", "passed", "pool=a"],
        ["once", "passed", undefined],
        ["a", "passed", "pool=b"],
        ["b", "failed", "pool=b"],
        ["alone", "passed", "pool=b"],
        ["c", "passed", "pool=b"],
      ]);
      expect(r.outcomes[1].error).to.equal("b broke");
      expect(r.alone).to.deep.equal(["Fixture.Parallel › alone"]);
      const events = readFileSync(logFile, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(" "))
        .map(([what, title, pid, at]) => ({ what, title, pid, at: BigInt(at) }));
      // Each test saw its pass's pool as the Allure label (the pool-independent one its own).
      expect(
        events
          .filter((e) => e.what === "start")
          .map((e) => e.title)
          .sort(),
      ).to.deep.equal(["a@pool=a", "a@pool=b", "alone@pool=a", "alone@pool=b", "b@pool=a", "b@pool=b", "c@pool=a", "c@pool=b", "once@(pool-independent)"]);
      for (const e of events) e.title = e.title.split("@")[0];
      const pid = (t: string) => events.find((e) => e.title === t)!.pid;
      // Items (a@a, b@a, c@a, once, a@b, b@b, c@b) dealt round-robin to two workers: a, c, a@b… to one, b, once, b@b… to the other.
      expect(pid("a")).to.equal(pid("c"));
      expect(pid("b")).to.not.equal(pid("a"));
      expect(pid("once")).to.equal(pid("b"));
      expect([pid("a"), pid("b")]).to.not.include(pid("alone"));
      const aloneStart = events.find((e) => e.what === "start" && e.title === "alone")!.at;
      expect(
        events.filter((e) => e.what === "end" && e.title !== "alone").every((e) => e.at < aloneStart),
        "the others ended before it started",
      ).to.equal(true);
    } finally {
      delete process.env.HC_PARALLEL_FIXTURE_LOG;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
