// The state file of a running local cluster: what `up` started, and where.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ComponentRecord } from "./processes.js";

export interface ClusterState {
  createdAt: string;
  server: string;
  kubeconfig: string;
  ports: Record<string, number>;
  nodes: { name: string; address: string; os: string; build?: string }[];
  /** The layout (profiles.ts) and timing the cluster was started with. */
  profile?: string;
  timing?: { latency: string; timeScale: number };
  /** The control plane's feature gates (`cluster up --feature-gates`), as given. */
  featureGates?: string[];
  components: ComponentRecord[];
  /** Loopback endpoint of the data plane's control API (faults, status). */
  dataplaneUrl: string;
}

export const stateFile = (dir: string) => join(dir, "state.json");

export function readState(dir: string): ClusterState | undefined {
  const f = stateFile(dir);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
}

export function writeState(dir: string, s: ClusterState): void {
  writeFileSync(stateFile(dir), JSON.stringify(s, null, 2));
}
