// What `cluster up` tells the data plane beyond its flags: the profile, the timing, and the nodes
// cluster-autoscaler may add. Written once into the state directory before the data plane starts.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type * as k8s from "@kubernetes/client-node";
import { noLatency, type TimingConfig } from "./timing.js";
import type { KwokCommand } from "./kwok-resync.js";

export interface AutoscaledPoolConfig {
  pool: string;
  max: number;
  /** The Node objects the pool can grow by, in order (some may be registered already). */
  nodes: k8s.V1Node[];
}

export interface DataPlaneConfig {
  profile: string;
  timing: TimingConfig;
  autoscaled: AutoscaledPoolConfig[];
  /** Every node address, registered or not yet: each gets its kubelet forwarder. */
  nodeAddresses: string[];
  /** "none": no NetworkPolicy engine, so policies are accepted by the API and enforced by nobody. Default enforced. */
  networkPolicy?: "enforced" | "none";
  /** How kwok was started: the data plane restarts it the same way after an API server outage (kwok-resync.ts). */
  kwok?: KwokCommand;
  /** The cloud's load-balancer controller and the loopback addresses it hands out; absent: the cluster has none. */
  loadBalancer?: { pool: string[] };
}

const file = (stateDir: string) => join(stateDir, "dataplane-config.json");

export function writeDataPlaneConfig(stateDir: string, c: DataPlaneConfig): void {
  writeFileSync(file(stateDir), JSON.stringify(c, null, 2));
}

export function readDataPlaneConfig(stateDir: string): DataPlaneConfig {
  if (!existsSync(file(stateDir))) return { profile: "docs", timing: noLatency, autoscaled: [], nodeAddresses: [] };
  return JSON.parse(readFileSync(file(stateDir), "utf8")) as DataPlaneConfig;
}
