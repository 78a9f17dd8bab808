// Workload checks: container environment and files, Secret comparison that never reveals the value, pod status
// fields against the node, resource requirements, rollouts — over objects shaped as v1.36.3 returns them.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import {
  addressProblems,
  conditionProblems,
  containerIdentityProblems,
  downwardResourceValue,
  echoCalls,
  envProblems,
  expectedQosClass,
  fileProblems,
  ipInCidr,
  listing,
  parseSet,
  podStatusProblems,
  qosProblems,
  resourceProblems,
  rolloutDone,
  rolloutProblems,
  secretProblems,
  startTimeProblems,
} from "../../../lib/checks/workloads.js";
import { node } from "../fixtures/support.js";

const ID = "containerd://" + "a".repeat(64);
const IMAGE_ID = "mcr.microsoft.com/windows/servercore@sha256:" + "b".repeat(64);

function readyPod(over: Partial<k8s.V1PodStatus> = {}, spec: Partial<k8s.V1PodSpec> = {}): k8s.V1Pod {
  const t = new Date("2026-11-28T10:00:00Z");
  return {
    metadata: { name: "w", namespace: "ns", creationTimestamp: t },
    spec: { nodeName: "hc-win2022-1", containers: [{ name: "c", image: "mcr.microsoft.com/windows/servercore:ltsc2022" }], ...spec },
    status: {
      phase: "Running",
      podIP: "10.244.3.2",
      podIPs: [{ ip: "10.244.3.2" }],
      hostIP: "127.164.1.4",
      startTime: t,
      qosClass: "BestEffort",
      conditions: ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({ type, status: "True" })),
      containerStatuses: [
        {
          name: "c",
          image: "mcr.microsoft.com/windows/servercore:ltsc2022",
          imageID: IMAGE_ID,
          containerID: ID,
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: t } },
        },
      ],
      ...over,
    },
  };
}
const addressing = { name: "hc-win2022-1", internalIPs: ["127.164.1.4"], podCIDRs: ["10.244.3.0/24"] };

describe("checks/workloads", () => {
  it("parses `set` output and directory listings (CRLF tolerated)", () => {
    expect(parseSet("GREETING=hello-from-configmap\r\nCFG_LOG_LEVEL=debug\r\nEMPTY=\r\nA=b=c\r\n")).to.deep.equal({
      GREETING: "hello-from-configmap",
      CFG_LOG_LEVEL: "debug",
      EMPTY: "",
      A: "b=c",
    });
    expect(listing("GREETING\r\nLOG_LEVEL\r\n\r\napp.ini\r\n")).to.deep.equal(["GREETING", "LOG_LEVEL", "app.ini"]);
  });

  it("envProblems: by value, names case-insensitively as Windows does", () => {
    expect(envProblems("pod ns/w container app", { GREETING: "hi" }, { greeting: "hi" })).to.deep.equal([]);
    expect(envProblems("pod ns/w container app", { GREETING: "hi", X: "1" }, { GREETING: "ho" })).to.deep.equal([
      'pod ns/w container app: environment variable GREETING is "ho", want "hi"',
      'pod ns/w container app: environment variable X is not set (want "1")',
    ]);
  });

  it("secretProblems never prints either value, nor a hash of it", () => {
    const secret = "not-a-real-password";
    expect(secretProblems("pod ns/w container app", "APP_PASSWORD", "key password of Secret win-secret", secret, secret)).to.deep.equal([]);
    const [p] = secretProblems("pod ns/w container app", "APP_PASSWORD", "key password of Secret win-secret", secret, "something-else");
    expect(p).to.equal("pod ns/w container app: APP_PASSWORD does not match key password of Secret win-secret (14 characters, want 19; values not shown)");
    expect(p).not.to.contain(secret);
    expect(p).not.to.contain("something-else");
    expect(secretProblems("w", "APP_PASSWORD", "s", secret, `${secret}\r\n`)).to.deep.equal([
      "w: APP_PASSWORD differs from s only in surrounding whitespace (e.g. a trailing newline)",
    ]);
    expect(secretProblems("w", "file C:\\secret\\password", "s", secret, undefined)).to.deep.equal(["w: file C:\\secret\\password is missing (should hold s)"]);
  });

  it("fileProblems: CRLF and one trailing newline are not differences", () => {
    expect(fileProblems("w", "C:\\f", "a\nb\n", "a\r\nb\r\n")).to.deep.equal([]);
    expect(fileProblems("w", "C:\\f", "token", "token\r\n")).to.deep.equal([]);
    expect(fileProblems("w", "C:\\f", "token", "other\r\n")).to.deep.equal(['w: C:\\f holds "other", want "token"']);
    expect(fileProblems("w", "C:\\f", "token", undefined)).to.deep.equal(["w: C:\\f cannot be read"]);
  });

  it("ipInCidr: IPv4 and IPv6, never across families", () => {
    expect(ipInCidr("10.244.3.2", "10.244.3.0/24")).to.equal(true);
    expect(ipInCidr("10.244.4.2", "10.244.3.0/24")).to.equal(false);
    expect(ipInCidr("10.1.2.3", "0.0.0.0/0")).to.equal(true);
    expect(ipInCidr("fd00:10:244:3::5", "fd00:10:244:3::/64")).to.equal(true);
    expect(ipInCidr("fd00:10:244:4::5", "fd00:10:244:3::/64")).to.equal(false);
    expect(ipInCidr("10.244.3.2", "fd00::/8")).to.equal(false);
    expect(ipInCidr("nonsense", "10.0.0.0/8")).to.equal(false);
  });

  it("expectedQosClass follows Kubernetes' rule", () => {
    const c = (resources?: k8s.V1ResourceRequirements): k8s.V1PodSpec => ({ containers: [{ name: "c", resources }] });
    expect(expectedQosClass(c())).to.equal("BestEffort");
    expect(expectedQosClass(c({ requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } }))).to.equal("Burstable");
    expect(expectedQosClass(c({ limits: { cpu: "500m", memory: "512Mi" } }))).to.equal("Guaranteed");
    expect(expectedQosClass(c({ requests: { cpu: "0.5", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } }))).to.equal("Guaranteed");
    expect(expectedQosClass(c({ requests: { "ephemeral-storage": "1Gi" } }))).to.equal("BestEffort");
  });

  it("podStatusProblems: a healthy Windows pod has none", () => {
    expect(podStatusProblems(readyPod(), addressing)).to.deep.equal([]);
    // No podCIDR on the node (Azure CNI, Calico IPAM): the address is not checked against it.
    expect(addressProblems(readyPod({ podIP: "10.9.9.9", podIPs: [{ ip: "10.9.9.9" }] }), { ...addressing, podCIDRs: [] })).to.deep.equal([]);
  });

  it("podStatusProblems: each wrong field is one line naming pod and node", () => {
    expect(addressProblems(readyPod({ podIP: "10.244.4.9", podIPs: [{ ip: "10.244.4.9" }], hostIP: "127.164.1.5" }), addressing)).to.deep.equal([
      "pod ns/w on node hc-win2022-1: pod IP(s) 10.244.4.9 outside the node's podCIDR(s) 10.244.3.0/24",
      "pod ns/w on node hc-win2022-1: status.hostIP 127.164.1.5 is not the node's InternalIP (127.164.1.4)",
    ]);
    expect(addressProblems(readyPod({ podIP: undefined, podIPs: undefined, hostIP: undefined }), addressing)).to.deep.equal([
      "pod ns/w on node hc-win2022-1: status.podIP is empty",
      "pod ns/w on node hc-win2022-1: status.hostIP is empty",
    ]);
    const bad = readyPod();
    bad.status!.containerStatuses![0] = {
      ...bad.status!.containerStatuses![0],
      containerID: "docker://short",
      imageID: "mcr.microsoft.com/windows/nanoserver@sha256:" + "c".repeat(64),
    };
    expect(containerIdentityProblems(bad)).to.deep.equal([
      'pod ns/w on node hc-win2022-1: container c has containerID "docker://short", want <runtime>://<64 hex digits>',
      "pod ns/w on node hc-win2022-1: container c runs image mcr.microsoft.com/windows/servercore:ltsc2022 but its imageID names mcr.microsoft.com/windows/nanoserver",
    ]);
    expect(containerIdentityProblems(readyPod({ containerStatuses: [] }))).to.deep.equal(["pod ns/w on node hc-win2022-1: no status for container c"]);
    expect(startTimeProblems(readyPod({ startTime: undefined }))).to.deep.equal(["pod ns/w on node hc-win2022-1: status.startTime is not set"]);
    expect(startTimeProblems(readyPod({ startTime: new Date("2026-11-28T09:59:00Z") }))[0]).to.match(/is before the pod was created/);
    expect(qosProblems(readyPod({ qosClass: "Guaranteed" }))).to.deep.equal([
      "pod ns/w on node hc-win2022-1: status.qosClass is Guaranteed, want BestEffort for its requests/limits",
    ]);
    const notReady = readyPod({
      conditions: [
        { type: "PodScheduled", status: "True" },
        { type: "Ready", status: "False", reason: "ContainersNotReady", message: "containers with unready status: [c]" },
      ],
    });
    expect(conditionProblems(notReady)).to.deep.equal([
      "pod ns/w on node hc-win2022-1: condition Initialized is missing",
      "pod ns/w on node hc-win2022-1: condition ContainersReady is missing",
      "pod ns/w on node hc-win2022-1: condition Ready is False (ContainersNotReady: containers with unready status: [c])",
    ]);
  });

  it("resourceProblems and downwardResourceValue", () => {
    const want = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } };
    const p = readyPod(
      {},
      { containers: [{ name: "app", resources: { requests: { cpu: "0.25", memory: "268435456" }, limits: { cpu: "500m", memory: "512Mi" } } }] },
    );
    expect(resourceProblems(p, "app", want)).to.deep.equal([]);
    const q = readyPod({}, { containers: [{ name: "app", resources: { limits: { cpu: "1" } } }] });
    expect(resourceProblems(q, "app", want)).to.deep.equal([
      "pod ns/w container app: requests.cpu is (unset), want 250m",
      "pod ns/w container app: requests.memory is (unset), want 256Mi",
      "pod ns/w container app: limits.cpu is 1, want 500m",
      "pod ns/w container app: limits.memory is (unset), want 512Mi",
    ]);
    expect(resourceProblems(q, "nope", want)).to.deep.equal(["pod ns/w container nope: no such container"]);
    expect(downwardResourceValue(want, "limits.cpu")).to.equal("1");
    expect(downwardResourceValue(want, "requests.cpu")).to.equal("1");
    expect(downwardResourceValue({ limits: { cpu: "2" } }, "limits.cpu")).to.equal("2");
    expect(downwardResourceValue(want, "limits.memory")).to.equal("536870912");
    expect(downwardResourceValue(want, "requests.memory")).to.equal("268435456");
    expect(downwardResourceValue({}, "limits.memory")).to.equal(undefined);
  });

  it("rolloutDone / rolloutProblems: new template, Ready, on the build, no old pod left", () => {
    const win = [node("hc-win2022-1", "windows", "10.0.20348"), node("hc-win2025-1", "windows", "10.0.26100")];
    const mk = (name: string, value: string | undefined, ready = true, nodeName = "hc-win2022-1", deleting = false): k8s.V1Pod => ({
      metadata: { name, namespace: "ns", ...(deleting ? { deletionTimestamp: new Date() } : {}) },
      spec: { nodeName, containers: [{ name: "web", env: value ? [{ name: "REV", value }] : [] }] },
      status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
    });
    const x = { replicas: 2, oldPods: ["old-1", "old-2"], container: "web", env: { name: "REV", value: "2" } };
    expect(rolloutDone([mk("new-1", "2"), mk("new-2", "2")], x)).to.equal(true);
    expect(rolloutDone([mk("new-1", "2"), mk("new-2", "2"), mk("old-1", undefined, false, "hc-win2022-1", true)], x)).to.equal(false);
    expect(rolloutDone([mk("new-1", "2"), mk("new-2", "2", false)], x)).to.equal(false);
    expect(rolloutDone([mk("new-1", "2")], x)).to.equal(false);
    expect(rolloutProblems([mk("new-1", "2"), mk("new-2", "2")], { ...x, nodes: win, build: "10.0.20348" })).to.deep.equal([]);
    expect(rolloutProblems([mk("old-1", undefined), mk("new-2", "2", false, "hc-win2025-1")], { ...x, nodes: win, build: "10.0.20348" })).to.deep.equal([
      "pod ns/old-1 on node hc-win2022-1 is from before the update and still exists",
      "pod ns/old-1 on node hc-win2022-1 runs the old template (REV=(unset), want 2)",
      "pod ns/new-2 on node hc-win2025-1 is not Ready",
      "pod ns/new-2 on node hc-win2025-1: node hc-win2025-1 has build 10.0.26100, want 10.0.20348",
    ]);
  });

  it("echoCalls counts agnhost netexec's log lines for one message", () => {
    const log =
      "2026/11/28 10:21:43 Started HTTP server on port 8080\n2026/11/28 10:21:50 GET /echo?msg=prestop-ab12&code=\n2026/11/28 10:21:50 GET /echo?msg=prestop-ab123&code=\n";
    expect(echoCalls(log, "prestop-ab12")).to.equal(1);
    expect(echoCalls(log, "prestop-ab1")).to.equal(0);
    expect(echoCalls("", "x")).to.equal(0);
  });
});
