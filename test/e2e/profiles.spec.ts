// Profiles on a real control plane, each in its own state directory (the shared test cluster is untouched):
// bad input stops `cluster up` before anything starts; the autoscaled pool really grows for a pending pod with
// cluster-autoscaler's TriggeredScaleUp event; the gke layout taints its Windows nodes and its optional webhook adds
// the matching toleration; the windows-taint-missing fault removes and restores the gke taint. The layouts of
// the other profiles are rendered and checked in test/unit/localcluster/profiles.spec.ts without a cluster.
import { expect } from "chai";
import { mkdtempSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { cli, expectOneLineError } from "../support/local-cluster.js";
import { waits } from "../../lib/cluster/waits.js";
import { waitOn } from "../../lib/cluster/watch.js";

const winPod = (name: string, tolerations: k8s.V1Toleration[] = []): k8s.V1Pod => ({
  metadata: { name },
  spec: {
    nodeSelector: { "kubernetes.io/os": "windows" },
    tolerations,
    containers: [{ name: "c", image: "mcr.microsoft.com/windows/nanoserver:ltsc2022", command: ["ping", "-t", "localhost"] }],
  },
});

/** Starts a cluster with `args` in its own state directory; returns its kubeconfig and a stop function. */
function startCluster(args: string[]): { kc: k8s.KubeConfig; env: NodeJS.ProcessEnv; stop: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "hc-profile-"));
  const env = { HC_LOCALCLUSTER_DIR: join(dir, "state") };
  const r = cli(["cluster", "up", ...args], env);
  const stop = () => {
    cli(["cluster", "down"], env);
    rmSync(dir, { recursive: true, force: true });
  };
  if (r.code !== 0) {
    stop();
    throw new Error(`cluster up ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(r.stdout.trim().split("\n").pop()!);
  return { kc, env, stop };
}

describe("local cluster profiles (real control plane)", function () {
  this.timeout(240_000);

  describe("bad input: one line, exit 2, nothing started", () => {
    const dir = mkdtempSync(join(tmpdir(), "hc-profile-bad-"));
    const env = { HC_LOCALCLUSTER_DIR: join(dir, "state") };
    after(() => rmSync(dir, { recursive: true, force: true }));
    // One CLI start each (≈5 s); the other refusals (zero-node pool, toleration webhook outside gke…) take the same
    // path and are covered by the unit tests of loadLayout.
    const noEffect = join(dir, "no-effect.yaml");
    writeFileSync(noEffect, "pools:\n  - {name: w, os: windows, build: '10.0.20348', count: 1, taints: [{key: sku, value: Windows}]}\n");
    for (const [args, re] of [
      [["--profile", "openshift"], /--profile: unknown profile "openshift"/],
      [["--latency", "realistic", "--time-scale", "0"], /--time-scale: "0" is not a number above 0/],
      [["--topology", noEffect], /pools\.0\.taints\.0\.effect: a taint needs an effect/],
    ] as [string[], RegExp][]) {
      it(`cluster up ${args.join(" ")}`, () => {
        expectOneLineError(cli(["cluster", "up", ...args], env), re);
        expect(existsSync(env.HC_LOCALCLUSTER_DIR), "state directory").to.equal(false);
      });
    }
  });

  describe("autoscaled", () => {
    let c: ReturnType<typeof startCluster>;
    before(() => (c = startCluster(["--profile", "autoscaled"])));
    after(() => c?.stop());

    it("starts with no Windows node; a pending Windows pod gets TriggeredScaleUp and a new node, then runs there", async () => {
      const core = c.kc.makeApiClient(k8s.CoreV1Api);
      const before = (await core.listNode({ labelSelector: "kubernetes.io/os=windows" })).items;
      expect(before.map((n) => n.metadata!.name)).to.deep.equal([]);
      await core.createNamespace({ body: { metadata: { name: "as" } } });
      await core.createNamespacedPod({
        namespace: "as",
        body: winPod("needs-windows", [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }]),
      });
      await waits.podUnschedulable(c.kc, "as", "needs-windows", { timeoutMs: 60_000 });
      const ev = await waitOn<k8s.CoreV1Event, k8s.CoreV1Event>(
        c.kc,
        { path: "/api/v1/namespaces/as/events" },
        "TriggeredScaleUp on needs-windows",
        (evs) => {
          const e = evs.find((x) => x.reason === "TriggeredScaleUp" && x.involvedObject.name === "needs-windows");
          return e ? { done: e } : { pending: "no TriggeredScaleUp yet" };
        },
        60_000,
      );
      expect(ev.message).to.equal("pod triggered scale-up: [{win2022 0->1 (max: 2)}]");
      expect(ev.source?.component).to.equal("cluster-autoscaler");
      const pod = await waits.podRunning(c.kc, "as", "needs-windows", { timeoutMs: 120_000, allowUnschedulable: true });
      expect(pod.spec?.nodeName).to.equal("hc-win2022-as-0");
      const node = await core.readNode({ name: "hc-win2022-as-0" });
      expect(node.spec?.taints?.map((t) => `${t.key}=${t.value}:${t.effect}`)).to.deep.equal(["os=windows:NoSchedule"]);
      expect(node.metadata?.labels?.["node.kubernetes.io/windows-build"]).to.equal("10.0.20348");
    });
  });

  describe("gke with the toleration webhook", () => {
    let c: ReturnType<typeof startCluster>;
    before(() => (c = startCluster(["--profile", "gke", "--toleration-webhook"])));
    after(() => c?.stop());

    it("taints every Windows node node.kubernetes.io/os=windows:NoSchedule and labels GKE's pools", async () => {
      const nodes = (await c.kc.makeApiClient(k8s.CoreV1Api).listNode({ labelSelector: "kubernetes.io/os=windows" })).items;
      expect(nodes).to.have.length(2);
      for (const n of nodes) {
        expect(
          n.spec?.taints?.map((t) => `${t.key}=${t.value}:${t.effect}`),
          n.metadata!.name,
        ).to.deep.equal(["node.kubernetes.io/os=windows:NoSchedule"]);
        expect(n.metadata?.labels?.["cloud.google.com/gke-nodepool"]).to.equal("windows-pool");
      }
    });

    it("the webhook adds the toleration to a pod selecting kubernetes.io/os: windows, which then runs on a Windows node", async () => {
      const core = c.kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: "gke" } } });
      const created = await core.createNamespacedPod({ namespace: "gke", body: winPod("selects-windows") });
      expect(created.spec?.tolerations).to.deep.include({ key: "node.kubernetes.io/os", operator: "Equal", value: "windows", effect: "NoSchedule" });
      const pod = await waits.podRunning(c.kc, "gke", "selects-windows", { timeoutMs: 60_000 });
      expect(pod.spec?.nodeName).to.match(/^gke-hc-windows-pool-/);
    });

    it("the windows-taint-missing fault removes the gke Windows taint and puts it back when cleared", async () => {
      const core = c.kc.makeApiClient(k8s.CoreV1Api);
      const taintsOf = async () =>
        (await core.listNode({ labelSelector: "kubernetes.io/os=windows" })).items.map((n) => (n.spec?.taints ?? []).map((t) => t.key).join(","));
      const path = "/api/v1/nodes";
      const windowsTaints = (want: string) => (ns: k8s.V1Node[]) => {
        const w = ns.filter((n) => n.metadata?.labels?.["kubernetes.io/os"] === "windows").map((n) => (n.spec?.taints ?? []).map((t) => t.key).join(","));
        return w.length === 2 && w.every((x) => x === want) ? { done: w } : { pending: JSON.stringify(w) };
      };
      const on = cli(["cluster", "fault", "add", "windows-taint-missing"], c.env);
      expect(on.code, on.stderr).to.equal(0);
      await waitOn<k8s.V1Node, string[]>(c.kc, { path }, "Windows taints removed", windowsTaints(""), 30_000);
      const off = cli(["cluster", "fault", "clear"], c.env);
      expect(off.code, off.stderr).to.equal(0);
      await waitOn<k8s.V1Node, string[]>(c.kc, { path }, "Windows taints restored", windowsTaints("node.kubernetes.io/os"), 30_000);
      expect(await taintsOf()).to.deep.equal(["node.kubernetes.io/os", "node.kubernetes.io/os"]);
    });
  });

  describe("--latency realistic --time-scale 0.02", () => {
    let c: ReturnType<typeof startCluster>;
    before(() => (c = startCluster(["--latency", "realistic", "--time-scale", "0.02"])));
    after(() => c?.stop());

    const onNode = (name: string, image: string): k8s.V1Pod => ({
      metadata: { name },
      spec: {
        nodeName: "hc-win2022-1",
        tolerations: [{ key: "os", operator: "Exists" }],
        containers: [{ name: "c", image, command: ["ping", "-t", "localhost"] }],
      },
    });
    const events = async (core: k8s.CoreV1Api, name: string) =>
      (await core.listNamespacedEvent({ namespace: "lat", fieldSelector: `involvedObject.name=${name}` })).items.map((e) => `${e.reason}: ${e.message}`);

    it("a first servercore pull takes the scaled real time and says so in Pulled; the second pod finds the image present", async () => {
      const core = c.kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: "lat" } } });
      const image = "mcr.microsoft.com/windows/servercore:ltsc2022";
      const t0 = Date.now();
      await core.createNamespacedPod({ namespace: "lat", body: onNode("first", image) });
      await waits.podReady(c.kc, "lat", "first", { timeoutMs: 60_000 });
      const firstMs = Date.now() - t0;
      const pulled = (await events(core, "first")).find((e) => e.startsWith("Pulled: "));
      // 1.5 s + 1.73 GB at 4 MB/s = 435 s at scale 1: 8.7 s at 0.02.
      const m =
        /^Pulled: Successfully pulled image "mcr\.microsoft\.com\/windows\/servercore:ltsc2022" in (\d+(?:\.\d+)?)s \(\1s including waiting\)\. Image size: 1734829104 bytes\.$/.exec(
          pulled ?? "",
        );
      expect(m, pulled).to.not.equal(null);
      expect(Number(m![1])).to.be.within(8, 12);
      expect(firstMs).to.be.above(8_000);
      await core.createNamespacedPod({ namespace: "lat", body: onNode("second", image) });
      await waits.podReady(c.kc, "lat", "second", { timeoutMs: 30_000 });
      expect(await events(core, "second")).to.include(`Pulled: Container image "${image}" already present on machine`);
    });

    it("faults still apply: image-pull-fails fails the pull at once (ErrImagePull) under realistic timing", async () => {
      const on = cli(["cluster", "fault", "add", "image-pull-fails", "--pod", "blocked"], c.env);
      expect(on.code, on.stderr).to.equal(0);
      await c.kc
        .makeApiClient(k8s.CoreV1Api)
        .createNamespacedPod({ namespace: "lat", body: onNode("blocked", "mcr.microsoft.com/windows/nanoserver:ltsc2022") });
      await waits.podMatches(c.kc, "lat", "blocked", "to report ErrImagePull", { timeoutMs: 30_000, allowReasons: ["ErrImagePull", "ImagePullBackOff"] }, (p) =>
        (p.status?.containerStatuses ?? []).some((s) => s.state?.waiting?.reason === "ErrImagePull" || s.state?.waiting?.reason === "ImagePullBackOff"),
      );
    });
  });
});
