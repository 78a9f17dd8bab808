// Sensitivity of Core.Workloads, through the real CLI (`hybrid-conformance run --local`): on the healthy cluster
// every test passes; under each data-plane fault exactly the tests that depend on the broken behaviour fail — read
// from the run's summary.json — each failure naming the pod, its node and the event or reason (ErrImagePull with
// the image, CrashLoopBackOff with the container, the Unhealthy probe event, FailedPreStopHook), and the rest pass.
// Fault runs use --timeout-scale 0.05 (15 s pod budget) so the waits that can only time out do so quickly.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, sensitivityParallel } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import type { Summary } from "../../lib/results/model.js";
import type { FaultScope } from "../../localcluster/dataplane/faults.js";

const T = {
  webserver: "runs the docs' win-webserver Deployment: 2 replicas Ready on Windows nodes",
  emptyDir: "shares an emptyDir between the containers of a Windows pod",
  config: "gives a Windows container its ConfigMap and Secret as environment variables and as files",
  hooks: "runs a Windows container's postStart hook at start and its preStop hook when the pod is deleted",
  limits: "records a Windows container's resource requests and limits: stored, QoS class, kubelet status and the downward API inside the container",
  status: "reports a Windows pod's status fields: podIP, hostIP, container and image IDs, startTime, QoS class, conditions",
  rollout: "rolls out a change to a Windows Deployment: new pods Ready on Windows nodes, old pods gone",
};
const ALL = Object.values(T);
const NODE = /on node hc-win20(22|25)-\d/;
const pod = (name: string) => new RegExp(`pod hc-[a-z0-9-]+/${name}`);

describe("sensitivity: Core.Workloads under data-plane faults", function () {
  this.timeout(300_000);
  const faults = new FaultSwitch();
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-workloads-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => faults.clear());

  function run(name: string, extra: string[] = []): { code: number; stderr: string; summary: Summary } {
    const reportDir = join(dir, name);
    const r = cli(["run", "--local", "--category", "Core.Workloads", ...sensitivityParallel, "--report-dir", reportDir, ...extra], { KUBECONFIG: "" });
    return { code: r.code, stderr: r.stderr, summary: JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary };
  }

  /** Runs the suite with one fault on (cleared in a finally), and checks exactly `failing` failed, each message matching its patterns. */
  async function underFault(name: string, scope: FaultScope, failing: Partial<Record<keyof typeof T, RegExp[]>>): Promise<Summary> {
    let r: ReturnType<typeof run>;
    try {
      await faults.add(name, scope);
      r = run(name, ["--timeout-scale", "0.05"]);
    } finally {
      await faults.clear();
    }
    const s = r.summary;
    const want = Object.keys(failing).map((k) => T[k as keyof typeof T]);
    expect(s.tests.map((t) => t.title).sort(), "the whole suite ran").to.deep.equal([...ALL].sort());
    const failed = s.tests.filter((t) => t.state === "failed");
    expect(failed.map((t) => t.title).sort(), failed.map((t) => `${t.title}: ${t.error}`).join("\n")).to.deep.equal(want.sort());
    expect(s.tests.filter((t) => !want.includes(t.title) && t.state !== "passed").map((t) => `${t.title}: ${t.state}`)).to.deep.equal([]);
    expect(r.code, r.stderr).to.equal(1);
    expect(s.exitCode).to.equal(1);
    for (const [k, patterns] of Object.entries(failing)) {
      const error = failed.find((t) => t.title === T[k as keyof typeof T])?.error ?? "";
      for (const p of patterns!) expect(error, k).to.match(p);
    }
    return s;
  }

  it("passes every test on the healthy cluster (exit 0)", () => {
    const { code, stderr, summary } = run("healthy");
    expect(code, stderr).to.equal(0);
    expect(summary.exitCode).to.equal(0);
    expect(summary.tests.map((t) => t.title).sort()).to.deep.equal([...ALL].sort());
    expect(summary.tests.filter((t) => t.state !== "passed").map((t) => `${t.title}: ${t.state} ${t.error ?? ""}`)).to.deep.equal([]);
  });

  it("image-pull-fails on the Windows images: every test fails with ErrImagePull, naming pod, node and image", async () => {
    const pull = [
      /ErrImagePull: Failed to pull image "mcr\.microsoft\.com\/windows\/servercore:ltsc20(22|25)"/,
      /403 Forbidden/,
      NODE,
      /container \S+ \(mcr\.microsoft\.com\/windows\/servercore:ltsc20(22|25)\)/,
    ];
    await underFault(
      "image-pull-fails",
      { image: "mcr.microsoft.com/windows/*" },
      {
        webserver: [pod("win-webserver-[a-z0-9]+-[a-z0-9]+"), ...pull],
        emptyDir: [pod("multi-container-emptydir"), ...pull],
        config: [pod("config-env-volumes"), ...pull],
        hooks: [pod("lifecycle-hooks"), ...pull],
        limits: [pod("resource-limits"), ...pull],
        status: [pod("windows-client"), ...pull],
        rollout: [pod("win-webserver-[a-z0-9]+-[a-z0-9]+"), ...pull],
      },
    );
  });

  it("container-crashes in the emptyDir pod: only that test fails, with CrashLoopBackOff naming pod, node and container", async () => {
    await underFault(
      "container-crashes",
      { pod: "multi-container-emptydir" },
      {
        emptyDir: [
          pod("multi-container-emptydir"),
          NODE,
          /container (writer|reader) \(mcr\.microsoft\.com\/windows\/servercore:ltsc20\d\d\): CrashLoopBackOff: back-off \d+s restarting failed container/,
        ],
      },
    );
  });

  it("readiness-never on the win-webserver pods: the Deployment tests time out naming the Unhealthy event", async () => {
    const unready = [
      /^timed out after 15 s waiting for 2 Ready pod\(s\) matching app=win-webserver/,
      /0\/2 ready: win-webserver-\S+ Running on hc-win/,
      /last warning event on pod win-webserver-\S+ \(node hc-win\S+\): Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503/,
    ];
    await underFault("readiness-never", { pod: "win-webserver-*" }, { webserver: unready, rollout: unready });
  });

  it("logs-empty on the win-webserver pods: only the banner check fails, naming pod, node and container", async () => {
    await underFault(
      "logs-empty",
      { pod: "win-webserver-*" },
      {
        webserver: [
          pod("win-webserver-[a-z0-9]+-[a-z0-9]+"),
          NODE,
          /container windowswebserver: its log does not show "Listening at http:\/\/\*:80\/" \(log: ""\)/,
        ],
      },
    );
  });

  it("pod-network-partition: the preStop hook cannot reach its handler, so only the hooks test fails, naming FailedPreStopHook", async () => {
    await underFault(
      "pod-network-partition",
      {},
      {
        hooks: [
          pod("lifecycle-hooks"),
          NODE,
          /container app: the preStop hook never reached handler pod linux-client/,
          /event FailedPreStopHook: PreStopHook failed: command .*curl\.exe .* exited with \d+/,
        ],
      },
    );
  });
});
