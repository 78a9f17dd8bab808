import { expect } from "chai";
import { nodeProxyForbidden, podStatsProblems, statsReadFailure, type StatsSummary } from "../../../lib/checks/kubelet-stats.js";

const pod = (name: string, cpu: number, mem: number, logs = 1) => ({
  podRef: { name, namespace: "ns" },
  cpu: { usageCoreNanoSeconds: cpu },
  memory: { workingSetBytes: mem },
  containers: [{ name: "app", logs: { availableBytes: logs } }],
});

describe("checks/kubelet-stats (the stats summary through the node proxy)", () => {
  it("passes a summary listing every pod with CPU, memory and log stats above zero", () => {
    const s: StatsSummary = {
      node: { nodeName: "w" },
      pods: [pod("a", 5, 7), pod("b", 1, 1), { ...pod("a", 0, 0), podRef: { name: "a", namespace: "other" } }],
    };
    expect(podStatsProblems(s, "w", "ns", ["a", "b"])).to.deep.equal([]);
  });
  it("names missing pods and figures that are not above zero, with pod and node", () => {
    const s: StatsSummary = { node: { nodeName: "w" }, pods: [pod("a", 0, 7), pod("b", 3, 0, 0)] };
    expect(podStatsProblems(s, "w", "ns", ["a", "b", "c"])).to.deep.equal([
      "node w's stats summary lists 2 of the 3 pods: missing ns/c",
      "pod ns/a on w: CPU usage 0, not above zero",
      "pod ns/b on w: memory working set 0, not above zero",
      "pod ns/b container app on w: no log stats (logs.availableBytes 0)",
    ]);
  });
  it("a 403 is the RBAC skip reason naming nodes/proxy; other errors are one line with the status and the kubelet's message", () => {
    expect(nodeProxyForbidden({ code: 403 }, "w")).to.match(/get nodes\/proxy is not granted; node w/);
    expect(nodeProxyForbidden({ code: 500 }, "w")).to.equal(undefined);
    expect(statsReadFailure({ code: 500, body: "Internal Error: failed to get pod stats: boom\n" }, "w")).to.equal(
      "GET /api/v1/nodes/w/proxy/stats/summary failed (HTTP 500): Internal Error: failed to get pod stats: boom",
    );
    expect(statsReadFailure({ code: 503, body: JSON.stringify({ kind: "Status", message: "no endpoints" }) }, "w")).to.equal(
      "GET /api/v1/nodes/w/proxy/stats/summary failed (HTTP 503): no endpoints",
    );
  });
});
