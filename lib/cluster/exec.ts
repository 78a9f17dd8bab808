// Runs a command in a container through the API (websocket exec) and returns what it printed and its exit code.
import * as k8s from "@kubernetes/client-node";
import { Writable } from "node:stream";
import { record } from "./recorder.js";
import { judge, noteSuccess } from "./outage.js";
import { ApiCallError, statusCodeOf } from "./errors.js";

export interface ExecOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Failure text from the API/kubelet when the command could not run at all. */
  error?: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) }),
    text: () => Buffer.concat(chunks).toString("utf8"),
  };
}

/**
 * The exit code travels in the final V1Status: NonZeroExitCode with an ExitCode cause on real kubelets;
 * simulated kubelets (kwok) report an InternalError whose message ends in "exit status N".
 */
export const NO_STATUS: k8s.V1Status = { status: "Failure", reason: "NoStatus", message: "the exec stream closed without a status: exit code unknown" };

export function exitCodeOf(status: k8s.V1Status | undefined): { exitCode: number; error?: string } {
  if (!status) return { exitCode: -1, error: NO_STATUS.message };
  if (status.status === "Success") return { exitCode: 0 };
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  if (cause?.message && /^\d+$/.test(cause.message)) return { exitCode: Number(cause.message) };
  const m = /exit status (\d+)/.exec(status.message ?? "");
  if (m) return { exitCode: Number(m[1]) };
  return { exitCode: -1, error: status.message ?? "exec failed" };
}

/** Normalises CRLF (Windows) to LF so checks read the same on both OSes. */
export const normaliseNewlines = (s: string) => s.replace(/\r\n/g, "\n");

export async function execInPod(
  kc: k8s.KubeConfig,
  target: { namespace: string; pod: string; container: string },
  command: string[],
  opts: { timeoutMs?: number; keepCRLF?: boolean } = {},
): Promise<ExecOutput> {
  record({ op: "exec", namespace: target.namespace, pod: target.pod, container: target.container, command });
  const out = sink();
  const err = sink();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const once = () =>
    new Promise<k8s.V1Status | undefined>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(
          new Error(
            `exec ${JSON.stringify(command.join(" "))} in ${target.namespace}/${target.pod}[${target.container}] did not finish within ${timeoutMs / 1000} s`,
          ),
        );
      }, timeoutMs);
      new k8s.Exec(kc)
        .exec(target.namespace, target.pod, target.container, command, out.stream, err.stream, null, false, (s) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(s);
        })
        .then((ws) => {
          noteSuccess();
          ws.on("close", () => {
            // A stream that closes without a status frame says nothing about the exit code: that is an error, never 0.
            setImmediate(() => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              resolve(NO_STATUS);
            });
          });
        })
        .catch((e) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(Object.assign(e as object, { connecting: true }));
        });
    });
  // Only a failure to connect is retried (the command never started); an HTTP answer at the upgrade (e.g. the
  // kubelet's "container not found") is the caller's to judge, and a lost permission ends the run.
  let status: k8s.V1Status | undefined;
  let delay = 200;
  for (;;) {
    try {
      status = await once();
      break;
    } catch (e) {
      if (!(e as { connecting?: boolean }).connecting) throw e;
      const resource = `pods/exec ${target.namespace}/${target.pod}`;
      const verdict = judge(e, "create", resource);
      if (statusCodeOf(e) !== undefined) {
        noteSuccess(); // the server answered
        throw new ApiCallError("create", resource, e);
      }
      if (verdict === "fail") throw e;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 2000);
  }
  const { exitCode, error } = exitCodeOf(status);
  const fix = (s: string) => (opts.keepCRLF ? s : normaliseNewlines(s));
  // kwok appends the command's stderr to the status message; keep stderr from the stream itself.
  return { stdout: fix(out.text()), stderr: fix(err.text()), exitCode, ...(error ? { error } : {}) };
}
