// Rejection matching: did the API server refuse a pod the way upstream validation says it must — a Status
// with code 422 and reason Invalid whose details.causes[] holds each expected cause (reason and exact field
// path) — or accept one it must accept? The matching is a pure function over what the request returned, so it
// is unit-tested without a cluster; `submitPod` is the one API call (a server-side dry-run create: the whole
// admission chain and validation run, nothing is stored, nothing runs).
import { record } from "../cluster/recorder.js";
import type * as k8s from "@kubernetes/client-node";
import { statusOf, withRetry } from "../cluster/api.js";
import type { ExpectedCause } from "../fixtures/rejections.js";

/** What came back from one create: the stored (dry-run) object, or the error. */
export type Outcome = { accepted: true; object: k8s.V1Pod } | { accepted: false; status?: k8s.V1Status; error: unknown };

export type Expectation = { accept: true } | { reject: ExpectedCause[] };

export interface Verdict {
  ok: boolean;
  /** One line: why it matched, or what was wrong (e.g. `pod accepted: spec.hostPID was not rejected`). */
  explanation: string;
  /** One line: what the API server answered. */
  got: string;
}

/** Creates the pod with dryRun=All and returns what the API server answered; transient errors are retried. */
export async function submitPod(core: k8s.CoreV1Api, namespace: string, pod: k8s.V1Pod): Promise<Outcome> {
  record({ op: "dry-run", obj: { ...pod, apiVersion: "v1", kind: "Pod", metadata: { ...pod.metadata, namespace } } });
  try {
    const object = await withRetry(`dry-run create pod ${pod.metadata?.name}`, () => core.createNamespacedPod({ namespace, body: pod, dryRun: "All" }));
    return { accepted: true, object };
  } catch (error) {
    return { accepted: false, status: asStatus(statusOf(error)), error };
  }
}

function asStatus(s: unknown): k8s.V1Status | undefined {
  return s && typeof s === "object" && ((s as k8s.V1Status).kind === "Status" || "code" in s || "reason" in s) ? (s as k8s.V1Status) : undefined;
}

type Cause = k8s.V1StatusCause;

const quote = (s: string | undefined, max = 160) => JSON.stringify(s && s.length > max ? `${s.slice(0, max)}…` : (s ?? ""));
const causeText = (c: Cause) => `${c.field ?? "<no field>"} ${c.reason ?? "<no reason>"}${c.message ? ` ${quote(c.message)}` : ""}`;
const expectedText = (e: ExpectedCause) => `${e.reason} on ${e.field}${e.message ? ` (message containing ${quote(e.message)})` : ""}`;
const causeMatches = (c: Cause, e: ExpectedCause) =>
  c.field === e.field && c.reason === e.reason && (e.message === undefined || (c.message ?? "").includes(e.message));

/** One line for what the API server answered. */
export function describeOutcome(o: Outcome): string {
  if (o.accepted) return "accepted (dry run)";
  const s = o.status;
  if (!s) return `request failed: ${(o.error as Error)?.message?.split("\n")[0] ?? String(o.error)}`;
  const causes = s.details?.causes ?? [];
  const head = `${s.code ?? "?"} ${s.reason ?? "(no reason)"}`;
  return causes.length ? `${head}: ${causes.map(causeText).join("; ")}` : `${head}: ${quote(s.message, 240)}`;
}

/**
 * Matches an outcome against an expectation. A rejection matches when the Status is 422/Invalid and its causes
 * are exactly the expected ones (each: same field, same reason, message containing the expected text) — an
 * extra cause means the pod was wrong in another way too, so the check would not prove what it claims.
 */
export function matchOutcome(o: Outcome, expected: Expectation): Verdict {
  const got = describeOutcome(o);
  if ("accept" in expected) {
    if (o.accepted) return { ok: true, explanation: "accepted, as it must be", got };
    const causes = o.status?.details?.causes ?? [];
    const where = causes.length ? ` on ${causes.map((c) => `${c.field} with ${c.reason}`).join(", ")}` : "";
    return { ok: false, explanation: `pod rejected${where}, expected it to be accepted: ${got}`, got };
  }
  const want = expected.reject;
  const fields = want.map((e) => e.field).join(", ");
  if (o.accepted) return { ok: false, explanation: `pod accepted: ${fields} was not rejected`, got };
  const s = o.status;
  if (!s) return { ok: false, explanation: `no Status came back (${got}), expected 422 Invalid with ${want.map(expectedText).join("; ")}`, got };
  if (s.code !== 422 || s.reason !== "Invalid") {
    return {
      ok: false,
      explanation: `rejected with ${s.code ?? "?"} ${s.reason ?? "(no reason)"} ${quote(s.message, 200)}, expected 422 Invalid on ${fields}`,
      got,
    };
  }
  const causes = s.details?.causes ?? [];
  const unmatched = [...causes];
  const missing: ExpectedCause[] = [];
  for (const e of want) {
    const i = unmatched.findIndex((c) => causeMatches(c, e));
    if (i >= 0) unmatched.splice(i, 1);
    else missing.push(e);
  }
  if (!missing.length && !unmatched.length) return { ok: true, explanation: `rejected with ${want.map((e) => `${e.reason} on ${e.field}`).join(", ")}`, got };
  if (missing.length) {
    const e = missing[0];
    const sameField = unmatched.find((c) => c.field === e.field);
    const other = sameField ?? unmatched[0];
    let why: string;
    if (sameField && sameField.reason === e.reason)
      why = `rejected on ${e.field} with ${e.reason} but message ${quote(sameField.message)}, expected it to contain ${quote(e.message)}`;
    else if (other) why = `rejected on ${other.field} with ${other.reason}, expected ${e.reason} on ${e.field}`;
    else why = `rejected without the cause ${e.reason} on ${e.field} (causes: ${causes.length ? causes.map(causeText).join("; ") : "none"})`;
    if (missing.length > 1)
      why += ` (also missing: ${missing
        .slice(1)
        .map((m) => `${m.reason} on ${m.field}`)
        .join(", ")})`;
    return { ok: false, explanation: why, got };
  }
  return {
    ok: false,
    explanation: `rejected with ${want.map((e) => `${e.reason} on ${e.field}`).join(", ")} as expected, but also on ${unmatched.map((c) => `${c.field} with ${c.reason}`).join(", ")}`,
    got,
  };
}

/** Reads a value at a cause-style path: `spec.containers[0].securityContext.runAsUser`. */
export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** A short, one-line rendering of a value for messages (long strings cut). */
export function show(v: unknown, max = 80): string {
  if (v === undefined) return "<unset>";
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
}

/**
 * For a pod the API server accepted although it had to reject it: which of the given paths (and spec.os) it
 * sent but the answer no longer has — the trace of a mutating admission webhook rewriting pods.
 */
export function rewrittenPaths(sent: k8s.V1Pod, returned: k8s.V1Pod | undefined, paths: string[]): string[] {
  if (!returned) return [];
  const out: string[] = [];
  for (const p of [...new Set([...paths, "spec.os"])].filter((x) => x !== "spec")) {
    const before = valueAt(sent, p);
    const after = valueAt(returned, p);
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    out.push(after === undefined ? `${p} removed` : before === undefined ? `${p} set to ${show(after)}` : `${p} changed to ${show(after)}`);
  }
  return out;
}

/** The failure message of one step: what was wrong, what was sent, what came back. One line. */
export function failureMessage(v: Verdict, sent: string, outcome: Outcome, sentPod?: k8s.V1Pod, paths: string[] = []): string {
  const rewritten = outcome.accepted && sentPod ? rewrittenPaths(sentPod, outcome.object, paths) : [];
  const trace = rewritten.length ? `; the answer differs from what was sent (${rewritten.join(", ")}): an admission webhook rewrote the pod` : "";
  return `${v.explanation} — sent ${sent}; got ${v.got}${trace}`;
}
