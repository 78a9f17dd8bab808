// The simulated nodes: a default hybrid topology, overridable by a YAML file (`--topology`).
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { z } from "zod";
import { UserFacingError } from "../lib/errors.js";

export const windowsBuilds = {
  "10.0.20348": { osImage: "Windows Server 2022 Datacenter", kernel: "10.0.20348.3207", release: "ltsc2022" },
  "10.0.26100": { osImage: "Windows Server 2025 Datacenter", kernel: "10.0.26100.3194", release: "ltsc2025" },
  "10.0.17763": { osImage: "Windows Server 2019 Datacenter", kernel: "10.0.17763.6893", release: "ltsc2019" },
} as const;
export type WindowsBuild = keyof typeof windowsBuilds;

const taintSchema = z.object({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

const nodeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label").max(63),
    os: z.enum(["linux", "windows"]),
    role: z.enum(["control-plane", "worker"]).default("worker"),
    build: z.enum(Object.keys(windowsBuilds) as [WindowsBuild, ...WindowsBuild[]]).optional(),
    cpu: z.string().default("4"),
    memory: z.string().default("16Gi"),
    pods: z.number().int().positive().default(110),
    labels: z.record(z.string(), z.string()).default({}),
    /** When given, replaces the default taints (control-plane NoSchedule; os=windows:NoSchedule on Windows). */
    taints: z.array(taintSchema).optional(),
  })
  .strict()
  .refine((n) => (n.os === "windows") === (n.build !== undefined), { message: "a Windows node needs a build, a Linux node must not have one" })
  .refine((n) => !(n.os === "windows" && n.role === "control-plane"), { message: "the control plane runs on Linux" });

const topologySchema = z
  .object({
    nodes: z.array(nodeSchema).min(1),
  })
  .strict()
  .refine((t) => new Set(t.nodes.map((n) => n.name)).size === t.nodes.length, { message: "node names must be unique" })
  .refine((t) => t.nodes.length <= 200, { message: "at most 200 nodes" });

export type NodeSpec = z.infer<typeof nodeSchema>;
export type Topology = z.infer<typeof topologySchema>;

export const defaultTopology: Topology = topologySchema.parse({
  nodes: [
    { name: "hc-control-plane", os: "linux", role: "control-plane" },
    { name: "hc-linux-1", os: "linux" },
    { name: "hc-linux-2", os: "linux" },
    { name: "hc-win2022-1", os: "windows", build: "10.0.20348" },
    { name: "hc-win2022-2", os: "windows", build: "10.0.20348" },
    { name: "hc-win2025-1", os: "windows", build: "10.0.26100" },
  ],
});

export function loadTopology(path: string | undefined): Topology {
  if (!path) return defaultTopology;
  let raw: unknown;
  try {
    raw = yaml.load(readFileSync(path, "utf8"));
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    throw new UserFacingError(`topology file ${path}: ${msg}`);
  }
  const parsed = topologySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "(top level)";
    throw new UserFacingError(`topology file ${path}: ${where}: ${issue.message}`);
  }
  return parsed.data;
}

export function defaultTaints(n: NodeSpec) {
  if (n.taints) return n.taints;
  if (n.role === "control-plane") return [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" as const }];
  if (n.os === "windows") return [{ key: "os", value: "windows", effect: "NoSchedule" as const }];
  return [];
}
