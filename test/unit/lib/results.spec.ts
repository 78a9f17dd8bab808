// The result model: counts and the summary.json built from a finished run.
import { expect } from "chai";
import { count, summaryOf, type TestOutcome } from "../../../lib/results/model.js";
import type * as k8s from "@kubernetes/client-node";
import type { Capabilities, NodeInfo } from "../../../lib/preflight/types.js";
import { readNodesForRecord, type NodesAtRecord } from "../../../lib/run/node-facts.js";
import { signoffRecord } from "../../../lib/run/record.js";

const outcome = (title: string, state: TestOutcome["state"]): TestOutcome => ({
  category: "Core.Nodes",
  title,
  fullTitle: `Core.Nodes › ${title}`,
  file: "suites/core/nodes.spec.ts",
  state,
  attempts: 1,
  durationMs: 5,
});

describe("result model (lib/results/model.ts)", () => {
  const outcomes = [outcome("a", "passed"), outcome("b", "failed"), outcome("c", "skipped"), outcome("d", "flaky"), outcome("e", "passed")];

  it("counts each state", () => {
    expect(count(outcomes)).to.deep.equal({ passed: 2, failed: 1, skipped: 1, flaky: 1, broken: 0 });
  });

  it("builds summary.json: run, timing, exit code, counts, the cluster's nodes and every test", () => {
    const caps = {
      context: "ctx",
      local: true,
      server: { url: "https://127.0.0.1:1", gitVersion: "v1.34.0", platform: "linux/amd64" },
      nodes: [{ name: "w1", os: "windows", build: "10.0.20348", ready: true, containerRuntimeVersion: "containerd://1.7.0" }],
    } as unknown as Capabilities;
    const record = { server: { version: "v1.34.0", platform: "linux/amd64" }, nodes: [], images: [] };
    const s = summaryOf({
      runId: "r1",
      caps,
      outcomes,
      exitCode: 1,
      interrupted: false,
      startedAt: Date.UTC(2026, 0, 1),
      finishedAt: Date.UTC(2026, 0, 1) + 1500,
      record,
    });
    expect(Object.keys(s)).to.deep.equal([
      "runId",
      "startedAt",
      "durationMs",
      "exitCode",
      "interrupted",
      "counts",
      "leftovers",
      "cluster",
      "tests",
      "pools",
      "record",
    ]);
    expect(s.record).to.equal(record);
    expect(s).to.deep.include({ runId: "r1", startedAt: "2026-01-01T00:00:00.000Z", durationMs: 1500, exitCode: 1, interrupted: false });
    expect(s.cluster).to.deep.equal({
      context: "ctx",
      server: "https://127.0.0.1:1",
      version: "v1.34.0",
      local: true,
      nodes: [{ name: "w1", os: "windows", build: "10.0.20348", ready: true, readyAtPreflight: true, runtime: "containerd://1.7.0" }],
      nodesRead: { source: "preflight" },
    });
    expect(s.tests).to.equal(outcomes);
  });

  describe("node facts are those read when the record is written (lib/run/node-facts.ts)", () => {
    const node = (name: string, ready: boolean, os = "windows") => ({ name, os, ready, containerRuntimeVersion: "containerd://1.7.0" }) as unknown as NodeInfo;
    const caps = {
      context: "ctx",
      local: false,
      server: { url: "https://k8s:6443", gitVersion: "v1.36.3", platform: "linux/amd64" },
      nodes: [node("w1", true), node("w2", true), node("gone", true)],
    } as unknown as Capabilities;
    const run = (nodesAtRecord?: NodesAtRecord) =>
      summaryOf({
        runId: "r",
        caps,
        outcomes: [],
        exitCode: 1,
        interrupted: false,
        startedAt: 0,
        finishedAt: 1,
        record: signoffRecord(caps, nodesAtRecord?.nodes),
        nodesAtRecord,
      });

    it("a node that went NotReady mid-run is NotReady in summary.json, its preflight readiness beside it; a node added mid-run has none; a removed one is named", () => {
      const at = { nodes: [node("w1", true), node("w2", false), node("added", true)], read: { source: "end of run" as const, at: "2026-01-01T00:10:00.000Z" } };
      const s = run(at);
      expect(s.cluster.nodes.map((n) => [n.name, n.ready, n.readyAtPreflight, n.removedDuringRun])).to.deep.equal([
        ["w1", true, true, undefined],
        ["w2", false, true, undefined],
        ["added", true, undefined, undefined],
        ["gone", false, true, true],
      ]);
      expect(s.cluster.nodesRead).to.deep.equal(at.read);
      // The sign-off record lists what ran at the end, so the added node is in it.
      expect(s.record.nodes.map((n) => n.name)).to.deep.equal(["w1", "w2", "added"]);
    });

    it("reads the nodes from the API at the end; when that fails, keeps the preflight's and says why", async () => {
      const listed = {
        items: [{ metadata: { name: "w1", labels: { "kubernetes.io/os": "windows" } }, status: { conditions: [{ type: "Ready", status: "False" }] } }],
      };
      const kc = (list: () => Promise<unknown>) => ({ makeApiClient: () => ({ listNode: list }) }) as unknown as k8s.KubeConfig;
      const now = await readNodesForRecord(
        kc(async () => listed),
        caps,
      );
      expect(now.read.source).to.equal("end of run");
      expect(now.nodes.map((n) => [n.name, n.ready])).to.deep.equal([["w1", false]]);
      const failed = await readNodesForRecord(
        kc(async () => {
          throw new Error("connect ECONNREFUSED 127.0.0.1:6443\nmore");
        }),
        caps,
      );
      expect(failed.nodes).to.equal(caps.nodes);
      expect(failed.read).to.deep.equal({ source: "preflight", why: "listing nodes at the end of the run failed: connect ECONNREFUSED 127.0.0.1:6443" });
    });
  });
});
