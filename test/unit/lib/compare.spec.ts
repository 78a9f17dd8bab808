// Baseline comparison: what a release sign-off must see between the last good run and this one.
import { expect } from "chai";
import { compareRuns, formatComparison, type RunSummary } from "../../../lib/report/compare.js";
import type { SignoffRecord } from "../../../lib/run/record.js";

const record = (over: Partial<{ kernel: string; imageID: string; server: string }> = {}): SignoffRecord => ({
  server: { version: over.server ?? "v1.36.3", platform: "linux/amd64" },
  nodes: [
    {
      name: "win-1",
      os: "windows",
      build: "10.0.20348",
      osImage: "Windows Server 2022 Datacenter",
      kernel: over.kernel ?? "10.0.20348.2700",
      runtime: "containerd://1.7.20",
      kubelet: "v1.36.3",
    },
  ],
  images: [
    { image: "mcr.microsoft.com/windows/servercore:ltsc2022", imageID: over.imageID ?? "mcr.microsoft.com/windows/servercore@sha256:aa", nodes: ["win-1"] },
  ],
});
const t = (fullTitle: string, state: "passed" | "failed" | "skipped" | "flaky", durationMs = 1000) => ({ fullTitle, state, durationMs });

describe("lib/report compare", () => {
  const base: RunSummary = {
    runId: "rA",
    tests: [
      t("A › a", "passed"),
      t("A › b", "failed"),
      t("A › c", "passed", 2000),
      t("A › gone", "passed"),
      t("A › flaky", "flaky"),
      t("A › quick", "passed", 40),
    ],
    record: record(),
  };
  const cur: RunSummary = {
    runId: "rB",
    tests: [
      t("A › a", "failed"),
      t("A › b", "passed"),
      t("A › c", "passed", 3100),
      t("A › new", "passed"),
      t("A › flaky", "failed"),
      t("A › quick", "passed", 90),
    ],
    record: record({ kernel: "10.0.20348.2800", imageID: "mcr.microsoft.com/windows/servercore@sha256:bb" }),
  };

  it("finds regressions (passed or flaky → failed), fixes, new and removed tests", () => {
    const c = compareRuns(base, cur);
    expect(c.regressions).to.deep.equal(["A › a", "A › flaky"]);
    expect(c.fixes).to.deep.equal(["A › b"]);
    expect(c.added).to.deep.equal(["A › new"]);
    expect(c.removed).to.deep.equal(["A › gone"]);
  });

  it("calls a test slower only beyond +50% and at least a second more (a 40 ms check taking 90 ms is noise)", () => {
    expect(compareRuns(base, cur).slower).to.deep.equal([{ test: "A › c", beforeMs: 2000, afterMs: 3100 }]);
  });

  it("names the cluster facts that changed: a node's kernel, an image's digest", () => {
    const c = compareRuns(base, cur);
    expect(c.facts).to.deep.equal([
      { fact: "node win-1 kernel", before: "10.0.20348.2700", after: "10.0.20348.2800" },
      {
        fact: "image mcr.microsoft.com/windows/servercore:ltsc2022",
        before: "mcr.microsoft.com/windows/servercore@sha256:aa",
        after: "mcr.microsoft.com/windows/servercore@sha256:bb",
      },
    ]);
    expect(formatComparison(c)[0]).to.equal("compared with baseline run rA: 2 regression(s), 1 fix(es), 1 new, 1 removed, 1 slower, 2 cluster fact(s) changed");
  });

  it("finds nothing between a run and itself", () => {
    const c = compareRuns(base, base);
    expect([c.regressions, c.fixes, c.added, c.removed, c.slower, c.facts]).to.deep.equal([[], [], [], [], [], []]);
  });
});
