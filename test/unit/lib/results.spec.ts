// The result model: counts and the summary.json built from a finished run.
import { expect } from "chai";
import { count, summaryOf, type TestOutcome } from "../../../lib/results/model.js";
import type { Capabilities } from "../../../lib/preflight/types.js";

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
      nodes: [{ name: "w1", os: "windows", build: "10.0.20348", ready: true, runtime: "containerd://1.7.0" }],
    });
    expect(s.tests).to.equal(outcomes);
  });
});
