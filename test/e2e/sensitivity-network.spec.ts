// Sensitivity of Core.Network, Core.Probes and Core.Logs: the real CLI against the local cluster, healthy and then
// with one named fault at a time. Under each fault EXACTLY the tests that depend on the broken path must fail —
// each with a message naming the path, the source and the destination (or, for probes and logs, the pod) — every
// other test must pass, and the run must exit 1. A check that cannot fail is a defect; so is one that fails for
// somebody else's fault. Faults are scoped to the harness's namespaces (hc-*), or to the probe fixtures' pods.
import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, type CliResult, sensitivityParallel } from "../support/local-cluster.js";
import type { Summary, TestOutcome } from "../../lib/results/model.js";

const NETWORK = {
  podIP: "Core.Network › serves the web page on each Windows pod's IP from a Linux pod",
  podToPod: "Core.Network › reaches a Windows pod on another node from a Windows pod (pod to pod)",
  linuxToWindows: "Core.Network › connects from a Linux pod to a Windows pod (hybrid, Linux → Windows, up within 30 s and steady)",
  windowsToLinux: "Core.Network › connects from a Windows pod to a Linux pod (hybrid, Windows → Linux, up within 30 s and steady)",
  clusterIPLinux: "Core.Network › serves the web page on the Service ClusterIP from a Linux pod",
  clusterIPWindows: "Core.Network › serves the web page on the Service ClusterIP from a Windows client pod",
  clusterIPHairpin: "Core.Network › serves the web page on the Service ClusterIP from the Service's own Windows backends (hairpin)",
  fqdnLinux: "Core.Network › serves the web page on the Service DNS name (<svc>.<ns>.svc.<domain>) from a Linux pod",
  fqdnWindows: "Core.Network › serves the web page on the Service DNS name (<svc>.<ns>.svc.<domain>) from a Windows pod",
  nodePort: "Core.Network › serves the web page on the NodePort from outside the cluster (every node)",
  egress: "Core.Network › reaches an external address from inside a Windows pod (egress)",
  endpointSlices: "Core.Network › lists exactly the ready Windows pods in the Service's EndpointSlices",
  recreate: "Core.Network › restores routing when the Service is deleted and recreated",
  callers: "Core.Network › answers with the docs' page, counts each caller and logs each request (win-webserver's caller counts and request lines)",
} as const;
const PROBES = {
  readiness: "Core.Probes › keeps a pod whose readiness probe fails NotReady and out of its Service's EndpointSlice, and puts it back when the probe passes",
  liveness: "Core.Probes › restarts a container whose liveness probe fails (restartCount, Killing event, previous container's log)",
  startup: "Core.Probes › holds readiness and liveness probes back until the startup probe passes",
} as const;
const LOGS = {
  requestLines: "Core.Logs › shows the web server's request lines in the pod's log after the test's requests",
  previousLogs: "Core.Logs › keeps the previous container's log after a restart (kubectl logs --previous)",
  logMonitor: "Core.Logs › surfaces every source configured for LogMonitor on the container's stdout, with the lines the container wrote itself",
} as const;
const TESTS = { ...NETWORK, ...PROBES, ...LOGS };
type Key = keyof typeof TESTS;

// What a failure message must name. Network paths: "<path>: <pod>@<node> (or the runner) → <ip or name>:<port> (...)".
const PATH_SOURCE_DESTINATION = /^[^:]+: (?:[a-z0-9-]+@[a-z0-9.-]+(?: \(host network\))?|the runner \([^)]*\)) → \[?[a-z0-9.:-]+\]?:\d+[^ ]* \(/i;
const NAMES: Record<Key, RegExp> = {
  ...(Object.fromEntries(Object.keys(NETWORK).map((k) => [k, PATH_SOURCE_DESTINATION])) as Record<keyof typeof NETWORK, RegExp>),
  // Probes and logs name the pod (namespace/pod) and what was expected of it.
  readiness: /hc-[a-z0-9-]+\/probes-readiness-exec\b/,
  liveness: /hc-[a-z0-9-]+\/probes-liveness\b/,
  startup: /hc-[a-z0-9-]+\/probes-startup\b/,
  requestLines: /log of hc-[a-z0-9-]+\/win-webserver-[a-z0-9-]+\[windowswebserver\]/,
  previousLogs: /hc-[a-z0-9-]+\/probes-liveness\b/,
  logMonitor: /log of hc-[a-z0-9-]+\/logmonitor\[app\]/,
};

const NS = ["--namespace", "hc-*"];

/** The expected table: fault (and scope) → exactly the tests that must fail. Everything else must pass. */
const SENSITIVITY: { fault: string; scope: string[]; fails: Key[]; why: string }[] = [
  { fault: "dns-down", scope: NS, fails: ["fqdnLinux", "fqdnWindows", "egress"], why: "only names need DNS: the Service FQDNs and the external host name" },
  {
    fault: "service-routing-broken",
    scope: NS,
    fails: ["clusterIPLinux", "clusterIPWindows", "clusterIPHairpin", "fqdnLinux", "fqdnWindows", "recreate"],
    why: "every path through a ClusterIP; pod IPs, NodePorts (their own fault) and EndpointSlices are unaffected",
  },
  { fault: "nodeport-closed", scope: NS, fails: ["nodePort"], why: "only the NodePort path" },
  {
    fault: "pod-network-partition",
    scope: NS,
    fails: ["podIP", "linuxToWindows", "windowsToLinux", "clusterIPLinux", "fqdnLinux"],
    why: "every path between a Linux and a Windows pod; Windows-to-Windows paths and the runner's NodePort stay up",
  },
  { fault: "egress-blocked", scope: NS, fails: ["egress"], why: "only the external address" },
  {
    fault: "readiness-never",
    scope: ["--pod", "probes-*"],
    fails: ["readiness", "startup"],
    why: "the probe fixtures never turn Ready; the liveness tests wait for a started container, not a Ready one",
  },
  {
    fault: "liveness-fails",
    scope: NS,
    fails: ["liveness", "startup", "previousLogs"],
    why: "only pods with a liveness probe (probes-liveness, probes-startup) are restarted",
  },
  {
    fault: "logs-empty",
    scope: NS,
    fails: ["callers", "liveness", "requestLines", "previousLogs", "logMonitor"],
    why: "every test that reads a container's log",
  },
];

function runSuites(dir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): { r: CliResult; tests: TestOutcome[]; summary: Summary } {
  const r = cli(
    [
      "run",
      "--local",
      "--category",
      "Core.Network",
      "--category",
      "Core.Probes",
      "--category",
      "Core.Logs",
      "--logmonitor-image",
      "registry.example/servercore-logmonitor:ltsc2022",
      ...sensitivityParallel,
      "--report-dir",
      dir,
      ...extra,
    ],
    env,
    20 * 60_000,
  );
  let summary: Summary;
  try {
    summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  } catch {
    throw new Error(`no summary.json (exit ${r.code}); stderr: ${r.stderr.slice(-2000)}`);
  }
  return { r, tests: summary.tests, summary };
}

function fault(...args: string[]): void {
  const r = cli(["cluster", "fault", ...args]);
  if (r.code !== 0) throw new Error(`cluster fault ${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
}

const short = (t: string) => t.split(" › ")[1];

describe("sensitivity: Core.Network, Core.Probes, Core.Logs under one fault at a time", function () {
  this.timeout(25 * 60_000);
  let dir: string;
  before(() => fault("clear"));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "hc-sensitivity-"))));
  afterEach(() => {
    fault("clear");
    rmSync(dir, { recursive: true, force: true });
  });

  it("healthy: every test passes through the CLI, exit 0", () => {
    const { r, tests, summary } = runSuites(dir);
    const failed = tests.filter((t) => t.state !== "passed").map((t) => `${t.fullTitle}: ${t.state} ${t.error ?? ""}`);
    expect(failed, failed.join("\n")).to.deep.equal([]);
    expect(tests.map((t) => t.fullTitle).sort(), "the tests this table knows").to.deep.equal(Object.values(TESTS).sort());
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    process.stderr.write(`      healthy run: ${tests.length} tests in ${(summary.durationMs / 1000).toFixed(1)} s\n`);
  });

  for (const s of SENSITIVITY) {
    it(`${s.fault} (${s.scope.join(" ")}) fails exactly: ${s.fails.join(", ")} — ${s.why}`, () => {
      try {
        fault("add", s.fault, ...s.scope);
        const { r, tests } = runSuites(dir);
        const byTitle = new Map(tests.map((t) => [t.fullTitle, t]));
        const expectFail = new Set(s.fails.map((k) => TESTS[k]));
        const wrong: string[] = [];
        for (const title of Object.values(TESTS)) {
          const t = byTitle.get(title);
          if (!t) wrong.push(`${short(title)}: did not run`);
          else if (expectFail.has(title) && t.state !== "failed") wrong.push(`${short(title)}: ${t.state}, but it depends on what ${s.fault} breaks`);
          else if (!expectFail.has(title) && t.state !== "passed")
            wrong.push(`${short(title)}: ${t.state} under ${s.fault}, which it does not depend on: ${t.error ?? ""}`);
        }
        expect(wrong, wrong.join("\n")).to.deep.equal([]);
        for (const k of s.fails) {
          const err = byTitle.get(TESTS[k])!.error ?? "";
          expect(
            err,
            `${short(TESTS[k])}: the message must name ${NAMES[k] === PATH_SOURCE_DESTINATION ? "path, source and destination" : "the pod"}`,
          ).to.match(NAMES[k]);
        }
        expect(r.code, `exit code (stderr tail: ${r.stderr.slice(-500)})`).to.equal(1);
      } finally {
        fault("clear");
      }
    });
  }

  it("air-gapped: the egress check is skipped, with the reason in the report", () => {
    const { r, tests } = runSuites(dir, ["--air-gapped", "--grep", "egress"]);
    expect(tests.map((t) => `${short(t.fullTitle)}: ${t.state}`)).to.deep.equal([`${short(NETWORK.egress)}: skipped`]);
    expect(r.code).to.equal(0);
    const results = readdirSync(join(dir, "allure-results"))
      .filter((f) => f.endsWith("-result.json"))
      .map((f) => readFileSync(join(dir, "allure-results", f), "utf8"));
    expect(results.join("\n")).to.match(/Skipped: the run is marked --air-gapped/);
  });

  it("NodePort from a host-network Linux pod (when the runner cannot reach node addresses): passes, says so, and still fails under nodeport-closed", () => {
    const env = { HC_NODEPORT_FROM: "pod" };
    const ok = runSuites(dir, ["--grep", "NodePort"], env);
    expect(ok.tests.map((t) => t.state)).to.deep.equal(["passed"]);
    const results = readdirSync(join(dir, "allure-results"))
      .filter((f) => f.endsWith("-result.json"))
      .map((f) => readFileSync(join(dir, "allure-results", f), "utf8"));
    expect(results.join("\n")).to.match(/NodePort checked from[^}]*host-network Linux pod/);
    try {
      fault("add", "nodeport-closed", ...NS);
      const bad = runSuites(dir, ["--grep", "NodePort"], env);
      expect(bad.tests.map((t) => t.state)).to.deep.equal(["failed"]);
      expect(bad.tests[0].error).to.match(/^NodePort from a host-network pod: hostnet-client@[a-z0-9-]+ \(host network\) → [\d.]+:\d+ \(node /);
      expect(bad.r.code).to.equal(1);
    } finally {
      fault("clear");
    }
  });
});
