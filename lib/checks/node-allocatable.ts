// A Windows node's allocatable memory, judged as upstream's test/e2e/windows/memory_limits.go
// (checkNodeAllocatableTest) judges it: capacity − systemReserved − kubeReserved − evictionSoft − evictionHard
// (memory.available), with the reservations read from the kubelet's own /configz through the API server's node
// proxy, must equal what the Node object states. A kubelet that ignores a reservation overstates what pods can
// have, and the node runs out of memory instead of refusing pods.
import type * as k8s from "@kubernetes/client-node";
import { bytes } from "./quantity.js";

type Amounts = Record<string, string> | undefined;
/** The part of /configz the check reads (k8s.io/kubelet config v1beta1 KubeletConfiguration). */
export interface KubeletConfigz {
  kubeletconfig?: { kubeReserved?: Amounts; systemReserved?: Amounts; evictionHard?: Amounts; evictionSoft?: Amounts };
}

export async function readConfigz(core: k8s.CoreV1Api, node: string): Promise<KubeletConfigz> {
  // client-node hands a JSON body back parsed, though typed as a string.
  const raw: unknown = await core.connectGetNodeProxyWithPath({ name: node, path: "configz" });
  return (typeof raw === "string" ? JSON.parse(raw) : raw) as KubeletConfigz;
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)}Mi`;

/** The node's memory figures and, when allocatable is not capacity minus the reservations, why. */
export function allocatableMemoryProblem(node: k8s.V1Node, configz: KubeletConfigz): { expected: string; stated: string; problem?: string } {
  const name = node.metadata?.name ?? "?";
  const c = configz.kubeletconfig ?? {};
  const capacity = node.status?.capacity?.memory;
  const stated = node.status?.allocatable?.memory;
  if (!capacity || !stated) return { expected: "?", stated: stated ?? "?", problem: `node ${name} states no memory ${capacity ? "allocatable" : "capacity"}` };
  const parts: [string, string | undefined][] = [
    ["systemReserved", c.systemReserved?.memory],
    ["kubeReserved", c.kubeReserved?.memory],
    ["evictionSoft", c.evictionSoft?.["memory.available"]],
    ["evictionHard", c.evictionHard?.["memory.available"]],
  ];
  const expected = parts.reduce((left, [, q]) => left - (q ? bytes(q) : 0), bytes(capacity));
  const text = `capacity ${capacity} − ${parts.map(([k, q]) => `${k} ${q ?? "0"}`).join(" − ")} = ${mib(expected)}`;
  if (bytes(stated) === expected) return { expected: mib(expected), stated };
  return {
    expected: mib(expected),
    stated,
    problem: `node ${name} states allocatable memory ${stated} (${mib(bytes(stated))}), but its kubelet's /configz gives ${text}`,
  };
}
