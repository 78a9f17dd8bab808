// Optional record of the API operations a run performs (HC_RECORD_OPS=<file>), for the suites' benchmark:
// scripts/bench-suites.ts replays the same operations with a minimal client to measure the floor.
import { appendFileSync } from "node:fs";
import type * as k8s from "@kubernetes/client-node";
import { redactObject } from "../report/redact.js";

export type RecordedOp =
  | { op: "apply"; obj: k8s.KubernetesObject }
  | { op: "delete"; obj: k8s.KubernetesObject }
  | { op: "dry-run"; obj: k8s.KubernetesObject }
  | { op: "wait"; path: string; labelSelector?: string; fieldSelector?: string; signature: string[] }
  | { op: "exec"; namespace: string; pod: string; container: string; command: string[] };

const file = process.env.HC_RECORD_OPS;

export function record(op: RecordedOp): void {
  if (!file) return;
  // Redacted: a benchmark artifact must not carry Secret data either (the replay sends placeholders).
  appendFileSync(file, JSON.stringify("obj" in op ? { ...op, obj: redactObject(op.obj) } : op) + "\n");
}

/**
 * What a wait saw when it finished: the objects' states, without names (generated names differ between
 * runs) — enough for a replay to wait until the same number of objects are in the same states.
 */
export function signature(objects: k8s.KubernetesObject[]): string[] {
  return objects
    .map((o) => {
      const st = (o as { status?: { phase?: string; conditions?: { type: string; status: string }[]; availableReplicas?: number } }).status;
      const ready = st?.conditions?.find((c) => c.type === "Ready" || c.type === "Available")?.status ?? "";
      return `${st?.phase ?? ""}:${ready}:${st?.availableReplicas ?? ""}`;
    })
    .sort();
}
