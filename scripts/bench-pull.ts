// Benchmark of the pull phase budget (issue 14 item 4; not a test). On a fresh local cluster with realistic
// timing, with the run's DEFAULT budgets (no --timeout-scale; lib/run/budgets.ts):
//  1. a servercore pull that takes ~3 real minutes: the phase-aware wait passes; the same wait without phases
//     (the old behaviour: the pull charged to the 60 s start budget) times out — run side by side on two nodes;
//  2. an image the registry has no manifest for (containerd: "no match for platform in manifest: not found",
//     the only "not found" the emulator produces): the wait fails within 5 s of the kubelet's first ErrImagePull.
// Run: node --import tsx scripts/bench-pull.ts [--time-scale F]   (default 0.416: servercore's 7.2 min pull → 3 min)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { up, down } from "../localcluster/cluster.js";
import { waits } from "../lib/cluster/waits.js";
import { budgets } from "../lib/run/budgets.js";

const args = process.argv.slice(2);
const i = args.indexOf("--time-scale");
const timeScale = i >= 0 ? Number(args[i + 1]) : 0.416;
process.env.HC_LOCALCLUSTER_DIR = mkdtempSync(join(tmpdir(), "hc-bench-pull-"));

const r = await up({ latency: "realistic", timeScale, log: (l) => console.error(l) });
const kc = new k8s.KubeConfig();
kc.loadFromFile(r.kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const ns = "bench-pull";
const b = budgets({ options: {}, caps: { local: true } });
const phases = { imagePullMs: b.imagePullMs, scaleUpMs: b.scaleUpMs };
const pod = (name: string, node: string, image: string): k8s.V1Pod => ({
  metadata: { name },
  spec: { nodeName: node, tolerations: [{ key: "os", operator: "Exists" }], containers: [{ name: "c", image, command: ["ping", "-t", "localhost"] }] },
});
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
try {
  await core.createNamespace({ body: { metadata: { name: ns } } });
  console.log(`default budgets: podStartMs ${secs(b.podStartMs)}, imagePullMs ${secs(b.imagePullMs)}`);
  const image = "mcr.microsoft.com/windows/servercore:ltsc2022";
  const t0 = Date.now();
  await core.createNamespacedPod({ namespace: ns, body: pod("phases", "hc-win2022-1", image) });
  await core.createNamespacedPod({ namespace: ns, body: pod("old-wait", "hc-win2022-2", image) });
  const [withPhases, without] = await Promise.allSettled([
    waits.podReady(kc, ns, "phases", { timeoutMs: b.podStartMs, phases }).then(() => Date.now() - t0),
    waits.podReady(kc, ns, "old-wait", { timeoutMs: b.podStartMs }).then(() => Date.now() - t0),
  ]);
  const pulled =
    (await core.listNamespacedEvent({ namespace: ns, fieldSelector: "involvedObject.name=phases,reason=Pulled" })).items[0]?.message ?? "(no Pulled event)";
  console.log(
    `1. servercore, phase-aware wait: ${withPhases.status === "fulfilled" ? `Ready after ${secs(withPhases.value)}` : `FAILED: ${withPhases.reason}`} — ${pulled}`,
  );
  console.log(
    `   same pull, wait without phases (old): ${without.status === "fulfilled" ? `Ready after ${secs(without.value)}` : `failed: ${(without.reason as Error).message.slice(0, 160)}`}`,
  );

  const missing = "mcr.microsoft.com/windows/servercore:ltsc2019"; // no manifest for a Windows Server 2022 host
  const t1 = Date.now();
  await core.createNamespacedPod({ namespace: ns, body: pod("missing", "hc-win2022-1", missing) });
  let failedAt = 0;
  const verdict = await waits.podReady(kc, ns, "missing", { timeoutMs: b.podStartMs, phases }).then(
    () => "Ready (wrong)",
    (e: Error) => ((failedAt = Date.now()), e.message),
  );
  const evs = (await core.listNamespacedEvent({ namespace: ns, fieldSelector: "involvedObject.name=missing,reason=Failed" })).items;
  const first = evs.find((e) => /not found/.test(e.message ?? ""));
  const firstAt = first ? new Date((first.firstTimestamp ?? first.eventTime) as unknown as string).getTime() : NaN;
  console.log(
    `2. image without a manifest: the wait failed ${secs(failedAt - t1)} after create, ${Number.isFinite(firstAt) ? `${secs(failedAt - firstAt)} after the first ErrImagePull event (event times have 1 s resolution)` : "(no ErrImagePull event found)"}: ${verdict.slice(0, 220)}`,
  );
} finally {
  await down();
  rmSync(process.env.HC_LOCALCLUSTER_DIR, { recursive: true, force: true });
}
