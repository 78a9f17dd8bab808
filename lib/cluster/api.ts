// Server-side apply and deletes through one generic client. Failures follow the one API error model
// (lib/cluster/errors.ts, outage.ts): transient ones are retried within the outage window; anything else —
// a 4xx the test may be asserting — is not retried and reaches the caller with its code and body.
import * as k8s from "@kubernetes/client-node";
import { record } from "./recorder.js";
import { callApi } from "./outage.js";
export { isTransient } from "./errors.js";

export const fieldManager = "hybrid-conformance";

/** Runs an API call, retrying only transient failures (bounded by the outage window); errors pass through as thrown. */
export function withRetry<T>(what: string, f: () => Promise<T>): Promise<T> {
  const [verb, ...rest] = what.split(" ");
  return callApi(verb, rest.join(" "), f, { raw: true });
}

export function objectsApi(kc: k8s.KubeConfig): k8s.KubernetesObjectApi {
  return k8s.KubernetesObjectApi.makeApiClient(kc);
}

/** Server-side apply (create or update) of one object; returns what the server stored. */
export function apply<T extends k8s.KubernetesObject>(kc: k8s.KubeConfig, obj: T): Promise<T> {
  record({ op: "apply", obj });
  return withRetry(
    `apply ${obj.kind} ${obj.metadata?.name}`,
    () => objectsApi(kc).patch(obj, undefined, undefined, fieldManager, true, k8s.PatchStrategy.ServerSideApply) as Promise<T>,
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
