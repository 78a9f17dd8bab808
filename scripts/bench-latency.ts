// Benchmark of `--latency realistic` (not a test): on a fresh cluster, a servercore pod on a Windows node takes
// minutes to become Ready (Pulling … Pulled with the pull's real duration), a second one on the same node seconds.
// Run: node --import tsx scripts/bench-latency.ts [--time-scale F]   (default 1: real time, ~8 minutes)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { up, down } from "../localcluster/cluster.js";
import { waits } from "../lib/cluster/waits.js";

const args = process.argv.slice(2);
const i = args.indexOf("--time-scale");
const timeScale = i >= 0 ? Number(args[i + 1]) : 1;
process.env.HC_LOCALCLUSTER_DIR = mkdtempSync(join(tmpdir(), "hc-bench-latency-"));

const r = await up({ latency: "realistic", timeScale, log: (l) => console.error(l) });
const kc = new k8s.KubeConfig();
kc.loadFromFile(r.kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const ns = "bench-latency";
const image = "mcr.microsoft.com/windows/servercore:ltsc2022";
try {
  await core.createNamespace({ body: { metadata: { name: ns } } });
  const pod = (name: string): k8s.V1Pod => ({
    metadata: { name },
    spec: {
      nodeName: "hc-win2022-1", // the same node for both: the second finds the image present
      tolerations: [{ key: "os", operator: "Exists" }],
      containers: [{ name: "c", image, command: ["ping", "-t", "localhost"] }],
    },
  });
  const results: string[] = [];
  for (const name of ["first", "second"]) {
    const t = Date.now();
    await core.createNamespacedPod({ namespace: ns, body: pod(name) });
    await waits.podReady(kc, ns, name, { timeoutMs: Math.max(60_000, 30 * 60_000 * timeScale) });
    const took = (Date.now() - t) / 1000;
    const evs = (await core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${name}` })).items;
    const pulled = evs.find((e) => e.reason === "Pulled")?.message ?? "(no Pulled event)";
    const pulling = evs.some((e) => e.reason === "Pulling");
    results.push(`${name} servercore pod Ready in ${took.toFixed(1)} s${pulling ? " (Pulling …)" : ""}: ${pulled}`);
    console.log(results[results.length - 1]);
  }
  console.log(`--latency realistic --time-scale ${timeScale}: ${results.join(" | ")}`);
} finally {
  await down();
  rmSync(process.env.HC_LOCALCLUSTER_DIR, { recursive: true, force: true });
}
