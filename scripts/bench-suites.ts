// Benchmark (not a test): wall time of the Core.Nodes/Scheduling/Workloads/Rejections suites on the local
// cluster against a floor — the same API operations (recorded during the harness run: applies, deletes,
// dry-runs, execs, and each wait's final observed state) replayed by a minimal client that polls instead of
// watching. Run: node --import tsx scripts/bench-suites.ts [--rounds N]
import * as k8s from "@kubernetes/client-node";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { up } from "../localcluster/cluster.js";
import { repoRoot } from "../localcluster/paths.js";
import { signature, type RecordedOp } from "../lib/cluster/recorder.js";
import { REDACTED } from "../lib/report/redact.js";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 2;
const categories = ["Core.Nodes", "Core.Scheduling", "Core.Workloads", "Core.Rejections"];
const { kubeconfig } = await up();
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const objects = k8s.KubernetesObjectApi.makeApiClient(kc);

function harness(dir: string): number {
  const t = Date.now();
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, "bin/hybrid-conformance.mjs"), "run", "--local", ...categories.flatMap((c) => ["--category", c]), "--report-dir", join(dir, "report")],
    {
      env: { ...process.env, HC_RECORD_OPS: join(dir, "ops.jsonl") },
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`the suites did not pass (exit ${r.status}): ${r.stderr.split("\n").slice(-3).join(" ")}`);
  return (Date.now() - t) / 1000;
}

/** Secret values were redacted in the record; any valid value will do for the replay. */
function unredact(o: k8s.KubernetesObject): k8s.KubernetesObject {
  return JSON.parse(JSON.stringify(o), (_k, v) => (v === REDACTED ? "eA==" : v));
}

async function poll(path: string, labelSelector: string | undefined, fieldSelector: string | undefined, want: string[]): Promise<void> {
  const cluster = kc.getCurrentCluster()!;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const url = new URL(cluster.server + path);
    if (labelSelector) url.searchParams.set("labelSelector", labelSelector);
    if (fieldSelector) url.searchParams.set("fieldSelector", fieldSelector);
    const opts: import("node:https").RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const body = await new Promise<string>((res, rej) => {
      import("node:https").then(({ request }) =>
        request(url, opts, (r) => {
          let d = "";
          r.on("data", (c) => (d += c));
          r.on("end", () => res(d));
        })
          .on("error", rej)
          .end(),
      );
    });
    const list = JSON.parse(body) as { items?: k8s.KubernetesObject[]; kind?: string };
    const kind = list.kind?.replace(/List$/, "");
    const got = signature((list.items ?? []).map((o) => ({ ...o, kind })));
    if (covers(got, want)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  slowWaits++;
  if (process.env.BENCH_DEBUG) console.error(`unmatched wait ${path} ${labelSelector ?? ""} ${fieldSelector ?? ""}: want ${JSON.stringify(want)}`);
}

/** Done when every recorded state is present now (a deleted namespace: when nothing is left). */
function covers(got: string[], want: string[]): boolean {
  if (!want.length) return got.length === 0;
  const left = [...got];
  // A pod seen Pending (just scheduled) may have moved on by the time a poll looks: any state counts.
  return want.every((w) => {
    const i = w.startsWith("Pending:") ? (left.length ? 0 : -1) : left.indexOf(w);
    return i >= 0 && left.splice(i, 1).length === 1;
  });
}

let slowWaits = 0;

async function floor(opsFile: string): Promise<number> {
  const ops = readFileSync(opsFile, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as RecordedOp);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const t = Date.now();
  for (const o of ops) {
    if (o.op === "apply") await objects.patch(unredact(o.obj), undefined, undefined, "bench-floor", true, k8s.PatchStrategy.ServerSideApply);
    else if (o.op === "delete") await objects.delete(o.obj).catch(() => undefined);
    else if (o.op === "dry-run")
      await core.createNamespacedPod({ namespace: o.obj.metadata!.namespace!, body: o.obj as k8s.V1Pod, dryRun: "All" }).catch(() => undefined);
    else if (o.op === "exec") {
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      await new Promise<void>(
        (res) => void new k8s.Exec(kc).exec(o.namespace, o.pod, o.container, o.command, sink, sink, null, false, () => res()).catch(() => res()),
      );
    } else if (o.op === "wait") await poll(o.path, o.labelSelector, o.fieldSelector, o.signature);
  }
  return (Date.now() - t) / 1000;
}

const rows: { harness: number; floor: number }[] = [];
for (let i = 0; i < rounds; i++) {
  const dir = mkdtempSync(join(tmpdir(), "hc-bench-suites-"));
  const h = harness(dir);
  // The recorded run used random namespace names; they are gone now, so the replay recreates them.
  const f = await floor(join(dir, "ops.jsonl"));
  rows.push({ harness: h, floor: f });
  console.log(
    `round ${i + 1}: harness ${h.toFixed(1)} s (incl. process start, preflight, reports), floor ${f.toFixed(1)} s, ratio ${(h / f).toFixed(2)}${slowWaits ? ` (${slowWaits} replayed waits never matched and hit their 30 s cap: the floor is overstated)` : ""}`,
  );
  slowWaits = 0;
  rmSync(dir, { recursive: true, force: true });
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `median: harness ${med(rows.map((r) => r.harness)).toFixed(1)} s, floor ${med(rows.map((r) => r.floor)).toFixed(1)} s, ratio ${(med(rows.map((r) => r.harness)) / med(rows.map((r) => r.floor))).toFixed(2)} (goal ≤ 1.3)`,
);
