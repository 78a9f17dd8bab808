// Faults that make a Node object lie about itself, as the real defects look to anyone reading the API: a label
// missing, a label that no longer matches the kernel, an old container runtime (on Windows workers), a control-plane
// node that reports Windows, a kubelet that states its whole memory as allocatable. Each changes only its own fields of the matching nodes it applies to while it is on,
// and puts back exactly the values it replaced when cleared.
import * as k8s from "@kubernetes/client-node";

const BUILD_LABEL = "node.kubernetes.io/windows-build";
/** A Windows Server 2019 kernel: the node runs an older OS than the build its label still names. */
export const LIE_KERNEL = "10.0.17763.6659";
/** A containerd release older than the 1.7 line (1.6 reached end of life in 2025). */
export const OLD_CONTAINERD = "containerd://1.6.28";

export const nodeLieFaults = [
  "windows-build-label-missing",
  "windows-build-label-lie",
  "containerd-old",
  "control-plane-os-windows",
  "allocatable-ignores-reservations",
] as const;
export type NodeLieFault = (typeof nodeLieFaults)[number];

/** The fields a node lie owns: a label, a nodeInfo field, or the allocatable memory. */
type Field = { label: string } | { nodeInfo: "kernelVersion" | "containerRuntimeVersion" | "operatingSystem" } | { allocatable: "memory" };
/** What a lie sets: a value, none (removed), or a value read off the node itself. */
type Lie = string | null | ((n: k8s.V1Node) => string | null);
const fieldsOf: Record<NodeLieFault, { field: Field; value: Lie }[]> = {
  "windows-build-label-missing": [{ field: { label: BUILD_LABEL }, value: null }],
  "windows-build-label-lie": [{ field: { nodeInfo: "kernelVersion" }, value: LIE_KERNEL }],
  "containerd-old": [{ field: { nodeInfo: "containerRuntimeVersion" }, value: OLD_CONTAINERD }],
  // What a kubelet on a Windows host writes (kubernetes.io/os from runtime.GOOS, nodeInfo.operatingSystem).
  "control-plane-os-windows": [
    { field: { label: "kubernetes.io/os" }, value: "windows" },
    { field: { nodeInfo: "operatingSystem" }, value: "windows" },
  ],
  // A kubelet that subtracts neither its reservations nor its eviction threshold: allocatable = capacity.
  "allocatable-ignores-reservations": [{ field: { allocatable: "memory" }, value: (n) => n.status?.capacity?.memory ?? null }],
};
const isControlPlane = (n: k8s.V1Node) =>
  Object.keys(n.metadata?.labels ?? {}).some((l) => l === "node-role.kubernetes.io/control-plane" || l === "node-role.kubernetes.io/master");
/** The Windows lies apply to Windows workers; the control-plane lie to control-plane nodes. */
const appliesTo = (f: NodeLieFault, n: k8s.V1Node) =>
  f === "control-plane-os-windows" ? isControlPlane(n) : !isControlPlane(n) && n.metadata?.labels?.["kubernetes.io/os"] === "windows";
const keyOf = (f: Field) => ("label" in f ? `label:${f.label}` : "nodeInfo" in f ? `nodeInfo:${f.nodeInfo}` : `allocatable:${f.allocatable}`);
const read = (n: k8s.V1Node, f: Field) =>
  ("label" in f ? n.metadata?.labels?.[f.label] : "nodeInfo" in f ? n.status?.nodeInfo?.[f.nodeInfo] : n.status?.allocatable?.[f.allocatable]) ?? null;

/** One change to a node: the field, and the value it must have (null: removed). */
export interface NodeChange {
  field: Field;
  value: string | null;
}

export class NodeLies {
  /** node → field key → the value a lie replaced (exactly this comes back on clear). */
  private readonly saved = new Map<string, Map<string, string | null>>();

  /** What must change on this node, given which lies are on for it; remembers what it replaces. */
  plan(n: k8s.V1Node, on: (f: NodeLieFault) => boolean): NodeChange[] {
    const name = n.metadata!.name!;
    const saved = this.saved.get(name) ?? new Map<string, string | null>();
    const changes: NodeChange[] = [];
    for (const f of nodeLieFaults) {
      for (const { field, value: lie } of fieldsOf[f]) {
        const key = keyOf(field);
        const value = typeof lie === "function" ? lie(n) : lie;
        if (on(f) && appliesTo(f, n)) {
          if (!saved.has(key)) saved.set(key, read(n, field));
          if (read(n, field) !== value) changes.push({ field, value });
        } else if (saved.has(key)) {
          changes.push({ field, value: saved.get(key)! });
          saved.delete(key);
        }
      }
    }
    if (saved.size) this.saved.set(name, saved);
    else this.saved.delete(name);
    return changes;
  }

  /** Applies the plan for one node through the API (labels by a metadata patch, nodeInfo by a status patch). */
  async apply(core: k8s.CoreV1Api, n: k8s.V1Node, on: (f: NodeLieFault) => boolean): Promise<void> {
    const changes = this.plan(n, on);
    const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
    const labels = Object.fromEntries(changes.flatMap((c) => ("label" in c.field ? [[c.field.label, c.value]] : [])));
    const nodeInfo = Object.fromEntries(changes.flatMap((c) => ("nodeInfo" in c.field ? [[c.field.nodeInfo, c.value]] : [])));
    const allocatable = Object.fromEntries(changes.flatMap((c) => ("allocatable" in c.field ? [[c.field.allocatable, c.value]] : [])));
    const name = n.metadata!.name!;
    if (Object.keys(labels).length) await core.patchNode({ name, body: { metadata: { labels } } }, merge);
    const status = { ...(Object.keys(nodeInfo).length && { nodeInfo }), ...(Object.keys(allocatable).length && { allocatable }) };
    if (Object.keys(status).length) await core.patchNodeStatus({ name, body: { status } }, merge);
  }
}
