// Windows node pools: the unit a cluster operator validates. Discovered from the provider's pool label (AKS,
// GKE, EKS, Cluster API; lib/pools/README in docs/pools.md), else by Windows build; or named by the user
// (`run --windows-nodes <selector>`), which narrows the run to that pool: fixtures land only there
// (lib/fixtures/guard.ts), node checks judge only it, and the builds and taints the run renders for are its own.
import { UserFacingError } from "../errors.js";
import type { Capabilities, NodeInfo, Pool } from "../preflight/types.js";
import { windowsTaintsOf } from "../preflight/taints.js";
import { matches, type LabelSelector } from "./selector.js";

/** Pool labels in the order they are preferred; the first one a Windows node carries names its pool. */
export const POOL_LABELS = [
  "agentpool", // AKS (also kubernetes.azure.com/agentpool, same value)
  "kubernetes.azure.com/agentpool",
  "cloud.google.com/gke-nodepool", // GKE
  "eks.amazonaws.com/nodegroup", // EKS managed node groups
  "cluster.x-k8s.io/deployment-name", // Cluster API MachineDeployments
] as const;
/** Without a provider's pool label, a Windows build is the pool (the docs' windows-build label). */
export const BUILD_POOL_LABEL = "node.kubernetes.io/windows-build";

const fmtTaint = (t: { key: string; value?: string; effect: string }) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;

function poolOf(selector: string, members: NodeInfo[]): Pool {
  const ready = members.filter((n) => n.ready);
  return {
    selector,
    nodes: members.map((n) => n.name).sort(),
    readyNodes: ready.length,
    builds: [...new Set(members.map((n) => n.build).filter((b): b is string => !!b))].sort(),
    taints: [...new Set(members.flatMap((n) => n.taints.map(fmtTaint)))].sort(),
  };
}

/** Every Windows pool of the cluster, each with the selector that targets it (`--windows-nodes`). */
export function discoverPools(nodes: NodeInfo[]): Pool[] {
  const groups = new Map<string, NodeInfo[]>();
  for (const n of nodes.filter((x) => x.os === "windows")) {
    const key = POOL_LABELS.find((k) => n.labels[k]) ?? BUILD_POOL_LABEL;
    const selector = `${key}=${n.labels[key] ?? ""}`;
    groups.set(selector, [...(groups.get(selector) ?? []), n]);
  }
  return [...groups].map(([s, members]) => poolOf(s, members)).sort((a, b) => a.selector.localeCompare(b.selector));
}

/**
 * The run narrowed to the pool the selector names: Windows builds and taints are the pool's, `targetPool` says
 * which nodes it holds. Refuses (one line, exit 2) a selector that matches no Ready Windows node, unless
 * `allowNotReady` (a discovered pool's pass, lib/pools/passes.ts): then its builds are its NotReady nodes'.
 */
export function narrowToPool(caps: Capabilities, sel: LabelSelector, o: { allowNotReady?: boolean } = {}): Capabilities {
  const matched = caps.nodes.filter((n) => matches(sel, n.labels));
  const windows = matched.filter((n) => n.os === "windows");
  const anyReady = windows.some((n) => n.ready);
  if (!anyReady && !(o.allowNotReady && windows.length)) {
    const found = (caps.pools ?? []).map((p) => `${p.selector} (${p.readyNodes} Ready)`).join(", ") || "none";
    const what = windows.length
      ? `only Windows nodes that are not Ready (${windows.map((n) => n.name).join(", ")})`
      : matched.length
        ? `only non-Windows nodes (${matched.map((n) => n.name).join(", ")})`
        : "no node";
    throw new UserFacingError(`--windows-nodes ${sel.text}: matches ${what}; no Ready Windows node to test (Windows pools found: ${found})`);
  }
  const pool = poolOf(sel.text, windows);
  const inPool = new Set(pool.nodes);
  return {
    ...caps,
    windowsBuilds: [
      ...new Set(
        windows
          .filter((n) => n.ready || !anyReady)
          .map((n) => n.build)
          .filter((b): b is string => !!b),
      ),
    ].sort(),
    // A pool with no Ready node: its pods tolerate what its nodes carry, so they fail on the nodes' state alone.
    windowsTaints: windowsTaintsOf(caps.nodes.filter((n) => n.os !== "windows" || inPool.has(n.name)).map((n) => (anyReady ? n : { ...n, ready: true }))),
    targetPool: { ...pool, selection: sel },
  };
}

/**
 * The Windows nodes this run tests: the targeted pool's, else all of them. Workers only: a control-plane node that
 * reports Windows is what "runs the control plane on Linux" fails on, not a Windows worker to judge.
 */
export function windowsNodesUnderTest(caps: Pick<Capabilities, "nodes" | "targetPool">): NodeInfo[] {
  const inPool = caps.targetPool ? new Set(caps.targetPool.nodes) : undefined;
  return caps.nodes.filter((n) => n.os === "windows" && !n.controlPlane && (!inPool || inPool.has(n.name)));
}

/** Every node the run judges: the Linux nodes and the Windows nodes under test. */
export function nodesUnderTest(caps: Pick<Capabilities, "nodes" | "targetPool">): NodeInfo[] {
  const windows = new Set(windowsNodesUnderTest(caps));
  return caps.nodes.filter((n) => n.os !== "windows" || windows.has(n));
}

/** The preflight's lines about pools: the one under test (nodes, builds, taints), or every pool found. */
export function describePools(caps: Capabilities): string[] {
  const line = (p: Pool) =>
    `${p.selector}: ${p.nodes.length} node(s) (${p.readyNodes} Ready: ${p.nodes.join(", ")}), build ${p.builds.join(", ") || "unlabelled"}, taints ${p.taints.join(", ") || "none"}`;
  if (caps.targetPool) return [`Windows pool under test (--windows-nodes) ${line(caps.targetPool)}`];
  return [
    `Windows pools found (the Windows tests run on each, one pass per pool; test one with --windows-nodes <selector>):`,
    ...(caps.pools ?? []).map((p) => `  ${line(p)}`),
  ];
}
