// An API refusal as one line. client-node's own message starts "HTTP-Code: 500" and carries the whole body;
// this names the object and the API server's answer (code, reason, first line of the message).
import type * as k8s from "@kubernetes/client-node";
import { statusOf } from "./api.js";

/**
 * An API refusal. Where a test did not expect it, it is a product defect: the class name makes reports show a
 * failed expectation.
 */
export class RefusalExpectationFailed extends Error {
  constructor(
    readonly what: string,
    readonly status: k8s.V1Status | undefined,
    detail: string,
  ) {
    super(`${what} was refused: ${detail}`);
    this.name = "RefusalExpectationFailed";
  }
}
export const Refused = RefusalExpectationFailed;
export type Refused = RefusalExpectationFailed;

/** The first line of what the API server said, with its code and reason. */
export function statusLine(status: k8s.V1Status | undefined, e?: unknown): string {
  if (!status || typeof status !== "object") {
    const m = (e as Error | undefined)?.message ?? String(e);
    return m.split("\n")[0];
  }
  return `${status.code ?? "?"} ${status.reason || "(no reason)"}: ${(status.message ?? "").split("\n")[0]}`;
}

/** Runs a create/apply of `obj`; a refusal is rethrown as a Refused naming the object and the API server's one-line answer. */
export async function explainRefusal<T>(obj: k8s.KubernetesObject, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const status = statusOf(e);
    throw new Refused(
      `${obj.kind} ${obj.metadata?.name}`,
      typeof status === "object" ? status : undefined,
      statusLine(typeof status === "object" ? status : undefined, e),
    );
  }
}
