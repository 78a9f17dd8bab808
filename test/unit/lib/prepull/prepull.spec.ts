// Issue 15 item 4: the images the tests pull come from the fixtures the suites name, rendered per build (retagged,
// registry overrides applied); the pre-pull's containers stay up; the phase reaches JUnit; a test's pod time is
// split into scheduling, pulling, creating, starting and readiness from what the watches saw.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { fixturesOf, imagesFor } from "../../../../lib/prepull/images.js";
import { holdCommand } from "../../../../lib/prepull/prepull.js";
import { prepullJunitSuite, prepullLine } from "../../../../lib/prepull/report.js";
import { junitXml } from "../../../../lib/report/junit.js";
import { PodTimeline } from "../../../../lib/run/pod-timeline.js";
import { select } from "../../../../suites/index.js";

describe("lib/prepull", () => {
  it("finds the fixtures a suite file names, and none in a suite that deploys none", () => {
    expect(fixturesOf({ file: "suites/core/network.spec.ts" })).to.deep.equal([
      "externalname-service",
      "linux-client",
      "statefulset-headless",
      "win-webserver",
      "windows-client",
      "windows-custom-dns",
    ]);
    expect(fixturesOf({ file: "suites/core/nodes.spec.ts" })).to.deep.equal([]);
  });

  it("lists each build's images retagged for it, Linux images once, and applies registry overrides", () => {
    const sets = imagesFor(select("core", ["Core.Network"]), {
      builds: ["10.0.20348", "10.0.26100"],
      registryOverrides: { "mcr.microsoft.com": "registry.local/mcr" },
    });
    expect(sets).to.deep.equal([
      { os: "windows", build: "10.0.20348", images: ["registry.local/mcr/windows/servercore:ltsc2022"] },
      { os: "windows", build: "10.0.26100", images: ["registry.local/mcr/windows/servercore:ltsc2025"] },
      { os: "linux", images: ["registry.k8s.io/e2e-test-images/agnhost:2.52"] },
    ]);
  });

  it("renders a fixture pinned to one build (IIS) for every build, as its suite adapts it", () => {
    const [ws2025] = imagesFor(select("extended", ["Extend.RuntimeClass"]), { builds: ["10.0.26100"] });
    expect(ws2025.images).to.include("mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2025");
    expect(ws2025.images.join()).not.to.match(/ltsc2022/);
  });

  it("adds the --logmonitor-image to every Windows build", () => {
    const sets = imagesFor(select("core", ["Core.Nodes"]), { builds: ["10.0.20348"], extraWindowsImages: ["reg/logmonitor:1"] });
    expect(sets).to.deep.equal([{ os: "windows", build: "10.0.20348", images: ["reg/logmonitor:1"] }]);
  });

  it("keeps each pre-pull container up with a command its image has", () => {
    expect(holdCommand("registry.k8s.io/e2e-test-images/agnhost:2.52", "linux")).to.deep.equal({ args: ["pause"] });
    expect(holdCommand("mcr.microsoft.com/windows/nanoserver:ltsc2022", "windows")).to.deep.equal({ command: ["ping", "-t", "localhost"] });
  });

  it("puts the phase into JUnit as properties without changing the test counts", () => {
    const r = { startedAt: 0, durationMs: 42_000, nodes: [{ node: "w1", os: "windows", build: "10.0.20348", images: ["a", "b"], durationMs: 41_500 }] };
    const xml = junitXml([], undefined, { prepull: r });
    expect(xml).to.match(/<testsuites name="hybrid-conformance" tests="0"/);
    expect(xml).to.include('<property name="prepull.seconds" value="42.000"/>');
    expect(xml).to.include('<property name="prepull.node.w1.seconds" value="41.500"/>');
    expect(prepullJunitSuite(undefined, (s) => s)).to.equal("");
    expect(prepullLine(r)).to.equal("prepull: 42.0 s on 1 node(s) (slowest w1 41.5 s)");
  });
});

describe("lib/run/pod-timeline", () => {
  const ev = (reason: string, container?: string): k8s.CoreV1Event => ({
    metadata: {},
    involvedObject: { kind: "Pod", name: "p", ...(container ? { fieldPath: `spec.containers{${container}}` } : {}) },
    reason,
  });
  const pod = (nodeName?: string, ready = false): k8s.V1Pod => ({
    metadata: { name: "p" },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  });

  it("splits a pod's start into scheduling, pulling, creating, starting and readiness", () => {
    const t = new PodTimeline();
    t.notePod(pod(), 0);
    t.notePod(pod("w1"), 100);
    t.noteEvent(ev("Pulling", "a"), 150);
    t.noteEvent(ev("Pulled", "a"), 1150);
    t.noteEvent(ev("Created", "a"), 1200);
    t.noteEvent(ev("Started", "a"), 1500);
    // The second image was already on the node: no pull time.
    t.noteEvent(ev("Pulled", "b"), 1510);
    t.noteEvent(ev("Created", "b"), 1530);
    t.noteEvent(ev("Started", "b"), 1600);
    t.noteEvent(ev("Started", "a"), 9000); // a restart is not the start-up
    t.notePod(pod("w1", true), 2600);
    expect(t.phases().total).to.deep.equal({ pods: 1, schedulingMs: 100, pullingMs: 1000, creatingMs: 70, startingMs: 370, readinessMs: 1000 });
  });

  it("reports nothing for a test without pods", () => {
    expect(new PodTimeline().phases().total.pods).to.equal(0);
  });
});
