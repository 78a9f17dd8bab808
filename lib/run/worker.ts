// One worker of a --parallel run (lib/run/parallel.ts forks it): receives the run context and its share of the
// tests over IPC, runs them with mocha exactly as a serial run would (allure-results into the same directory,
// same retries, same per-test namespaces and cleanup), and sends the outcomes back. A first SIGINT/SIGTERM or an
// "abort" message stops it after the current test; a second signal, or losing the parent, ends it at once (the
// parent's sweep removes what is left).
import * as k8s from "@kubernetes/client-node";
import { setRunContext } from "./context.js";
import { runMocha } from "./mocha-runner.js";
import { resilient } from "../cluster/resilient.js";
import { configureOutage, resetOutage, onFatal, fatalError } from "../cluster/outage.js";
import type { WorkerReply, WorkerTask } from "./parallel.js";

let runner: { abort(): void } | undefined;
let aborted = false;
let signals = 0;
const abort = () => {
  aborted = true;
  runner?.abort();
};
const onSignal = () => (++signals > 1 ? process.exit(3) : abort());
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
process.on("disconnect", () => process.exit(3));

process.on("message", (m: WorkerTask | { type: "abort" }) => {
  if (m.type === "abort") return abort();
  void work(m).then(
    (r) => process.send!(r, () => process.disconnect()),
    (e: Error) => process.send!({ type: "crashed", error: e?.stack ?? String(e) } satisfies WorkerReply, () => process.disconnect()),
  );
});

async function work(t: WorkerTask): Promise<WorkerReply> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(t.kubeconfig);
  // The same API error model as a serial run: transient errors retried within the window, a fatal one stops the worker.
  if (t.outageWindowMs !== undefined) resetOutage(t.outageWindowMs);
  configureOutage({ server: t.passes[0]?.caps.server?.url });
  resilient(kc);
  onFatal(() => abort());
  const r = await runMocha({
    files: t.files,
    retries: t.retries,
    resultsDir: t.resultsDir,
    onRunner: (x) => (aborted || fatalError() ? x.abort() : (runner = x)),
    passes: () =>
      t.passes.map((pass) => ({
        pool: pass.pool,
        only: pass.only,
        enter: () => {
          setRunContext({ runId: t.runId, kc, caps: pass.caps, options: t.options });
          process.send!({ type: "pass", pool: pass.pool } satisfies WorkerReply);
        },
      })),
  });
  const fatal = fatalError()?.message;
  return { type: "done", outcomes: r.outcomes, aborted: r.aborted, ...(fatal ? { fatal } : {}) };
}
