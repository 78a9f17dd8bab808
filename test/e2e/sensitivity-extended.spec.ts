// Sensitivity of the extended suite (Extend.RuntimeClass, Extend.RunAsUserName, Extend.ActiveDirectory,
// Extend.HostProcess), through the real CLI (`hybrid-conformance run --suite extended`): on the healthy local
// cluster every test passes (the LoadBalancer test is skipped with its reason: the local cluster has no
// load-balancer controller); under each fault exactly the tests that depend on the broken thing fail — read from
// the run's summary.json — each with a message naming the cause, and everything else still passes.
//
// Faults and why these tests:
// - gmsa-webhook-down: the webhook is registered with failurePolicy Fail for every pod CREATE, so every test that
//   creates a pod (or dry-runs one) fails naming the webhook; the RuntimeClass checks that create no pod pass.
// - gmsa-domain-unreachable: only nltest inside the GMSA pod.
// - username-unknown, scoped to the RunAsUserName fixtures' pods (run-as-username-*): the node knows none of their
//   users, so every RunAsUserName test fails — the refusal tests too, since their pod-level users are unknown.
// - image-pull-fails for '*iis*': the IIS Deployments of Extend.RuntimeClass, and the GMSA nltest test, whose
//   workload is the GMSA docs' IIS Deployment. The GMSA admission tests need no running container and pass.
// - a RuntimeClass selecting a build no node has (given with --runtime-class): its check, and the IIS tests that
//   use it (FailedScheduling); the conflict test still sees the admission plugin's Forbidden.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, localKubeConfig, sensitivityParallel } from "../support/local-cluster.js";
import { FaultSwitch } from "../support/dataplane.js";
import type { Summary, TestOutcome } from "../../lib/results/model.js";

const RC = {
  create: "creates a RuntimeClass per Windows build that selects os, arch and build and tolerates the Windows taint",
  onBuild: "runs IIS through the RuntimeClass on nodes of that build only, with the image tag matching the build",
  clusterIP: "serves the IIS default page through the Service's ClusterIP to a Linux pod",
  lb: "serves the IIS default page on the LoadBalancer Service's external address (skipped where the cluster has no load balancer)",
  conflict: "rejects a pod whose own nodeSelector conflicts with its RuntimeClass (Forbidden)",
};
const USER = {
  default: "runs each container as its image's default user when runAsUserName is not set (servercore: ContainerAdministrator, nanoserver: ContainerUser)",
  pod: "runs every container as the pod-level runAsUserName (ContainerUser, as in the docs; and ContainerAdministrator)",
  override: "lets a container's runAsUserName (ContainerAdministrator) override the pod's (ContainerUser); a container without one keeps the pod's",
  unknown:
    'fails a container whose runAsUserName does not exist on the node ("FooLish"): FailedCreatePodSandBox or StartError, "The user name or password is incorrect."',
  nonRoot: "refuses to start ContainerAdministrator under runAsNonRoot, with the kubelet's message",
};
const AD = {
  fill: "fills the credential spec contents into a pod that names its GMSACredentialSpec",
  unauthorized: "refuses a pod whose service account may not `use` the credential spec, with the webhook's message",
  mismatch: "refuses a pod whose inline credential spec contents do not match the named GMSACredentialSpec",
  update: "refuses a change to an existing pod's GMSA settings (name or contents)",
  nltest: "reaches the domain from inside the pod: nltest /query completes successfully, without ERROR_NO_LOGON_SERVERS or RPC_S_SERVER_UNAVAILABLE",
};
const HP = {
  rules: "enforces the HostProcess rules: pod and container hostProcess agree, all containers HostProcess, hostNetwork true (dry run)",
  pod: "runs a HostProcess pod on the host as NT AUTHORITY\\SYSTEM: hostname is the node's name, and the pod Succeeds (where privileged pods are allowed)",
};
const ALL = [...Object.values(RC), ...Object.values(USER), ...Object.values(AD), ...Object.values(HP)];
const NO_LB = /^no load balancer: Service iis-\S+ \(type LoadBalancer\) got no external IP or hostname within \d+ s/;
const WEBHOOK = /failed calling webhook "admission-webhook\.windows-gmsa\.sigs\.k8s\.io"/;
const USER_UNKNOWN = /The user name or password is incorrect\./;
/** Values of fixtures/gmsa-credspec.yaml that must never reach a report. */
const CREDSPEC_VALUES = ["S-1-5-21-3623811015-3361044348-30300820-1013", "5c4b5c0e-3c56-4c47-9d2e-6f0f3a9d1b21"];

describe("sensitivity: the extended suite under faults", function () {
  this.timeout(420_000);
  const kc = localKubeConfig();
  const faults = new FaultSwitch();
  let dir: string;

  function run(name: string, extra: string[] = []): { code: number; stderr: string; summary?: Summary; reportDir: string } {
    const reportDir = join(dir, name);
    // The four categories this table knows (Extend.NetworkPolicy has its own: sensitivity-network-extra.spec.ts).
    const categories = ["Extend.RuntimeClass", "Extend.RunAsUserName", "Extend.ActiveDirectory", "Extend.HostProcess"].flatMap((c) => ["--category", c]);
    const r = cli(
      ["run", "--local", "--suite", "extended", ...categories, ...sensitivityParallel, "--report-dir", reportDir, ...extra],
      { KUBECONFIG: "" },
      400_000,
    );
    const file = join(reportDir, "summary.json");
    return { code: r.code, stderr: r.stderr, reportDir, summary: existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Summary) : undefined };
  }

  const show = (ts: TestOutcome[]) => ts.map((t) => `${t.category} › ${t.title}: ${t.state} ${t.error ?? t.reason ?? ""}`).join("\n");

  /**
   * Exactly `failing` failed, each with an error matching its patterns; the LoadBalancer test was skipped with its
   * reason; every other test passed; exit code 1.
   */
  function expectFailures(r: ReturnType<typeof run>, failing: Record<string, RegExp[]>): void {
    const s = r.summary;
    expect(s, r.stderr).to.not.equal(undefined);
    expect(s!.tests.map((t) => t.title).sort(), "the whole suite ran").to.deep.equal([...ALL].sort());
    const failed = s!.tests.filter((t) => t.state === "failed");
    expect(failed.map((t) => t.title).sort(), show(failed)).to.deep.equal(Object.keys(failing).sort());
    const others = s!.tests.filter((t) => !(t.title in failing) && t.title !== RC.lb && t.state !== "passed");
    expect(
      others.map((t) => `${t.title}: ${t.state}`),
      show(others),
    ).to.deep.equal([]);
    expectLbSkipped(s!);
    expect(r.code, r.stderr).to.equal(1);
    expect(s!.exitCode).to.equal(1);
    for (const t of failed) for (const p of failing[t.title]) expect(t.error ?? "", t.title).to.match(p);
  }

  function expectLbSkipped(s: Summary): void {
    const lb = s.tests.find((t) => t.title === RC.lb)!;
    expect(lb.state, `${lb.title}: ${lb.error ?? ""}`).to.equal("skipped");
    expect(lb.reason ?? "").to.match(NO_LB);
  }

  /** No file of a report holds a value of the synthetic credential spec. */
  function expectNoCredSpec(reportDir: string): void {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(reportDir);
    expect(files.length).to.be.greaterThan(3);
    const leaks = files.filter((f) => {
      const text = readFileSync(f, "latin1");
      return CREDSPEC_VALUES.some((v) => text.includes(v));
    });
    expect(leaks, "credential spec contents in the report").to.deep.equal([]);
  }

  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-sens-extended-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => faults.clear());

  it("passes every test on the healthy cluster (exit 0); the LoadBalancer test is skipped with its reason", () => {
    const r = run("healthy");
    expect(r.code, r.stderr).to.equal(0);
    const s = r.summary!;
    expect(s.exitCode).to.equal(0);
    expect(s.tests.map((t) => t.title).sort()).to.deep.equal([...ALL].sort());
    const notPassed = s.tests.filter((t) => t.title !== RC.lb && t.state !== "passed");
    expect(
      notPassed.map((t) => t.title),
      show(notPassed),
    ).to.deep.equal([]);
    expectLbSkipped(s);
  });

  it("gmsa-webhook-down: every test that creates a pod fails naming the webhook; the RuntimeClass object checks pass", async () => {
    let r: ReturnType<typeof run>;
    try {
      await faults.add("gmsa-webhook-down");
      r = run("gmsa-webhook-down");
    } finally {
      await faults.clear();
    }
    const creatingPods = [RC.onBuild, RC.clusterIP, ...Object.values(USER), ...Object.values(AD), ...Object.values(HP)];
    expectFailures(r, Object.fromEntries(creatingPods.map((t) => [t, [WEBHOOK]])));
    // Who refused is named: the API server, because it could not call the webhook.
    const unauthorized = r.summary!.tests.find((t) => t.title === AD.unauthorized)!;
    expect(unauthorized.error).to.match(
      /not refused by the GMSA webhook: 500 InternalError from the API server, because it could not call the admission webhook/,
    );
  });

  it("gmsa-domain-unreachable: only nltest fails, with ERROR_NO_LOGON_SERVERS; no credential spec value reaches the report", async () => {
    let r: ReturnType<typeof run>;
    try {
      await faults.add("gmsa-domain-unreachable");
      r = run("gmsa-domain-unreachable");
    } finally {
      await faults.clear();
    }
    expectFailures(r, { [AD.nltest]: [/nltest \/query reports ERROR_NO_LOGON_SERVERS: no domain controller of the credential spec's domain answered/] });
    expectNoCredSpec(r.reportDir);
  });

  it('username-unknown (the RunAsUserName pods): every RunAsUserName test fails with "The user name or password is incorrect."; nothing else', async () => {
    let r: ReturnType<typeof run>;
    try {
      await faults.add("username-unknown", { pod: "run-as-username-*" });
      r = run("username-unknown");
    } finally {
      await faults.clear();
    }
    expectFailures(r, {
      // Seen as the finished pod, or (when the first container's status lands before the phase) as its StartError.
      [USER.default]: [/run-as-username-default/, /StartError/, USER_UNKNOWN],
      [USER.pod]: [/run-as-username-pod-\S+ to be Running: FailedCreatePodSandBox: /, USER_UNKNOWN],
      [USER.override]: [/run-as-username-container-demo to be Running: FailedCreatePodSandBox: /, USER_UNKNOWN],
      [USER.unknown]: [/run-as-username-unknown-container: the node does not know the pod-level user ContainerUser either/, USER_UNKNOWN],
      [USER.nonRoot]: [/run-as-username-nonroot: the node does not know the pod-level user ContainerAdministrator either/, USER_UNKNOWN],
    });
  });

  it("image-pull-fails for '*iis*': the IIS tests and the GMSA nltest test (an IIS workload) fail with ErrImagePull (or ImagePullBackOff) of the IIS image", async () => {
    let r: ReturnType<typeof run>;
    try {
      await faults.add("image-pull-fails", { image: "*iis*" });
      r = run("image-pull-fails-iis");
    } finally {
      await faults.clear();
    }
    // The kubelet reports ErrImagePull, then ImagePullBackOff a moment later: either names the IIS image.
    const pull = [/(ErrImagePull|ImagePullBackOff): .*"mcr\.microsoft\.com\/windows\/servercore\/iis:windowsservercore-ltsc20\d\d"/];
    expectFailures(r, {
      [RC.onBuild]: [/^IIS iis-2022 through RuntimeClass /, ...pull],
      [RC.clusterIP]: pull,
      [AD.nltest]: [/deployment \S+\/with-creds/, ...pull],
    });
  });

  it("a RuntimeClass selecting a build no node has (--runtime-class): its check and the IIS tests fail naming the build", async () => {
    const node = kc.makeApiClient(k8s.NodeV1Api);
    const name = `hc-sens-missing-build-${Date.now().toString(36)}`;
    await node.createRuntimeClass({
      body: {
        apiVersion: "node.k8s.io/v1",
        kind: "RuntimeClass",
        metadata: { name, labels: { "hybrid-conformance.io/owner": "harness-tests" } },
        handler: "runhcs-wcow-process",
        scheduling: {
          nodeSelector: { "kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64", "node.kubernetes.io/windows-build": "10.0.99999" },
          tolerations: [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }],
        },
      },
    });
    let r: ReturnType<typeof run>;
    try {
      r = run("runtimeclass-missing-build", ["--runtime-class", name]);
    } finally {
      await node.deleteRuntimeClass({ name }).catch(() => undefined);
    }
    const unschedulable = [
      new RegExp(`through RuntimeClass ${name} \\(node\\.kubernetes\\.io/windows-build=10\\.0\\.99999\\)`),
      /cannot be scheduled \(FailedScheduling\): 0\/\d+ nodes are available: .*didn't match Pod's node affinity\/selector/,
    ];
    expectFailures(r, {
      [RC.create]: [
        new RegExp(
          `RuntimeClass ${name} selects node\\.kubernetes\\.io/windows-build=10\\.0\\.99999, which no Ready Windows node has \\(Ready Windows builds: 10\\.0\\.20348, 10\\.0\\.26100\\)`,
        ),
      ],
      [RC.onBuild]: unschedulable,
      [RC.clusterIP]: unschedulable,
    });
  });
});
