// The local cluster's control plane is the real thing: upstream validation, scheduling, controllers and
// NodePort allocation, observed through @kubernetes/client-node against the running cluster.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { useNamespace, windowsTolerations } from "../support/local-cluster.js";
import { waits } from "../../lib/cluster/waits.js";
import { execInPod } from "../../lib/cluster/exec.js";

const timeoutMs = 60_000;

function winPod(name: string, extra: Partial<k8s.V1PodSpec> = {}): k8s.V1Pod {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      os: { name: "windows" },
      nodeSelector: { "kubernetes.io/os": "windows" },
      tolerations: windowsTolerations,
      containers: [{ name: "main", image: "mcr.microsoft.com/windows/servercore:ltsc2022", command: ["ping", "-t", "localhost"] }],
      ...extra,
    },
  };
}

describe("local cluster: a real control plane with simulated nodes", function () {
  this.timeout(120_000);
  const { kc, ns } = useNamespace("hc-lc");
  const core = () => kc.makeApiClient(k8s.CoreV1Api);

  it("runs Kubernetes v1.36.3 built from the module proxy", async () => {
    const v = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(v.gitVersion).to.equal("v1.36.3");
  });

  it("registers the default hybrid topology with real-looking Windows nodes", async () => {
    const nodes = (await core().listNode()).items;
    const byName = Object.fromEntries(nodes.map((n) => [n.metadata!.name!, n]));
    expect(Object.keys(byName)).to.have.members(["hc-control-plane", "hc-linux-1", "hc-linux-2", "hc-win2022-1", "hc-win2022-2", "hc-win2025-1"]);
    const cp = byName["hc-control-plane"];
    expect(cp.metadata!.labels).to.include({ "kubernetes.io/os": "linux" }).and.have.property("node-role.kubernetes.io/control-plane");
    expect(cp.spec!.taints).to.deep.include({ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" });
    for (const [name, build, image] of [
      ["hc-win2022-1", "10.0.20348", "Windows Server 2022 Datacenter"],
      ["hc-win2025-1", "10.0.26100", "Windows Server 2025 Datacenter"],
    ]) {
      const n = byName[name];
      expect(n.metadata!.labels).to.include({ "kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64", "node.kubernetes.io/windows-build": build });
      expect(n.spec!.taints).to.deep.include({ key: "os", value: "windows", effect: "NoSchedule" });
      expect(n.status!.nodeInfo).to.include({ operatingSystem: "windows", osImage: image, kubeletVersion: "v1.36.3" });
      expect(n.status!.nodeInfo!.kernelVersion).to.match(new RegExp(`^${build.replace(/\./g, "\\.")}\\.\\d+$`));
      expect(n.status!.nodeInfo!.containerRuntimeVersion).to.match(/^containerd:\/\/\d+\.\d+\.\d+$/);
      expect(n.status!.allocatable).to.have.keys("cpu", "memory", "pods", "ephemeral-storage");
      expect(n.spec!.podCIDR).to.match(/^10\.244\.\d+\.0\/24$/);
      expect(n.status!.conditions!.find((c) => c.type === "Ready")!.status).to.equal("True");
    }
  });

  it("rejects spec.os.name=windows with securityContext.runAsUser as Forbidden on that field", async () => {
    const pod = winPod("bad-runasuser", { securityContext: { runAsUser: 1000 } });
    const err = await core()
      .createNamespacedPod({ namespace: ns(), body: pod })
      .then(
        () => undefined,
        (e) => e,
      );
    expect(err, "the API server accepted the pod").to.exist;
    expect(err.code).to.equal(422);
    const status = JSON.parse(err.body) as k8s.V1Status;
    expect(status.details!.causes).to.deep.include({
      reason: "FieldValueForbidden",
      message: "Forbidden: cannot be set for a windows pod",
      field: "spec.securityContext.runAsUser",
    });
  });

  it("schedules a Windows pod with selector and toleration onto a Windows node, through Scheduled→Pulling→Pulled→Created→Started", async () => {
    // imagePullPolicy Always: other tests on this cluster may already have pulled the image onto that node, and an
    // IfNotPresent pull of a cached image goes straight to "Pulled: already present" without a Pulling event.
    const pod = winPod("win");
    pod.spec!.containers[0].imagePullPolicy = "Always";
    await core().createNamespacedPod({ namespace: ns(), body: pod });
    const p = await waits.podReady(kc, ns(), "win", { timeoutMs });
    const node = await core().readNode({ name: p.spec!.nodeName! });
    expect(node.metadata!.labels!["kubernetes.io/os"]).to.equal("windows");
    expect(p.status!.podIP).to.match(/^10\.244\.\d+\.\d+$/);
    expect(p.status!.containerStatuses![0].containerID).to.match(/^containerd:\/\/[0-9a-f]{64}$/);
    const reasons = (await core().listNamespacedEvent({ namespace: ns(), fieldSelector: "involvedObject.name=win" })).items
      // One etcd: resourceVersions order the events as they were written.
      .sort((a, b) => Number(a.metadata!.resourceVersion) - Number(b.metadata!.resourceVersion))
      .map((e) => e.reason);
    expect(reasons).to.include.members(["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
    expect(reasons.indexOf("Pulling")).to.be.lessThan(reasons.indexOf("Started"));
  });

  it("leaves a Windows pod without the toleration Pending, with FailedScheduling and the taint named", async () => {
    await core().createNamespacedPod({ namespace: ns(), body: winPod("no-toleration", { tolerations: [] }) });
    const { message, explained } = await waits.podUnschedulable(kc, ns(), "no-toleration", { timeoutMs });
    // The 1.36 scheduler no longer names the taint ("had untolerated taint(s)"); the harness names it.
    expect(message).to.match(/node\(s\) had untolerated taint/);
    expect(explained).to.contain("os=windows:NoSchedule on hc-win2022-1, hc-win2022-2, hc-win2025-1");
    const ev = await waits.event(kc, ns(), "no-toleration", "FailedScheduling", timeoutMs);
    expect(ev.message).to.contain("untolerated taint");
  });

  it("fails a windows-OS pod bound to a Linux node with PodOSNotSupported, as the kubelet does", async () => {
    await core().createNamespacedPod({ namespace: ns(), body: winPod("wrong-os", { nodeSelector: undefined, tolerations: [], nodeName: "hc-linux-1" }) });
    const p = await waits.podFinished(kc, ns(), "wrong-os", { timeoutMs, allowReasons: ["PodOSNotSupported"] });
    expect(p.status!.phase).to.equal("Failed");
    expect(p.status!.reason).to.equal("PodOSNotSupported");
    const ev = await waits.event(kc, ns(), "wrong-os", "PodOSNotSupported", timeoutMs);
    expect(ev.source!.host).to.equal("hc-linux-1");
  });

  it("runs a 2-replica Windows Deployment behind a NodePort Service with an EndpointSlice of the pods' IPs", async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const labels = { app: "web" };
    await apps.createNamespacedDeployment({
      namespace: ns(),
      body: { metadata: { name: "web" }, spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: winPod("x").spec } } },
    });
    const svc = await core().createNamespacedService({
      namespace: ns(),
      body: { metadata: { name: "web" }, spec: { type: "NodePort", selector: labels, ports: [{ port: 80, targetPort: 80 }] } },
    });
    expect(svc.spec!.ports![0].nodePort).to.be.within(30000, 32767);
    await waits.deploymentAvailable(kc, ns(), "web", { timeoutMs });
    const pods = (await core().listNamespacedPod({ namespace: ns(), labelSelector: "app=web" })).items;
    expect(pods).to.have.length(2);
    for (const p of pods) expect((await core().readNode({ name: p.spec!.nodeName! })).metadata!.labels!["kubernetes.io/os"]).to.equal("windows");
    const ips = pods.map((p) => p.status!.podIP!);
    const ready = await waits.endpointsReady(kc, ns(), "web", (r) => r.length === 2, "both pods", timeoutMs);
    expect(ready).to.have.members(ips);
  });

  it("gives the cluster a kube-dns Service with a ClusterIP, as pods' DNS server", async () => {
    const s = await core().readNamespacedService({ name: "kube-dns", namespace: "kube-system" });
    expect(s.spec!.clusterIP).to.equal("10.96.0.10");
    expect(s.spec!.ports!.map((p) => `${p.port}/${p.protocol}`)).to.include.members(["53/UDP", "53/TCP"]);
  });

  it("installs the GMSACredentialSpec CRD and registers the GMSA webhooks by URL on loopback", async () => {
    const crd = await kc.makeApiClient(k8s.ApiextensionsV1Api).readCustomResourceDefinition({ name: "gmsacredentialspecs.windows.k8s.io" });
    expect(crd.spec.scope).to.equal("Cluster");
    const adm = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
    const m = (await adm.listMutatingWebhookConfiguration()).items.flatMap((c) => c.webhooks ?? []);
    const v = (await adm.listValidatingWebhookConfiguration()).items.flatMap((c) => c.webhooks ?? []);
    for (const w of [m, v])
      expect(w.find((x) => x.name === "admission-webhook.windows-gmsa.sigs.k8s.io")!.clientConfig.url).to.match(/^https:\/\/127\.0\.0\.1:\d+\//);
  });

  it("routes pod logs and exec requests through the API to the node simulator", async () => {
    await core().createNamespacedPod({
      namespace: ns(),
      body: {
        metadata: { name: "lin" },
        spec: {
          os: { name: "linux" },
          nodeSelector: { "kubernetes.io/os": "linux" },
          containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "echo hello-from-busybox; sleep 3600"] }],
        },
      },
    });
    await waits.podReady(kc, ns(), "lin", { timeoutMs });
    const out = await execInPod(kc, { namespace: ns(), pod: "lin", container: "c" }, ["sh", "-c", "echo $HOSTNAME; exit 3"]);
    expect(out.stdout.trim()).to.equal("lin");
    expect(out.exitCode).to.equal(3);
    const logs = await core().readNamespacedPodLog({ name: "lin", namespace: ns(), container: "c" });
    expect(logs).to.contain("hello-from-busybox");
  });

  it("deletes a namespace completely", async () => {
    const name = `${ns()}-gone`;
    await core().createNamespace({ body: { metadata: { name } } });
    await core().createNamespacedPod({ namespace: name, body: winPod("p") });
    await waits.podReady(kc, name, "p", { timeoutMs });
    await core().deleteNamespace({ name });
    await waits.namespaceGone(kc, name, timeoutMs);
    const err = await core()
      .readNamespace({ name })
      .then(
        () => undefined,
        (e) => e,
      );
    expect(err?.code).to.equal(404);
  });
});
