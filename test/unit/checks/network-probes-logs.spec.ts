// lib/checks/probes.ts and lib/checks/logs.ts without a cluster: pod status readers, the kubelet's probe events,
// and LogMonitor output read against its configuration (with the logmonitor fixture's own config).
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { containerSummary, isRunning, isStarted, killedFor, probeFailures, restarts } from "../../../lib/checks/probes.js";
import { isPodReady as isReady } from "../../../lib/cluster/status.js";
import { configuredSources, logMonitorEntries, logMonitorGaps, ownLines, sourcesSeen } from "../../../lib/checks/logs.js";
import { loadFixture } from "../../../lib/fixtures/load.js";

const pod = (cs: Partial<k8s.V1ContainerStatus>, ready: boolean): k8s.V1Pod => ({
  metadata: { name: "probes-liveness" },
  status: {
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    containerStatuses: [{ name: "app", image: "x", imageID: "", ready, restartCount: 0, ...cs }],
  },
});

describe("checks/probes", () => {
  it("reads ready, running, started and restarts", () => {
    const p = pod({ started: true, restartCount: 2, state: { running: { startedAt: new Date() } } }, true);
    expect([isReady(p), isRunning(p, "app"), isStarted(p, "app"), restarts(p, "app")]).to.deep.equal([true, true, true, 2]);
    const w = pod({ started: false, state: { waiting: { reason: "CrashLoopBackOff" } } }, false);
    expect([isReady(w), isRunning(w, "app"), isStarted(w, "app"), restarts(w, "nope")]).to.deep.equal([false, false, false, 0]);
    expect(containerSummary(w, "app")).to.equal("probes-liveness[app] waiting (CrashLoopBackOff), ready=false, started=false, restartCount=0, pod Ready=false");
    expect(containerSummary(w, "other")).to.equal("probes-liveness[other]: no status yet");
  });

  it("finds the kubelet's Unhealthy and Killing events by probe kind", () => {
    const ev = (reason: string, message: string): k8s.CoreV1Event => ({ involvedObject: {}, metadata: {}, reason, message });
    const events = [
      ev("Unhealthy", "Startup probe failed: The system cannot find the file specified."),
      ev("Unhealthy", "Liveness probe failed: "),
      ev("Killing", "Container app failed liveness probe, will be restarted"),
      ev("Killing", "Stopping container app"),
    ];
    expect(probeFailures(events, "Startup")).to.have.length(1);
    expect(probeFailures(events, "Liveness")).to.have.length(1);
    expect(probeFailures(events, "Readiness")).to.have.length(0);
    expect(killedFor(events, "liveness")?.message).to.equal("Container app failed liveness probe, will be restarted");
    expect(killedFor(events, "startup")).to.equal(undefined);
  });
});

describe("checks/logs", () => {
  const config = (loadFixture("logmonitor").find((o) => o.kind === "ConfigMap") as k8s.V1ConfigMap).data!["LogMonitorConfig.json"];

  it("reads the logmonitor fixture's configured sources", () => {
    expect(configuredSources(config)).to.deep.equal([
      { type: "EventLog", names: ["system", "application"] },
      { type: "File", names: ["c:\\logs"] },
    ]);
    expect(
      configuredSources('{"logconfig":{"SOURCES":[{"Type":"ETW","providers":[{"providerName":"IIS: WWW Server","providerGuid":"3A2A"}]}]}}'),
    ).to.deep.equal([{ type: "ETW", names: ["iis: www server"] }]);
  });

  it("parses LogMonitor's JSON and XML lines and tells configured sources from others", () => {
    const log = [
      '{"Source": "EventLog","LogEntry": {"EventSource": "Service Control Manager","Time": "2025-01-01T00:00:00.000Z","Channel": "System","Level": "Information","EventId": 7036,"Message": "The Windows Event Log service entered the running state."}}',
      '{"Source": "File","LogEntry": {"Logline": "hello from the file source","FileName": "app.log"},"SchemaVersion":"1.0.0"}',
      '{"Source":"Process","LogEntry":{"Logline":"started"},"SchemaVersion":"1.0.0"}',
      "<Log><Source>EventLog</Source><LogEntry><Channel>Security</Channel><Message>x</Message></LogEntry></Log>",
      "plain text line",
      "{not json",
    ].join("\r\n");
    const entries = logMonitorEntries(log);
    expect(entries.map((e) => `${e.source}/${e.detail}`)).to.deep.equal(["EventLog/System", "File/app.log", "Process/undefined", "EventLog/Security"]);
    expect(entries[1].text).to.equal("hello from the file source");
    const r = sourcesSeen(entries, configuredSources(config));
    expect(r.seen).to.deep.equal(["EventLog/System", "File"]);
    expect(r.unexpected).to.deep.equal(["EventLog channel Security, which is not configured (configured: system, application)"]);
    expect(sourcesSeen(logMonitorEntries('{"Source":"ETW","LogEntry":{"ProviderName":"p"}}'), configuredSources(config)).unexpected).to.deep.equal(["ETW (p)"]);
    expect(sourcesSeen([], configuredSources(config)).seen).to.deep.equal([]);
  });
});

describe("LogMonitor fixture lines (issue 14 item 5)", () => {
  it("reads the lines the logmonitor fixture's command writes, and requires every configured source and each of those lines", () => {
    const pod = loadFixture("logmonitor").find((o) => o.kind === "Pod") as k8s.V1Pod;
    const own = ownLines(pod.spec!.containers[0].command!.join(" "));
    expect(own).to.deep.equal([
      { source: "File", text: "hello from the file source" },
      { source: "EventLog", text: "hello from the event log source" },
    ]);
    const system =
      '{"Source": "EventLog","LogEntry": {"EventSource": "Service Control Manager","Time": "2025-01-01T00:00:00.000Z","Channel": "System","Level": "Information","EventId": 7036,"Message": "The Windows Event Log service entered the running state."}}';
    const app =
      '{"Source": "EventLog","LogEntry": {"EventSource": "Application","Time": "2025-01-01T00:00:00.000Z","Channel": "Application","Level": "Error","EventId": 1000,"Message": "hello from the event log source"}}';
    const file = '{"Source": "File","LogEntry": {"Logline": "hello from the file source","FileName": "app.log"},"SchemaVersion":"1.0.0"}';
    const sources = configuredSources((loadFixture("logmonitor").find((o) => o.kind === "ConfigMap") as k8s.V1ConfigMap).data!["LogMonitorConfig.json"]);
    expect(logMonitorGaps(logMonitorEntries([system, app, file].join("\n")), sources, own)).to.deep.equal([]);
    // One source is enough no more; a canned event is not the container's own line.
    expect(logMonitorGaps(logMonitorEntries([system, app].join("\n")), sources, own)).to.deep.equal([
      "no entry from the File source (c:\\logs)",
      'the container\'s own File line "hello from the file source" is not there',
    ]);
    expect(logMonitorGaps(logMonitorEntries([system, file].join("\n")), sources, own)).to.deep.equal([
      'the container\'s own EventLog line "hello from the event log source" is not there',
    ]);
  });
});
