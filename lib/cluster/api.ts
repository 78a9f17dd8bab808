// Server-side apply and deletes through one generic client, with transient API failures (429, 5xx,
// connection resets) retried by p-retry. Anything else — a 4xx the test may be asserting — is not retried.
import * as k8s from "@kubernetes/client-node";
import pRetry, { AbortError } from "p-retry";
import { record } from "./recorder.js";

export const fieldManager = "hybrid-conformance";

export function isTransient(e: unknown): boolean {
  const err = e as { code?: number | string; message?: string; cause?: { code?: string } };
  if (typeof err.code === "number") return err.code === 429 || err.code >= 500;
  const sys = (typeof err.code === "string" ? err.code : undefined) ?? err.cause?.code ?? "";
  return /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|socket hang up/.test(`${sys} ${err.message ?? ""}`);
}

/** Runs an API call, retrying only transient failures (a few times, with backoff). */
export function withRetry<T>(what: string, f: () => Promise<T>, retries = 4): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await f();
      } catch (e) {
        if (!isTransient(e)) throw new AbortError(e as Error);
        throw e;
      }
    },
    { retries, minTimeout: 200, maxTimeout: 2000 },
  ).catch((e) => {
    // AbortError wraps the original: hand back what the API said.
    throw (e as { originalError?: unknown }).originalError ?? e;
  });
}

export function objectsApi(kc: k8s.KubeConfig): k8s.KubernetesObjectApi {
  return k8s.KubernetesObjectApi.makeApiClient(kc);
}

/** Server-side apply (create or update) of one object; returns what the server stored. */
export function apply<T extends k8s.KubernetesObject>(kc: k8s.KubeConfig, obj: T): Promise<T> {
  record({ op: "apply", obj });
  return withRetry(`apply ${obj.kind} ${obj.metadata?.name}`, () =>
    objectsApi(kc).patch(obj, undefined, undefined, fieldManager, true, k8s.PatchStrategy.ServerSideApply) as Promise<T>,
  );
}

/** Deletes one object; absent is fine. */
export async function remove(kc: k8s.KubeConfig, obj: k8s.KubernetesObject): Promise<void> {
  record({ op: "delete", obj });
  await withRetry(`delete ${obj.kind} ${obj.metadata?.name}`, () => objectsApi(kc).delete(obj)).catch((e) => {
    if ((e as { code?: number }).code !== 404) throw e;
  });
}

/** The V1Status of a rejected request, parsed from client-node's ApiException. */
export function statusOf(e: unknown): k8s.V1Status | undefined {
  const body = (e as { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as k8s.V1Status;
    } catch {
      return undefined;
    }
  }
  return body as k8s.V1Status | undefined;
}
