// Issue 15 item 4: `images` lists exactly the images a run's pods ran and pulled; `run --prepull` takes every pull
// out of the tests (no Pulling event in a test's namespace, none of its pod time spent pulling), and without it the
// same tests do pull. Each run maps both registries to a name this cluster has never pulled (--registry), so no
// node has the images yet and a missing Pulling event cannot come from a warm cache.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, localKubeConfig } from "../support/local-cluster.js";
import { repoRoot } from "../../localcluster/paths.js";
import type { Summary } from "../../lib/results/model.js";
import type { ImageSet } from "../../lib/prepull/images.js";

// Windows pods of two builds (servercore per build) and a Linux helper (agnhost): every kind of set.
const CATEGORY = ["--category", "Core.Scheduling"];

interface Pull {
  namespace: string;
  image: string;
}

describe("images and run --prepull", function () {
  this.timeout(600_000);
  const kc = localKubeConfig();
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-prepull-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Fresh registry names for this run: nothing under them was ever pulled on this cluster. */
  const freshRegistries = () => {
    const id = randomBytes(3).toString("hex");
    return ["--registry", `mcr.microsoft.com=mirror-${id}.test/mcr`, "--registry", `registry.k8s.io=mirror-${id}.test/k8s`];
  };

  /** Runs the CLI while watching every Pulling event in the cluster. */
  async function runWatchingPulls(name: string, args: string[]): Promise<{ code: number; stderr: string; summary: Summary; pulls: Pull[]; specs: Pull[] }> {
    const pulls: Pull[] = [];
    const specs: Pull[] = [];
    // client-node ends a watch after 30 s without an event; the CLI may take that long to start (a dist/ rebuild, a
    // busy machine) and a pool's pre-pull that long to report.
    const watcher = () => {
      const w = new k8s.Watch(kc);
      Object.assign(w, { requestTimeoutMs: 600_000 });
      return w;
    };
    const podWatch = await watcher().watch(
      "/api/v1/pods",
      {},
      (type, p: k8s.V1Pod) => {
        const cs = [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])];
        if (type === "ADDED") for (const c of cs) specs.push({ namespace: p.metadata!.namespace!, image: c.image! });
      },
      () => undefined,
    );
    const watch = await watcher().watch(
      "/api/v1/events",
      {},
      (type, e: k8s.CoreV1Event) => {
        if (type === "ADDED" && e.reason === "Pulling") pulls.push({ namespace: e.metadata!.namespace!, image: /"(.+)"/.exec(e.message ?? "")?.[1] ?? "" });
      },
      () => undefined,
    );
    const reportDir = join(dir, name);
    const child = spawn(process.execPath, [join(repoRoot, "bin/hybrid-conformance.mjs"), "run", "--local", ...args, "--report-dir", reportDir], {
      cwd: repoRoot,
      env: { ...process.env, KUBECONFIG: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number>((res) => child.on("exit", (c) => res(c ?? -1)));
    watch.abort();
    podWatch.abort();
    return { code, stderr, summary: JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary, pulls, specs };
  }

  /** `images` for the same selection, restricted to the cluster's builds. */
  function listed(registries: string[], builds: string[]): string[] {
    const r = cli(["images", ...CATEGORY, ...registries, "--output", "json"]);
    expect(r.code, r.stderr).to.equal(0);
    const sets = JSON.parse(r.stdout) as ImageSet[];
    return [...new Set(sets.filter((s) => s.os === "linux" || builds.includes(s.build!)).flatMap((s) => s.images))].sort();
  }

  const inTests = (pulls: Pull[]) => pulls.filter((p) => /^hc-/.test(p.namespace) && !p.namespace.startsWith("hc-prepull-"));
  /** The images the tests' pods named (a pod may be deleted before its kubelet pulls: specs, not pulls, are exact). */
  const podImages = (specs: Pull[]) => [...new Set(inTests(specs).map((p) => p.image))].sort();

  it("--prepull pulls exactly the listed images on every node first; no test pulls; without it the tests pull", async () => {
    const registries = freshRegistries();
    // Every pool (the default): one pass per pool, each pre-pulled on exactly its own nodes with its build's images.
    const pool: string[] = [];
    const pre = await runWatchingPulls("prepull", [...CATEGORY, ...pool, ...registries, "--prepull"]);
    expect(pre.code, pre.stderr).to.equal(0);
    const builds = ["10.0.20348", "10.0.26100"];
    // Each Windows node pulled its own build's images, through its pool's DaemonSet.
    for (const n of pre.summary.prepull!.nodes.filter((n) => n.os === "windows"))
      expect(
        n.images.every((i) => i.endsWith(n.build === "10.0.26100" ? "ltsc2025" : "ltsc2022") || !/servercore|nanoserver/.test(i)),
        `${n.node}: ${n.images}`,
      ).to.equal(true);
    const images = listed(registries, builds);
    expect(images.length).to.be.at.least(2);
    // The tests' pods named exactly the listed images, and the pre-pull pulled exactly those.
    expect(podImages(pre.specs)).to.deep.equal(images);
    // (Its own Pulling events may be lost: its namespace goes as soon as the images are there.)
    expect([...new Set(pre.summary.prepull!.nodes.flatMap((n) => n.images))].sort()).to.deep.equal(images);
    // Every Ready node of the run (Linux, and the pool's Windows nodes) got its pod, each with its own time; the phase is in the console and in summary.json.
    const ready = pre.summary.cluster.nodes.filter((n) => n.ready && (n.os !== "windows" || builds.includes(n.build!))).map((n) => n.name);
    expect(pre.summary.prepull!.nodes.map((n) => n.node).sort()).to.deep.equal([...ready].sort());
    expect(pre.stderr).to.match(/^prepull: .+ on \d+ node\(s\)/m);
    // No test pulled: no Pulling event in a test namespace, no pod time spent pulling.
    expect(inTests(pre.pulls), "Pulling events inside tests").to.deep.equal([]);
    const withPods = pre.summary.tests.filter((t) => t.phases);
    expect(withPods.length).to.be.greaterThan(3);
    expect(withPods.filter((t) => t.phases!.pullingMs > 0).map((t) => t.title)).to.deep.equal([]);
    expect(withPods.some((t) => t.phases!.startingMs + t.phases!.creatingMs + t.phases!.schedulingMs > 0)).to.equal(true);

    // The same tests with images new to the cluster and no pre-pull: the pulls land inside the tests.
    const registries2 = freshRegistries();
    const plain = await runWatchingPulls("plain", [...CATEGORY, ...pool, ...registries2]);
    expect(plain.code, plain.stderr).to.equal(0);
    expect(plain.summary.prepull).to.equal(undefined);
    const images2 = listed(registries2, builds);
    expect(podImages(plain.specs)).to.deep.equal(images2);
    const pulledInTests = [...new Set(inTests(plain.pulls).map((p) => p.image))];
    expect(pulledInTests, "Pulling events inside tests").not.to.deep.equal([]);
    expect(images2).to.include.members(pulledInTests);
  });

  it("--prepull fails fast on a pull no node can do, naming node and image; no test runs, nothing is left", async () => {
    // A Server 2019 image cannot run on a 2022 or 2025 host: containerd answers "no match for platform".
    const reportDir = join(dir, "refused");
    const r = cli(
      [
        "run",
        "--local",
        "--category",
        "Core.Nodes",
        "--prepull",
        "--logmonitor-image",
        "mcr.microsoft.com/windows/servercore:ltsc2019",
        "--report-dir",
        reportDir,
      ],
      { KUBECONFIG: "" },
    );
    expect(r.code, r.stderr).to.equal(2);
    const last = r.stderr.trim().split("\n").pop()!;
    expect(last).to.match(
      /^hybrid-conformance: prepull: node hc-win\S+ cannot pull mcr\.microsoft\.com\/windows\/servercore:ltsc2019: .*no match for platform/,
    );
    expect((JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8")) as Summary).tests).to.deep.equal([]);
    const left = await kc.makeApiClient(k8s.CoreV1Api).listNamespace({ labelSelector: "hybrid-conformance.io/run" });
    expect(left.items.map((n) => n.metadata!.name)).to.deep.equal([]);
  });
});
