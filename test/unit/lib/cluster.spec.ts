// The harness library's pure parts: exit codes from exec statuses, which API errors are retried,
// kubeconfig selection and its errors, taint diagnosis, stuck-pod detection, redaction.
import { expect } from "chai";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as k8s from "@kubernetes/client-node";
import { NO_STATUS, exitCodeOf } from "../../../lib/cluster/exec.js";
import { isTransient, withRetry } from "../../../lib/cluster/api.js";
import { kubeconfigFiles, loadKubeConfig } from "../../../lib/cluster/kubeconfig.js";
import { tolerates, untoleratedTaints } from "../../../lib/cluster/diagnose.js";
import { podTrouble } from "../../../lib/cluster/waits.js";
import { redactObject, redactText, REDACTED } from "../../../lib/report/redact.js";
import { junitXml } from "../../../lib/report/junit.js";
import { describePod } from "../../../lib/report/describe.js";

describe("lib/cluster", () => {
  describe("exitCodeOf", () => {
    it("reads a real kubelet's NonZeroExitCode cause, kwok's 'exit status N', and success", () => {
      expect(exitCodeOf({ status: "Success" })).to.deep.equal({ exitCode: 0 });
      expect(exitCodeOf({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "7" }] } })).to.deep.equal({
        exitCode: 7,
      });
      expect(exitCodeOf({ status: "Failure", message: "error executing command in container: cmd wait: curl : exit status 28" })).to.deep.equal({
        exitCode: 28,
      });
      expect(exitCodeOf({ status: "Failure", message: "container not found" })).to.deep.equal({ exitCode: -1, error: "container not found" });
    });
    it("an exec stream that closed without a status is an error, not exit 0 (issue 14 item 6)", () => {
      expect(exitCodeOf(undefined)).to.deep.equal({ exitCode: -1, error: "the exec stream closed without a status: exit code unknown" });
      expect(exitCodeOf(NO_STATUS)).to.deep.equal({ exitCode: -1, error: "the exec stream closed without a status: exit code unknown" });
    });
  });

  describe("retries", () => {
    it("treats 429, 5xx and connection resets as transient, 4xx as final", () => {
      expect(isTransient({ code: 429 })).to.equal(true);
      expect(isTransient({ code: 503 })).to.equal(true);
      expect(isTransient({ code: "ECONNRESET" })).to.equal(true);
      expect(isTransient({ message: "x", cause: { code: "ECONNREFUSED" } })).to.equal(true);
      expect(isTransient({ code: 422 })).to.equal(false);
      expect(isTransient({ code: 404 })).to.equal(false);
    });
    it("retries a transient failure until it succeeds, and never retries a rejection", async () => {
      let n = 0;
      expect(await withRetry("x", async () => (++n < 3 ? Promise.reject(Object.assign(new Error("unavailable"), { code: 503 })) : "ok"))).to.equal("ok");
      expect(n).to.equal(3);
      let m = 0;
      const err = await withRetry("y", async () => {
        m++;
        throw Object.assign(new Error("Forbidden"), { code: 422 });
      }).catch((e) => e);
      expect(m).to.equal(1);
      expect(err.code).to.equal(422);
    });
  });

  describe("kubeconfig", () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), "hc-kc-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const good =
      "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}, {name: b, context: {cluster: c, user: u}}]\ncurrent-context: a\n";

    it("prefers --kubeconfig, then $KUBECONFIG, and finds none without either (→ the local cluster)", () => {
      expect(kubeconfigFiles({ kubeconfig: "/x" }, { KUBECONFIG: "/y" })).to.deep.equal(["/x"]);
      expect(kubeconfigFiles({}, { KUBECONFIG: "/y:/z" })).to.deep.equal(["/y", "/z"]);
    });
    it("selects a context and names the available ones when it is missing", () => {
      const f = write("good", good);
      expect(loadKubeConfig([f], "b").getCurrentContext()).to.equal("b");
      expect(() => loadKubeConfig([f], "prod")).to.throw(/context "prod" is not in kubeconfig .* \(available: a, b\)/);
    });
    it("names a missing file, a file that is not YAML, and one that is not a kubeconfig", () => {
      expect(() => loadKubeConfig([join(dir, "nope")])).to.throw(/no such file/);
      expect(() => loadKubeConfig([write("bad", "clusters: [\n")])).to.throw(/is not valid YAML/);
      expect(() => loadKubeConfig([write("other", "hello: world\n")])).to.throw(/has no clusters or contexts/);
    });
  });

  describe("taint diagnosis", () => {
    const node = (name: string, os: string, taints: k8s.V1Taint[]): k8s.V1Node => ({
      metadata: { name, labels: { "kubernetes.io/os": os } },
      spec: { taints },
    });
    const nodes = [
      node("w1", "windows", [{ key: "os", value: "windows", effect: "NoSchedule" }]),
      node("l1", "linux", []),
      node("cp", "linux", [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]),
    ];
    it("matches tolerations as the scheduler does (Exists, Equal, empty effect)", () => {
      const t = { key: "os", value: "windows", effect: "NoSchedule" };
      expect(tolerates([{ key: "os", operator: "Exists" }], t)).to.equal(true);
      expect(tolerates([{ key: "os", value: "windows" }], t)).to.equal(true);
      expect(tolerates([{ key: "os", value: "linux" }], t)).to.equal(false);
      expect(tolerates([{ operator: "Exists" }], t)).to.equal(true);
      expect(tolerates([{ key: "os", value: "windows", effect: "NoExecute" }], t)).to.equal(false);
    });
    it("names the taints on the nodes the pod's selector allows", () => {
      const pod: k8s.V1Pod = { spec: { containers: [], nodeSelector: { "kubernetes.io/os": "windows" } } };
      expect(untoleratedTaints(pod, nodes)).to.deep.equal(["os=windows:NoSchedule on w1"]);
      expect(untoleratedTaints({ spec: { containers: [], tolerations: [{ key: "os", operator: "Exists" }] } }, nodes)).to.deep.equal([
        "node-role.kubernetes.io/control-plane:NoSchedule on cp",
      ]);
    });
  });

  describe("podTrouble", () => {
    const pod = (status: k8s.V1PodStatus): k8s.V1Pod => ({ metadata: { namespace: "ns", name: "p" }, spec: { nodeName: "w1", containers: [] }, status });
    it("names pod, node, container, image and reason for terminal states; nothing for a healthy start", () => {
      expect(
        podTrouble(
          pod({
            phase: "Pending",
            containerStatuses: [
              { name: "c", image: "img", ready: false, restartCount: 0, imageID: "", state: { waiting: { reason: "ErrImagePull", message: "403" } } },
            ],
          }),
        ),
      ).to.equal("pod ns/p on node w1, container c (img): ErrImagePull: 403");
      expect(podTrouble(pod({ phase: "Failed", reason: "PodOSNotSupported", message: "Pod was rejected" }))).to.equal(
        "pod ns/p on node w1 failed: PodOSNotSupported: Pod was rejected",
      );
      expect(podTrouble(pod({ phase: "Failed", reason: "PodOSNotSupported" }), { allowReasons: ["PodOSNotSupported"] })).to.equal(undefined);
      expect(
        podTrouble(
          pod({
            phase: "Pending",
            containerStatuses: [{ name: "c", image: "img", ready: false, restartCount: 0, imageID: "", state: { waiting: { reason: "ContainerCreating" } } }],
          }),
        ),
      ).to.equal(undefined);
    });
  });
});

describe("lib/report", () => {
  it("redacts Secret data, tokens, kubeconfig credentials and credspecs, keeping names", () => {
    const out = redactObject({
      kind: "List",
      items: [
        { kind: "Secret", metadata: { name: "s" }, data: { password: "c2VjcmV0" }, stringData: { token: "abc" } },
        { kind: "Config", users: [{ name: "u", user: { token: "t0k3n", "client-key-data": "KEY" } }] },
        { kind: "Pod", spec: { securityContext: { windowsOptions: { gmsaCredentialSpec: '{"Sid":"S-1"}', gmsaCredentialSpecName: "webapp1" } } } },
      ],
    });
    const text = JSON.stringify(out);
    for (const secret of ["c2VjcmV0", "abc", "t0k3n", "KEY", "S-1"]) expect(text).not.to.contain(secret);
    expect(text).to.contain('"password":"<redacted>"').and.contain("webapp1");
    expect(redactText("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4eHgifQ.c2lnbmF0dXJlc2ln")).to.equal(`Authorization: Bearer ${REDACTED}`);
  });

  it("writes JUnit whose counts match the outcomes, escaping what XML cannot hold", () => {
    const xml = junitXml([
      { category: "Core.A", title: "ok <1>", fullTitle: "Core.A › ok <1>", file: "f", state: "passed", durationMs: 10, attempts: 1 },
      { category: "Core.A", title: "bad", fullTitle: "Core.A › bad", file: "f", state: "failed", durationMs: 5, attempts: 1, error: 'pod "x" & node' },
      { category: "Core.B", title: "skip", fullTitle: "Core.B › skip", file: "f", state: "skipped", durationMs: 0, attempts: 1 },
    ]);
    expect(xml).to.match(/<testsuites name="hybrid-conformance" tests="3" failures="1" errors="0" skipped="1"/);
    expect(xml).to.contain('name="ok &lt;1&gt;"').and.contain('message="pod &quot;x&quot; &amp; node"');
    expect((xml.match(/<testsuite /g) ?? []).length).to.equal(2);
  });

  it("writes a flaky test as passed with a <flakyFailure> per failed attempt, and earlier attempts of a failed one as <rerunFailure>", () => {
    const xml = junitXml([
      {
        category: "Core.A",
        title: "flaky",
        fullTitle: "Core.A › flaky",
        file: "f",
        state: "flaky",
        durationMs: 10,
        attempts: 2,
        failedAttempts: ["ErrImagePull on node w1"],
      },
      {
        category: "Core.A",
        title: "bad",
        fullTitle: "Core.A › bad",
        file: "f",
        state: "failed",
        durationMs: 5,
        attempts: 2,
        error: "second",
        failedAttempts: ["first"],
      },
      { category: "Core.A", title: "lb", fullTitle: "Core.A › lb", file: "f", state: "skipped", durationMs: 0, attempts: 1, reason: "no load balancer" },
    ]);
    expect(xml).to.match(/<testsuites [^>]*tests="3" failures="1" errors="0" skipped="1"/);
    expect(xml).to.match(/name="flaky"[^>]*>\s*<flakyFailure message="ErrImagePull on node w1"\/>\s*<\/testcase>/);
    expect(xml).to.match(/name="bad"[^>]*>\s*<failure message="second"\/>\s*<rerunFailure message="first"\/>\s*<\/testcase>/);
    expect(xml).to.contain('<skipped message="no load balancer"/>');
  });

  it("describes a pod as kubectl would: node, states and last states, conditions, its own events; env values never shown", () => {
    const pod = {
      metadata: { name: "web-1", namespace: "hc-x" },
      spec: {
        nodeName: "hc-win2022-1",
        os: { name: "windows" },
        nodeSelector: { "kubernetes.io/os": "windows" },
        tolerations: [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }],
        containers: [
          {
            name: "web",
            image: "mcr.microsoft.com/windows/servercore:ltsc2022",
            env: [
              { name: "PASSWORD", value: "hunter2" },
              { name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "token" } } },
            ],
            livenessProbe: { httpGet: { path: "/healthz", port: 80 }, periodSeconds: 2 },
          },
        ],
      },
      status: {
        phase: "Running",
        hostIP: "10.0.0.4",
        podIP: "10.244.3.2",
        conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady", message: "containers with unready status: [web]" }],
        containerStatuses: [
          {
            name: "web",
            image: "x",
            imageID: "",
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container" } },
            lastState: { terminated: { exitCode: 1, reason: "Error", startedAt: new Date(0), finishedAt: new Date(1000) } },
          },
        ],
      },
    } as unknown as k8s.V1Pod;
    const events = [
      {
        involvedObject: { kind: "Pod", name: "web-1" },
        type: "Warning",
        reason: "BackOff",
        count: 4,
        source: { component: "kubelet", host: "hc-win2022-1" },
        message: "Back-off restarting failed container web",
      },
      { involvedObject: { kind: "Pod", name: "other" }, type: "Normal", reason: "Pulled", message: "not this pod" },
    ] as unknown as k8s.CoreV1Event[];
    const text = describePod(pod, events);
    expect(text).to.match(/^Node: +hc-win2022-1\/10\.0\.0\.4$/m);
    expect(text).to.match(/^Tolerations: +os=windows:NoSchedule$/m);
    expect(text).to.match(/^ {4}State: +Waiting: CrashLoopBackOff — back-off 40s/m);
    expect(text).to.match(/^ {4}Last state: +Terminated: Error \(exit code 1\)/m);
    expect(text).to.match(/^ {4}Restart count: +3$/m);
    expect(text).to.match(/^ {4}Liveness: +http-get HTTP:\/\/:80\/healthz .*period=2s/m);
    expect(text).to.match(/^ {2}Ready +False  ContainersNotReady: containers with unready status: \[web\]$/m);
    expect(text).to.match(/^ {2}Warning  BackOff \(x4\)  kubelet@hc-win2022-1: Back-off restarting failed container web$/m);
    expect(text).not.to.contain("not this pod");
    expect(text).to.contain("PASSWORD (set in the manifest); TOKEN from Secret s/token").and.not.contain("hunter2");
    expect(describePod({ metadata: { name: "p" }, spec: { containers: [] } } as unknown as k8s.V1Pod, [])).to.match(/^Node: +<none> \(not scheduled\)$/m);
  });
});
