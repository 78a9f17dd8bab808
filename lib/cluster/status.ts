// Readers of pod and node status, in one place: every check and wait asks these rather than spelling the
// condition out again.
import type * as k8s from "@kubernetes/client-node";

const conditionTrue = (conditions: { type: string; status: string }[] | undefined, type: string) =>
  conditions?.some((c) => c.type === type && c.status === "True") ?? false;

/** The pod's Ready condition is True. */
export const isPodReady = (p: k8s.V1Pod) => conditionTrue(p.status?.conditions, "Ready");

/** The node's Ready condition is True. */
export const isNodeReady = (n: k8s.V1Node) => conditionTrue(n.status?.conditions, "Ready");

/** One container's status (not an init container's). */
export const containerStatus = (p: k8s.V1Pod, container: string) => p.status?.containerStatuses?.find((c) => c.name === container);
