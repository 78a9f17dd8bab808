// The nodes as the run's record reports them: read again when the record is written, not taken from the
// preflight. A node that went NotReady mid-run shows NotReady, one cluster-autoscaler added shows up; what the
// preflight saw stays beside it (`readyAtPreflight`). When the API cannot be read at the end (the run ended on an
// outage or a lost permission), the record keeps the preflight's view and says so.
import * as k8s from "@kubernetes/client-node";
import { nodeInfo } from "../preflight/discover.js";
import type { Capabilities, NodeInfo } from "../preflight/types.js";

/** Where the record's node facts come from. */
export interface NodesRead {
  /** "end of run": listed when the record was written; "preflight": that read failed (`why`), the preflight's view. */
  source: "end of run" | "preflight";
  /** When they were listed (ISO time), for "end of run". */
  at?: string;
  why?: string;
}

export interface NodesAtRecord {
  nodes: NodeInfo[];
  read: NodesRead;
}

/** Lists the nodes now; on any failure, the preflight's nodes with the reason. */
export async function readNodesForRecord(kc: k8s.KubeConfig, caps: Pick<Capabilities, "nodes">): Promise<NodesAtRecord> {
  try {
    const items = (await kc.makeApiClient(k8s.CoreV1Api).listNode()).items;
    return { nodes: items.map(nodeInfo), read: { source: "end of run", at: new Date().toISOString() } };
  } catch (e) {
    const why = `listing nodes at the end of the run failed: ${((e as Error).message ?? String(e)).split("\n")[0]}`;
    return { nodes: caps.nodes, read: { source: "preflight", why } };
  }
}

/**
 * summary.json `cluster.nodes`: each node as last read, with its readiness at the preflight (absent: the node
 * registered during the run). A node the preflight saw that is gone at the end is listed `removedDuringRun`, not Ready.
 */
export interface SummaryNode {
  name: string;
  os: string;
  build?: string;
  ready: boolean;
  readyAtPreflight?: boolean;
  removedDuringRun?: true;
  runtime: string;
}

export function summaryNodes(now: NodeInfo[], preflight: NodeInfo[]): SummaryNode[] {
  const before = new Map(preflight.map((n) => [n.name, n.ready]));
  const names = new Set(now.map((n) => n.name));
  const row = (n: NodeInfo): SummaryNode => ({
    name: n.name,
    os: n.os,
    build: n.build,
    ready: n.ready,
    ...(before.has(n.name) ? { readyAtPreflight: before.get(n.name) } : {}),
    runtime: n.containerRuntimeVersion,
  });
  return [...now.map(row), ...preflight.filter((n) => !names.has(n.name)).map((n) => ({ ...row(n), ready: false, removedDuringRun: true as const }))];
}
